// Tests of themes/default/static/ticks.js outside a browser: `node --test tests/js/`.
// What a checklist remembers between visits, and what it tells a reader who comes back.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const SCRIPT = fs.readFileSync(path.join(__dirname, "../../themes/default/static/ticks.js"), "utf8");

function load() {
  const window = {};
  vm.runInNewContext(SCRIPT, { window });
  return window.guidegenTicks;
}

const ticks = load();
const page = [
  { id: "a", version: "v1", name: "A" },
  { id: "b", version: "v2", name: "B" },
];

test("a first visit shows no changes and clears no ticks", () => {
  const changes = ticks.changesSince(ticks.read(null), page);
  assert.deepEqual(JSON.parse(JSON.stringify(changes)), { added: [], changed: [], removed: [], cleared: [] });
});

test("new, changed and no longer listed materials are told apart from the last visit", () => {
  const stored = ticks.read(ticks.write({ a: "v0", b: "v2" }, [
    { id: "a", version: "v0", name: "A" },
    { id: "b", version: "v2", name: "B" },
    { id: "gone", version: "v9", name: "Gone" },
  ]));
  const now = page.concat([{ id: "c", version: "v3", name: "C" }]);
  const changes = JSON.parse(JSON.stringify(ticks.changesSince(stored, now)));
  assert.deepEqual(changes, {
    added: ["c"],
    changed: ["a"],
    removed: [{ id: "gone", name: "Gone" }],
    cleared: ["a"],
  });
});

test("ticks stored in the first shape count as unchanged", () => {
  const stored = ticks.read(JSON.stringify({ a: true, b: false }));
  assert.deepEqual(Object.keys(stored.ticks), ["a"]);
  const changes = ticks.changesSince(stored, page);
  assert.equal(changes.cleared.length, 0);
  assert.equal(changes.added.length, 0, "no last visit recorded, so nothing is called new");
});

test("a tick of the first shape takes the version on the page, so a later change clears it", () => {
  // First visit with the new script: the old tick stays, now tied to what the page says.
  const old = ticks.read(JSON.stringify({ a: true }));
  const first = ticks.settle(old.ticks, page, ticks.changesSince(old, page));
  assert.deepEqual(JSON.parse(JSON.stringify(first)), { a: "v1" });
  // Next visit, after material a changed: its tick is cleared and it is called changed.
  const stored = ticks.read(ticks.write(first, page));
  const now = [{ id: "a", version: "v1b", name: "A" }, page[1]];
  const changes = ticks.changesSince(stored, now);
  assert.deepEqual(JSON.parse(JSON.stringify([changes.changed, changes.cleared])), [["a"], ["a"]]);
  assert.deepEqual(JSON.parse(JSON.stringify(ticks.settle(stored.ticks, now, changes))), {});
});

test("settling keeps unchanged ticks and those of materials no longer on the page as they were", () => {
  const stored = ticks.read(ticks.write({ a: "v0", b: "v2", gone: "v9" }, page));
  const changes = ticks.changesSince(stored, page);
  assert.deepEqual(JSON.parse(JSON.stringify(ticks.settle(stored.ticks, page, changes))), { b: "v2", gone: "v9" });
});

test("anything stored that is not a record reads as nothing", () => {
  for (const text of ["", "null", "[1,2]", "{bad json", "42", JSON.stringify({ ticks: 5, seen: "x" })]) {
    const stored = ticks.read(text);
    assert.equal(typeof stored.ticks, "object", text);
    assert.equal(ticks.changesSince(stored, page).cleared.length, 0, text);
  }
});
