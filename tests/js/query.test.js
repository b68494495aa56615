// Tests of themes/default/static/query.js outside a browser: `node --test tests/js/`.
// The query string comes from any link, so the helper must read every string without throwing.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const SCRIPT = fs.readFileSync(path.join(__dirname, "../../themes/default/static/query.js"), "utf8");

function load() {
  const window = {};
  vm.runInNewContext(SCRIPT, { window });
  return window.guidegenQuery;
}

const query = load();

// A plain object with the parsed parameters (parse gives one without a prototype).
function parsed(search) {
  return Object.assign({}, query.parse(search));
}

test("names and values are decoded, + is a space, with or without the ?", () => {
  assert.deepEqual(parsed("?non_local=1&pre_approval=%E6%96%B0%E9%97%BB"), { non_local: "1", pre_approval: "新闻" });
  assert.deepEqual(parsed("q=a+b&%71%32=c%2Bd"), { q: "a b", q2: "c+d" });
  assert.deepEqual(parsed("?q=+"), { q: " " });
  assert.deepEqual(parsed("?a=b=c"), { a: "b=c" }, "the value runs to the end of the pair");
});

test("a value or name that does not decode is kept as written", () => {
  for (const bad of ["%E4", "%", "%zz", "%E6%A0%B8%E4", "100%", "%%", "%E4%"]) {
    assert.equal(query.get("?q=" + bad, "q"), bad, bad);
  }
  assert.equal(query.get("?q=a+%E4", "q"), "a %E4", "+ is still a space");
  assert.deepEqual(parsed("?%E4=1&%=2"), { "%E4": "1", "%": "2" });
});

test("empty values, empty pairs and missing parameters", () => {
  assert.deepEqual(parsed("?a=&b&&c=3&"), { a: "", b: "", c: "3" });
  assert.deepEqual(parsed("?=x"), { "": "x" });
  for (const nothing of ["", "?", "&", "?&&", undefined, null]) {
    assert.deepEqual(parsed(nothing), {}, String(nothing));
  }
  assert.equal(query.get("?a=1", "b"), null);
  assert.equal(query.get("?b", "b"), "");
});

test("a repeated name keeps its first value", () => {
  assert.equal(query.get("?q=first&q=second", "q"), "first");
  assert.equal(query.get("?q=%E4&q=ok", "q"), "%E4");
});

test("names of Object.prototype are parameters like any other", () => {
  assert.equal(query.get("?a=1", "constructor"), null);
  assert.equal(query.get("?a=1", "toString"), null);
  assert.equal(query.get("?__proto__=x", "__proto__"), "x");
  assert.equal(query.get("?constructor=y", "constructor"), "y");
});

test("build writes the values in order, spaces as +, and leaves out undefined and null", () => {
  assert.equal(query.build({ non_local: "1", pre_approval: "新闻" }), "?non_local=1&pre_approval=%E6%96%B0%E9%97%BB");
  assert.equal(query.build({ q: "居住证 A4" }), "?q=%E5%B1%85%E4%BD%8F%E8%AF%81+A4");
  assert.equal(query.build({ q: "a+b&c=d%" }), "?q=a%2Bb%26c%3Dd%25");
  assert.equal(query.build({ a: undefined, b: null }), "");
  assert.equal(query.build({}), "");
  assert.equal(query.build({ q: "x\uD800y" }), "?q=x%EF%BF%BDy", "a lone surrogate becomes U+FFFD");
});

test("what build writes, parse reads back", () => {
  const values = ["", " ", "+", "%", "%E4", "&", "=", "?", "#", "a b+c", "核验", "😀", "x=1&y=2"];
  for (const value of values) {
    assert.equal(query.get(query.build({ "k k": value }), "k k"), value, JSON.stringify(value));
  }
});

test("replace sets one parameter and keeps the others as written", () => {
  assert.equal(query.replace("?%zz=%&submitted=%E4", "submitted", "2023-09-25"), "?%zz=%&submitted=2023-09-25");
  assert.equal(query.replace("?submitted=1&a=%E4&submitted", "submitted", "2024-01-02"), "?a=%E4&submitted=2024-01-02");
  assert.equal(query.replace("?submitted=1", "submitted", null), "");
  assert.equal(query.replace("?submitted=1&b=2", "submitted", ""), "?b=2");
  assert.equal(query.replace("", "submitted", "2023-09-25"), "?submitted=2023-09-25");
});

test("no string of query characters makes it throw", () => {
  const alphabet = ["%", "E", "4", "z", "+", "=", "&", "?", "核", "\uD800"];
  const strings = [""];
  for (let length = 1; length <= 4; length += 1) {
    for (const prefix of strings.filter((s) => [...s].length === length - 1)) {
      for (const c of alphabet) strings.push(prefix + c);
    }
  }
  for (const search of strings) {
    const all = query.parse(search);
    for (const name of Object.keys(all)) assert.equal(typeof all[name], "string");
    query.get(search, "q");
    query.replace(search, "q", search);
    query.build({ q: search });
  }
  assert.ok(strings.length > 10000);
});
