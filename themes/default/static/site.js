// guidegen default theme: small enhancements only. Every page is complete without this file.
(function () {
  "use strict";

  // Checklists remember their ticks in this browser, per site and checklist.
  function restoreChecklist(form) {
    var key = form.getAttribute("data-storage-key");
    if (!key) return;
    var saved = {};
    try { saved = JSON.parse(window.localStorage.getItem(key) || "{}") || {}; } catch (e) { saved = {}; }
    var boxes = form.querySelectorAll('input[type="checkbox"]');
    Array.prototype.forEach.call(boxes, function (box) {
      box.checked = saved[box.name] === true;
      mark(box);
      box.addEventListener("change", function () {
        saved[box.name] = box.checked;
        mark(box);
        try { window.localStorage.setItem(key, JSON.stringify(saved)); } catch (e) { /* storage off: ticks last for this visit */ }
      });
    });
  }

  function mark(box) {
    var item = box.closest(".checklist-item");
    if (item) item.classList.toggle("is-done", box.checked);
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.checklist"), restoreChecklist);
})();
