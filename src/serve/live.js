(function () {
  "use strict";
  // Loaded by `guidegen serve` only (/__guidegen/live.js): reload after each good rebuild, keep
  // the scroll position, and show the build's errors over the page while the last rebuild is
  // failing. The overlay is the markup of `overlay_markup` in src/serve/http.rs (its twin), styled
  // by /__guidegen/live.css: no inline style, which the pages' Content-Security-Policy forbids.
  var key = "guidegen-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    var y = Number(saved);
    window.addEventListener("load", function () { window.scrollTo(0, y); });
  }
  function overlay(text) {
    var box = document.getElementById("guidegen-overlay");
    if (!box) {
      box = document.createElement("div");
      box.id = "guidegen-overlay";
      box.setAttribute("role", "alert");
      var title = document.createElement("p");
      title.textContent = "The last rebuild failed; showing the last good site.";
      box.appendChild(title);
      box.appendChild(document.createElement("pre"));
      document.body.appendChild(box);
    }
    box.querySelector("pre").textContent = text;
  }
  var source = new EventSource("/__guidegen/events");
  source.addEventListener("reload", function () {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  });
  source.addEventListener("failed", function (event) {
    overlay(JSON.parse(event.data));
  });
  source.addEventListener("shutdown", function () { source.close(); });
  // A page left for another keeps no connection open: the browser allows only a few per server,
  // and pages kept for the back button would hold them until the next pages could not load.
  // Such a page, shown again, may be out of date: load it afresh.
  window.addEventListener("pagehide", function () { source.close(); });
  window.addEventListener("pageshow", function (event) { if (event.persisted) location.reload(); });
})();
