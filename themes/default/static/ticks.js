// guidegen default theme: what a checklist remembers between visits, as pure functions (site.js
// does the page work; tests/js/ticks.test.js checks these under Node). Stored per checklist:
//   { ticks: { <material id>: <version ticked> }, seen: { <material id>: { v: <version>, name } } }
// A material's version is a fingerprint of what it says, made by the build (`material_version`
// in src/plan/checklists.rs); it has no twin here: these functions only compare versions.
(function () {
  "use strict";

  function isObject(value) { return value !== null && typeof value === "object" && !Array.isArray(value); }

  // What was stored, whatever it is. The first shape, { <id>: true }, holds ticks of an unknown
  // version: they count as unchanged, so no reader loses a tick to the new shape.
  function read(text) {
    var data;
    try { data = JSON.parse(text || "{}"); } catch (e) { data = {}; }
    if (!isObject(data)) data = {};
    if (isObject(data.ticks) || isObject(data.seen)) {
      return { ticks: isObject(data.ticks) ? data.ticks : {}, seen: isObject(data.seen) ? data.seen : {}, visited: isObject(data.seen) };
    }
    var ticks = {};
    Object.keys(data).forEach(function (id) { if (data[id] === true) ticks[id] = null; });
    return { ticks: ticks, seen: {}, visited: false };
  }

  // What differs between the last visit and the page's materials (`current`: [{id, version,
  // name}], every material of the checklist, shown or not): materials new, changed or no longer
  // listed since the last visit (nothing on a first visit), and the ticks to clear because the
  // material changed since it was ticked.
  function changesSince(stored, current) {
    var result = { added: [], changed: [], removed: [], cleared: [] };
    var now = {};
    current.forEach(function (m) { now[m.id] = m; });
    if (stored.visited) {
      current.forEach(function (m) {
        var before = stored.seen[m.id];
        if (!isObject(before)) result.added.push(m.id);
        else if (before.v !== m.version) result.changed.push(m.id);
      });
      Object.keys(stored.seen).forEach(function (id) {
        if (!now[id]) result.removed.push({ id: id, name: String((stored.seen[id] || {}).name || id) });
      });
    }
    Object.keys(stored.ticks).forEach(function (id) {
      var ticked = stored.ticks[id];
      if (now[id] && ticked !== null && ticked !== now[id].version) result.cleared.push(id);
    });
    return result;
  }

  // The ticks to keep after this visit: those of materials changed since they were ticked are
  // dropped, and a tick of unknown version (the first shape) takes the version on the page, as it
  // counted as unchanged on this visit; a later change of that material then clears it.
  function settle(ticks, current, changes) {
    var now = {};
    current.forEach(function (m) { now[m.id] = m; });
    var kept = {};
    Object.keys(ticks).forEach(function (id) {
      if (changes.cleared.indexOf(id) !== -1) return;
      kept[id] = ticks[id] === null && now[id] ? now[id].version : ticks[id];
    });
    return kept;
  }

  // What to store: the ticks, and the page's materials as seen on this visit.
  function write(ticks, current) {
    var seen = {};
    current.forEach(function (m) { seen[m.id] = { v: m.version, name: m.name }; });
    return JSON.stringify({ ticks: ticks, seen: seen });
  }

  window.guidegenTicks = { read: read, changesSince: changesSince, settle: settle, write: write };
})();
