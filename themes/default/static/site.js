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

  function conditionsOf(item) {
    return (item.getAttribute("data-when") || "").split(" ").filter(Boolean);
  }

  // What a condition's question says and what the reader picked, in the words on the page.
  function answerWords(form, id) {
    var set = form && form.querySelector('fieldset.question[data-condition="' + id + '"]');
    var picked = set && set.querySelector("input:checked");
    if (!picked) return null;
    var legend = set.querySelector("legend");
    var label = picked.closest("label");
    return { question: legend ? legend.textContent.trim() : id, answer: (label ? label.textContent : picked.value).trim() };
  }

  // Whether the reader has the items the answers ruled out shown (struck through) or hidden.
  var showExcluded = false;

  // An item is ruled out when one of its conditions was answered "no" ("0"); it is needed when
  // each of its conditions was answered otherwise (or it has none); unanswered ones stay, written
  // out. Counts, the reasons, the note on what is hidden and the progress follow every change.
  function filterChecklist(answers, form) {
    var excludedCount = 0;
    var shown = 0;
    var needed = 0;
    each(document.querySelectorAll(".checklist-item"), function (item) {
      var when = conditionsOf(item);
      var excluded = when.some(function (id) { return answers[id] === "0"; });
      var because = when.length > 0 && when.every(function (id) { return id in answers && answers[id] !== "0"; });
      item.classList.toggle("is-excluded", excluded);
      item.hidden = excluded && !showExcluded;
      var notNeeded = item.querySelector(".not-needed");
      if (notNeeded) notNeeded.hidden = !excluded;
      var reason = item.querySelector(".needed-because");
      var condition = item.querySelector(".condition");
      if (reason) {
        var list = reason.querySelector("ul");
        list.textContent = "";
        if (because) when.forEach(function (id) {
          var words = answerWords(form, id);
          if (!words) return;
          var li = document.createElement("li");
          var chosen = document.createElement("strong");
          chosen.textContent = words.answer;
          li.appendChild(document.createTextNode(words.question + " — "));
          li.appendChild(chosen);
          list.appendChild(li);
        });
        reason.hidden = !because;
      }
      if (condition) condition.hidden = because;
      if (excluded) excludedCount += 1;
      else {
        shown += 1;
        if (when.length === 0 || because) needed += 1;
      }
    });
    each(document.querySelectorAll(".checklist-group"), function (group) {
      group.hidden = !group.querySelector(".checklist-item:not([hidden])");
    });
    var count = document.querySelector(".checklist-count");
    if (count && count.getAttribute("data-template")) {
      var all = needed === shown && Object.keys(answers).length > 0;
      count.textContent = (all ? count.getAttribute("data-template-all") : count.getAttribute("data-template"))
        .replace("{n}", shown).replace("{m}", needed);
    }
    var note = document.querySelector(".checklist-hidden-note");
    if (note) {
      note.hidden = excludedCount === 0;
      note.textContent = note.getAttribute("data-template").replace("{n}", excludedCount);
    }
    var toggle = document.querySelector(".checklist-show-hidden");
    if (toggle) {
      toggle.hidden = excludedCount === 0;
      toggle.textContent = toggle.getAttribute(showExcluded ? "data-hide" : "data-show");
    }
    showAnswers(form);
    carryAnswers(answers);
    updateProgress();
  }

  // The answers given, above the list (and on paper), next to the note on what they hid.
  function showAnswers(form) {
    var box = document.querySelector(".checklist-answers");
    if (!box || !form) return;
    box.hidden = false;
    var list = box.querySelector(".answers-given");
    list.textContent = "";
    each(form.querySelectorAll("fieldset.question"), function (set) {
      var words = set.hidden ? null : answerWords(form, set.getAttribute("data-condition"));
      if (!words) return;
      var row = document.createElement("div");
      var dt = document.createElement("dt");
      dt.textContent = words.question;
      var dd = document.createElement("dd");
      dd.textContent = words.answer;
      row.appendChild(dt);
      row.appendChild(dd);
      list.appendChild(row);
    });
    list.hidden = list.children.length === 0;
    box.querySelector(".answers-none").hidden = list.children.length > 0;
  }

  // Links from the checklist to its stages carry the subject and the answers, so that a stage
  // page can list only what this reader needs.
  function carryAnswers(answers) {
    var checklist = document.querySelector("form.checklist[data-subject]");
    if (!checklist) return;
    var carried = { subject: checklist.getAttribute("data-subject") };
    Object.keys(answers).forEach(function (id) { carried[id] = answers[id]; });
    each(document.querySelectorAll("a.carries-answers"), function (a) {
      var base = a.getAttribute("href").split("?")[0];
      a.setAttribute("href", base + query(carried));
    });
  }

  function setUpQuestionnaire(form) {
    var answers = params(); // before showing the form: without query.js it stays hidden, not half set up
    form.hidden = false;
    applyAnswers(form, answers);
    filterChecklist(readAnswers(form), form);
    form.addEventListener("change", function () {
      var current = readAnswers(form);
      filterChecklist(current, form);
      history.replaceState(null, "", location.pathname + query(current) + location.hash);
    });
    var toggle = document.querySelector(".checklist-show-hidden");
    if (toggle) toggle.addEventListener("click", function () {
      showExcluded = !showExcluded;
      filterChecklist(readAnswers(form), form);
    });
    // Clears the answers, and only them: the ticks stay.
    var clear = form.querySelector(".questionnaire-clear");
    if (clear) clear.addEventListener("click", function () {
      applyAnswers(form, {});
      filterChecklist({}, form);
      history.replaceState(null, "", location.pathname + location.hash);
    });
  }

  // The start page: pick a subject, answer, go to that subject's checklist with the answers.
  // ?subject= leads straight there, but only when it names a subject in the list: the value is
  // put into a URL, so anything else (javascript:..., //elsewhere) is ignored and the form shown.
  // No subject is chosen for the reader: the list opens on a prompt and the form requires one.
  function setUpStart(form) {
    var here = params();
    var select = form.querySelector("select[name=subject]");
    if (here.subject && isListed(select, here.subject)) {
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
      if (!select.value) { select.focus(); return; }
      location.href = select.value + ".html" + query(readAnswers(form));
    });
  }

  // ---- A stage page's materials, narrowed to the subject and answers a checklist sent along ----
  // The same rule as the checklist (an item goes when a condition was answered "0"), plus the
  // subject: data-subjects is `subject_ids` of MaterialView (src/plan/checklists.rs), which
  // leaves out subjects a condition cannot apply to. A document another shown item is the same
  // as (data-same-as) is shown once, as that item.
  function setUpStageMaterials(section) {
    if (!window.guidegenQuery) return; // the page stays whole, every material listed
    var here = params();
    var subject = here.subject;
    // Looked up by comparing attributes, not by a selector built from the address: a value
    // such as `?subject=%0A` would make a selector that throws and stop the rest of the page.
    var names = Array.prototype.filter.call(section.querySelectorAll(".narrow-subjects li[data-subject]"), function (li) {
      return li.getAttribute("data-subject") === subject;
    })[0];
    if (!subject || !names) return;
    var merged = {};
    each(section.querySelectorAll(".stage-material"), function (item) {
      var subjects = (item.getAttribute("data-subjects") || "").split(" ").filter(Boolean);
      var out = (subjects.length > 0 && subjects.indexOf(subject) < 0) ||
        conditionsOf(item).some(function (id) { return here[id] === "0"; });
      item.hidden = out;
      if (!out) (item.getAttribute("data-same-as") || "").split(" ").filter(Boolean).forEach(function (id) { merged[id] = true; });
    });
    Object.keys(merged).forEach(function (id) {
      var item = document.getElementById("material-" + id);
      if (item) item.hidden = true;
    });
    each(section.querySelectorAll(".material-group"), function (group) {
      group.hidden = !group.querySelector(".stage-material:not([hidden])");
    });
    var note = section.querySelector(".stage-narrowed");
    var link = names.querySelector("a");
    note.querySelector(".stage-narrowed-text").textContent = note.getAttribute("data-template").replace("{subject}", link.textContent);
    var rest = {};
    Object.keys(here).forEach(function (k) { if (k !== "subject") rest[k] = here[k]; });
    note.querySelector(".stage-back").setAttribute("href", link.getAttribute("href") + query(rest));
    note.hidden = false;
  }

  // ---- Printing: a button where the page offers one, and the day it was printed ----
  function setUpPrint(button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }

  function stampPrintDate() {
    each(document.querySelectorAll(".printed-on"), function (span) {
      var now = new Date();
      var pad = function (n) { return (n < 10 ? "0" : "") + n; };
      var day = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
      var time = span.querySelector("time");
      time.setAttribute("datetime", day);
      time.textContent = day;
      span.hidden = false;
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
    var boxes = document.querySelectorAll(".checklist-item:not([hidden]):not(.is-excluded) input[type=checkbox]");
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
    if (window.guidegenQuery) carryAnswers({});
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
  each(document.querySelectorAll(".stage-materials"), setUpStageMaterials);
  each(document.querySelectorAll(".print-button"), setUpPrint);
  stampPrintDate();
  window.addEventListener("beforeprint", stampPrintDate);
})();
