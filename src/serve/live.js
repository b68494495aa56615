(function () {
  "use strict";
  // Injected by `guidegen serve` only: reload after each good rebuild, keep the scroll position,
  // and show the build's errors over the page while the last rebuild is failing.
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
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(11,12,12,.92);color:#fff;padding:24px;font:15px/1.5 monospace";
      var title = document.createElement("p");
      title.style.cssText = "font:700 18px sans-serif;margin:0 0 12px";
      title.textContent = "The last rebuild failed; showing the last good site.";
      box.appendChild(title);
      box.appendChild(document.createElement("pre"));
      document.body.appendChild(box);
    }
    var pre = box.querySelector("pre");
    pre.style.whiteSpace = "pre-wrap";
    pre.textContent = text;
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
})();
