// guidegen default theme: small enhancements only. Every page is complete without this file:
// it remembers checklist ticks, shows progress, and narrows a checklist to the reader's answers.
(function () {
  "use strict";

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  // The query string, read and written by query.js (loaded before this file where it matters).
  function params() { return window.guidegenQuery.parse(location.search); }
  function query(answers) { return window.guidegenQuery.build(answers); }

  // ---- Questionnaire: answers live in the URL (?<condition id>=1&<condition id>=<chosen option>) ----

  function readAnswers(form) {
    var answers = {};
    each(form.querySelectorAll("fieldset.question"), function (set) {
      if (set.hidden) return;
      var picked = set.querySelector("input:checked");
      if (picked) answers[set.getAttribute("data-condition")] = picked.value;
    });
    return answers;
  }

  function applyAnswers(form, answers) {
    each(form.querySelectorAll("fieldset.question"), function (set) {
      var value = answers[set.getAttribute("data-condition")];
      each(set.querySelectorAll("input"), function (input) { input.checked = input.value === value; });
    });
  }

  // An item stays unless one of its conditions was answered "no" (unanswered ones stay, written out).
  function filterChecklist(answers) {
    var hidden = 0;
    each(document.querySelectorAll(".checklist-item"), function (item) {
      var when = (item.getAttribute("data-when") || "").split(" ").filter(Boolean);
      var excluded = when.some(function (id) { return answers[id] === "0"; });
      item.hidden = excluded;
      if (excluded) hidden += 1;
    });
    each(document.querySelectorAll(".checklist-group"), function (group) {
      group.hidden = !group.querySelector(".checklist-item:not([hidden])");
    });
    var note = document.querySelector(".checklist-hidden-note");
    if (note) {
      note.hidden = hidden === 0;
      note.textContent = note.getAttribute("data-template").replace("{n}", hidden);
    }
  }

  function setUpQuestionnaire(form) {
    var answers = params(); // before showing the form: without query.js it stays hidden, not half set up
    form.hidden = false;
    applyAnswers(form, answers);
    filterChecklist(readAnswers(form));
    form.addEventListener("change", function () {
      var current = readAnswers(form);
      filterChecklist(current);
      history.replaceState(null, "", location.pathname + query(current) + location.hash);
      updateProgress();
    });
    var clear = form.querySelector(".questionnaire-clear");
    if (clear) clear.addEventListener("click", function () {
      applyAnswers(form, {});
      filterChecklist({});
      history.replaceState(null, "", location.pathname + location.hash);
      updateProgress();
    });
  }

  // The start page: pick a subject, answer, go to that subject's checklist with the answers.
  // ?subject= leads straight there, but only when it names a subject in the list: the value is
  // put into a URL, so anything else (javascript:..., //elsewhere) is ignored and the form shown.
  function setUpStart(form) {
    var here = params();
    var select = form.querySelector("select[name=subject]");
    if (isListed(select, here.subject)) {
      var rest = {};
      Object.keys(here).forEach(function (k) { if (k !== "subject") rest[k] = here[k]; });
      location.replace(here.subject + ".html" + query(rest));
      return;
    }
    form.hidden = false;
    function showRelevant() {
      var subject = select.value;
      each(form.querySelectorAll("fieldset.question"), function (set) {
        var subjects = (set.getAttribute("data-subjects") || "").split(" ").filter(Boolean);
        set.hidden = subjects.length > 0 && subjects.indexOf(subject) < 0;
      });
    }
    select.addEventListener("change", showRelevant);
    showRelevant();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      location.href = select.value + ".html" + query(readAnswers(form));
    });
  }

  function isListed(select, value) {
    return Array.prototype.some.call(select.options, function (option) { return option.value === value; });
  }

  // ---- Checklist ticks, kept in this browser per site and checklist (ticks.js keeps the record) ----

  var storageKey = null;
  var ticks = {};
  var materials = [];

  function updateProgress() {
    var line = document.querySelector(".checklist-progress");
    if (!line) return;
    var boxes = document.querySelectorAll(".checklist-item:not([hidden]) input[type=checkbox]");
    var done = 0;
    each(boxes, function (box) { if (box.checked) done += 1; });
    line.hidden = false;
    line.textContent = line.getAttribute("data-template").replace("{done}", done).replace("{total}", boxes.length);
  }

  function mark(box) {
    var item = box.closest(".checklist-item");
    if (item) item.classList.toggle("is-done", box.checked);
    // Printing shows the attribute state, so keep it in step with the tick.
    if (box.checked) box.setAttribute("checked", ""); else box.removeAttribute("checked");
  }

  function store() {
    try { window.localStorage.setItem(storageKey, window.guidegenTicks.write(ticks, materials)); } catch (e) { /* storage off: ticks last for this visit */ }
  }

  // Every material of the checklist, shown or hidden by the answers.
  function pageMaterials(form) {
    var list = [];
    each(form.querySelectorAll(".checklist-item"), function (item) {
      var box = item.querySelector("input[type=checkbox]");
      if (box) list.push({ id: box.name, version: item.getAttribute("data-version") || "", name: item.getAttribute("data-name") || box.name });
    });
    return list;
  }

  // The notice above the checklist: what is new, changed or no longer needed since the last visit.
  function showChanges(changes) {
    var notice = document.querySelector(".changed-notice");
    if (!notice) return;
    var list = notice.querySelector("ul");
    var names = {};
    materials.forEach(function (m) { names[m.id] = m.name; });
    function add(label, id, linked) {
      var li = document.createElement("li");
      li.appendChild(document.createTextNode(notice.getAttribute(label)));
      if (linked) {
        var a = document.createElement("a");
        a.href = "#material-" + id;
        a.textContent = names[id];
        li.appendChild(a);
      } else {
        li.appendChild(document.createTextNode(id));
      }
      list.appendChild(li);
    }
    changes.added.forEach(function (id) { add("data-added", id, true); });
    changes.changed.forEach(function (id) { add("data-changed", id, true); });
    changes.removed.forEach(function (m) { add("data-removed", m.name, false); });
    notice.hidden = list.children.length === 0;
  }

  function setUpChecklist(form) {
    storageKey = form.getAttribute("data-storage-key");
    materials = pageMaterials(form);
    var stored;
    try { stored = window.guidegenTicks.read(window.localStorage.getItem(storageKey)); } catch (e) { stored = window.guidegenTicks.read(""); }
    var changes = window.guidegenTicks.changesSince(stored, materials);
    ticks = window.guidegenTicks.settle(stored.ticks, materials, changes);
    changes.cleared.forEach(function (id) {
      var item = document.getElementById("material-" + id);
      var note = item && item.querySelector(".changed-since-tick");
      if (note) note.hidden = false;
    });
    showChanges(changes);
    each(form.querySelectorAll("input[type=checkbox]"), function (box) {
      var item = box.closest(".checklist-item");
      box.checked = Object.prototype.hasOwnProperty.call(ticks, box.name);
      mark(box);
      box.addEventListener("change", function () {
        if (box.checked) ticks[box.name] = item ? item.getAttribute("data-version") : null; else delete ticks[box.name];
        // Ticked again after a change: the reader has checked it, so the note has said its piece.
        var note = box.checked && item && item.querySelector(".changed-since-tick");
        if (note) note.hidden = true;
        mark(box);
        store();
        updateProgress();
      });
    });
    // The notice is for this visit: from now on, the page as it is counts as seen.
    store();
    var reset = form.querySelector(".checklist-reset");
    if (reset) {
      reset.hidden = false;
      reset.addEventListener("click", function () {
        ticks = {};
        store();
        each(form.querySelectorAll("input[type=checkbox]"), function (box) { box.checked = false; mark(box); });
        updateProgress();
      });
    }
    updateProgress();
  }

  each(document.querySelectorAll("form.checklist"), setUpChecklist);
  each(document.querySelectorAll("form.questionnaire"), setUpQuestionnaire);
  each(document.querySelectorAll("form.questionnaire-start"), setUpStart);
})();
