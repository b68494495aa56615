// guidegen default theme: reading and writing the query string (?a=1&b=2) for site.js,
// timeline.js and search.js. A page that runs one of them loads this file first (a plain script,
// so it works from file://); it sets window.guidegenQuery and touches nothing else.
// A query string comes from anywhere (a shared link, a paste, a crawler), so nothing here throws.
(function () {
  "use strict";

  // "+" is a space, as forms send it. A text that does not decode (%E4 is half a character, "%"
  // and "%zz" are no escape) is kept as written, after the "+" rule: the page then shows what the
  // link said and treats it as any other unknown value, instead of stopping half set up.
  function decode(text) {
    var spaced = text.replace(/\+/g, " ");
    try {
      return decodeURIComponent(spaced);
    } catch (e) {
      return spaced;
    }
  }

  // Spaces as "+", the rest as encodeURIComponent writes it: a URL as the site's GET forms make it.
  // A lone surrogate (half of an emoji, say, in a typed query) would make encodeURIComponent
  // throw; it becomes U+FFFD, as a form submission would write it.
  function encode(text) {
    var whole = text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g, function (unit) {
      return unit.length === 2 ? unit : "\uFFFD";
    });
    return encodeURIComponent(whole).replace(/%20/g, "+");
  }

  // The pairs of `search` as written (without the "?"), empty ones dropped.
  function rawPairs(search) {
    return String(search || "").replace(/^\?/, "").split("&").filter(function (pair) { return pair !== ""; });
  }

  // The decoded name of a pair written "name=value" or "name".
  function nameOf(pair) {
    var eq = pair.indexOf("=");
    return decode(eq < 0 ? pair : pair.slice(0, eq));
  }

  // The decoded value of a pair; "name" alone has the empty value.
  function valueOf(pair) {
    var eq = pair.indexOf("=");
    return eq < 0 ? "" : decode(pair.slice(eq + 1));
  }

  // Every parameter of `search` ("?a=1&b=2" or "a=1&b=2") by name. A repeated name keeps its first
  // value, as URLSearchParams.get does. The object has no prototype, so a parameter named
  // "constructor" or "__proto__" is a parameter like any other.
  function parse(search) {
    var out = Object.create(null);
    rawPairs(search).forEach(function (pair) {
      var name = nameOf(pair);
      if (!(name in out)) out[name] = valueOf(pair);
    });
    return out;
  }

  // The value of parameter `name` in `search`, or null when it is not there.
  function get(search, name) {
    var all = parse(search);
    return name in all ? all[name] : null;
  }

  // "?a=1&b=2" from {a: "1", b: "2"} in the object's order (undefined and null values left out),
  // or "" when nothing is left.
  function build(values) {
    var pairs = Object.keys(values).filter(function (name) {
      return values[name] !== undefined && values[name] !== null;
    }).map(function (name) {
      return encode(name) + "=" + encode(String(values[name]));
    });
    return pairs.length ? "?" + pairs.join("&") : "";
  }

  // `search` with parameter `name` set to `value` at the end (or dropped when value is null or
  // ""); every other pair stays exactly as written. Returns "?..." or "".
  function replace(search, name, value) {
    var pairs = rawPairs(search).filter(function (pair) { return nameOf(pair) !== name; });
    if (value !== null && value !== undefined && value !== "") pairs.push(encode(name) + "=" + encode(String(value)));
    return pairs.length ? "?" + pairs.join("&") : "";
  }

  window.guidegenQuery = { parse: parse, get: get, build: build, replace: replace };
})();
