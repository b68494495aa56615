// guidegen default theme: site search, on the search page only. The header's search box is a plain
// GET form to search.html?q=...; this script reads the query, searches the index that
// assets/search-index.js (built by src/search/) puts in window.GUIDEGEN_SEARCH, and lists the
// results. No fetch, no server: it works from file://. Without it the page says search needs
// JavaScript. The matching itself is window.guidegenSearch.search(index, query), free of the DOM.
// Each result is labelled with its kind of page (the index's `kinds`, named by the data-kind-*
// attributes of #search-results); the kinds in its data-fold (the per-subject checklists) come
// folded into one result naming the pages (docs/themes.md, "Kinds of page in the search results").
(function () {
  "use strict";

  var MAX_RESULTS = 50;
  var BEFORE = 30; // characters of context before the first match in a snippet
  var LENGTH = 110; // characters in a snippet
  // The digits of the page-number codes: DIGITS in src/search/codec.rs, same order.
  var DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  var DIGIT = {};
  for (var d = 0; d < DIGITS.length; d++) DIGIT[DIGITS.charAt(d)] = d;

  // ---- Splitting text as src/search/tokens.rs does (is_han, is_word_char, lower_char, TextSink) ----

  // A CJK Unified Ideograph: the basic block, extensions A to I, the compatibility ideographs.
  // Twin: is_han in src/search/tokens.rs.
  function isHan(cp) {
    return (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0x20000 && cp <= 0x2fa1f) || (cp >= 0x30000 && cp <= 0x323af);
  }

  var WORD_CHAR = /^[\p{Alphabetic}\p{N}]$/u;

  // A letter or digit of any script but Han: Unicode's Alphabetic or Numeric. Twin:
  // is_word_char in src/search/tokens.rs (Rust's char::is_alphanumeric).
  function isWordChar(cp) {
    if (!(cp >= 0)) return false;
    if (cp < 128) return (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122);
    return !isHan(cp) && WORD_CHAR.test(String.fromCodePoint(cp));
  }

  // The code point at `i`, or NaN outside the text (a word ends there).
  function codeAt(text, i) {
    return i >= 0 && i < text.length ? text.codePointAt(i) : NaN;
  }

  // The code point that ends just before `i`.
  function codeBefore(text, i) {
    var c = text.charCodeAt(i - 1);
    return c >= 0xdc00 && c <= 0xdfff && i >= 2 ? text.codePointAt(i - 2) : codeAt(text, i - 1);
  }

  // A character in lower case when its lower case is one character of the same length, else
  // as it is ("İ" stays). Twin: lower_char in src/search/tokens.rs.
  function lowerChar(ch) {
    var low = ch.toLowerCase();
    return low.length === ch.length && Array.from(low).length === 1 ? low : ch;
  }

  // Lower case, character by character, so the result lines up with the input.
  function lower(text) {
    return text.replace(/[A-Z\u0080-\u{10ffff}]/gu, lowerChar);
  }

  // The query's grams (Han bigrams, lower-case words of two or more letters or digits), its Han
  // runs of two or more characters (checked as written), and its lone Han characters. Twin:
  // TextSink in src/search/tokens.rs, which gives a page's text the same grams.
  function analyse(query) {
    var grams = [], runs = [], words = [], singles = [];
    var han = [], word = [];
    function add(list, item) {
      if (list.indexOf(item) === -1) list.push(item);
    }
    function endHan() {
      if (han.length === 1) add(singles, han[0]);
      if (han.length >= 2) {
        add(runs, han.join(""));
        for (var i = 1; i < han.length; i++) add(grams, han[i - 1] + han[i]);
      }
      han = [];
    }
    function endWord() {
      if (word.length >= 2) { var w = word.map(lowerChar).join(""); add(words, w); add(grams, w); }
      word = [];
    }
    for (var i = 0; i < query.length;) {
      var cp = query.codePointAt(i);
      var ch = String.fromCodePoint(cp);
      i += ch.length;
      if (isHan(cp)) han.push(ch); else endHan();
      if (isWordChar(cp)) word.push(ch); else endWord();
    }
    endHan();
    endWord();
    return { grams: grams, runs: runs, words: words, singles: singles };
  }

  // ---- The index ----

  // The page numbers a gram's code stands for (gap codes, or a bitmap after "~"). Twin:
  // decode_numbers in src/search/codec.rs, which reads what its encode_numbers writes.
  function decode(code) {
    var out = [], i, v;
    if (code.charAt(0) === "~") {
      for (i = 1; i < code.length; i++) {
        v = DIGIT[code.charAt(i)];
        for (var j = 0; j < 6; j++) if (v & (1 << j)) out.push((i - 1) * 6 + j);
      }
      return out;
    }
    var page = -1, gap = 0, scale = 1;
    for (i = 0; i < code.length; i++) {
      v = DIGIT[code.charAt(i)];
      if (v >= 32) { gap += (v - 32) * scale; scale *= 32; } else {
        page += gap + v * scale;
        out.push(page);
        gap = 0;
        scale = 1;
      }
    }
    return out;
  }

  // What is decoded of the last index searched: its grams' page lists, its sorted words.
  var decoded = { index: null, lists: {}, words: null };

  function decodedOf(index) {
    if (decoded.index !== index) decoded = { index: index, lists: {}, words: null };
    return decoded;
  }

  function pagesWith(index, gram) {
    var lists = decodedOf(index).lists;
    if (!Object.prototype.hasOwnProperty.call(lists, gram)) {
      var code = Object.prototype.hasOwnProperty.call(index.grams, gram) ? index.grams[gram] : "";
      lists[gram] = decode(code);
    }
    return lists[gram];
  }

  // The index's words (its grams that are not Han bigrams), sorted, made once per index.
  function wordsOf(index) {
    var cache = decodedOf(index);
    if (!cache.words) {
      cache.words = Object.keys(index.grams).filter(function (gram) { return !isHan(gram.codePointAt(0)); }).sort();
    }
    return cache.words;
  }

  // The index's words that start with `prefix` ("regist" gives "register", "registration").
  function wordsStarting(index, prefix) {
    var words = wordsOf(index), low = 0, high = words.length;
    while (low < high) {
      var mid = (low + high) >> 1;
      if (words[mid] < prefix) low = mid + 1; else high = mid;
    }
    var out = [];
    for (var i = low; i < words.length && words[i].lastIndexOf(prefix, 0) === 0; i++) out.push(words[i]);
    return out;
  }

  // The pages holding a word that starts with `prefix`, ascending.
  function pagesWithPrefix(index, prefix) {
    var seen = {}, out = [];
    wordsStarting(index, prefix).forEach(function (word) {
      pagesWith(index, word).forEach(function (n) {
        if (!seen[n]) { seen[n] = true; out.push(n); }
      });
    });
    return out.sort(function (a, b) { return a - b; });
  }

  function intersect(a, b) {
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) i++; else j++;
    }
    return out;
  }

  // ---- Finding terms in text ----

  // Where each term occurs in `text` (already lower-cased): [{start, end}] sorted, not
  // overlapping. A word counts at the start of a word of the text, and covers that whole word
  // ("regist" marks "registration").
  function occurrences(text, terms) {
    var found = [];
    terms.forEach(function (term) {
      var from = 0, at;
      while ((at = text.indexOf(term.text, from)) !== -1) {
        var end = at + term.text.length;
        if (!term.word || !isWordChar(codeBefore(text, at))) {
          if (term.word) {
            for (var cp = codeAt(text, end); isWordChar(cp); cp = codeAt(text, end)) end += cp > 0xffff ? 2 : 1;
          }
          found.push({ start: at, end: end });
        }
        from = at + 1;
      }
    });
    found.sort(function (a, b) { return a.start - b.start || b.end - a.end; });
    var out = [];
    found.forEach(function (o) {
      var last = out[out.length - 1];
      if (last && o.start < last.end) { if (o.end > last.end) last.end = o.end; } else out.push(o);
    });
    return out;
  }

  // `text` cut into parts [{text, mark}] with the occurrences marked.
  function parts(text, marks, offset) {
    var out = [], at = 0;
    marks.forEach(function (m) {
      var start = m.start - offset, end = m.end - offset;
      if (start > at) out.push({ text: text.slice(at, start), mark: false });
      out.push({ text: text.slice(start, end), mark: true });
      at = end;
    });
    if (at < text.length) out.push({ text: text.slice(at), mark: false });
    return out;
  }

  // Moves `i` off the second half of a surrogate pair.
  function boundary(text, i) {
    var c = text.charCodeAt(i);
    return c >= 0xdc00 && c <= 0xdfff ? i - 1 : i;
  }

  // A short piece of the page's text around the first occurrence, as parts.
  function snippet(page, found) {
    var text = page.text, start = 0;
    if (found.length) start = boundary(text, Math.max(0, found[0].start - BEFORE));
    var end = boundary(text, Math.min(text.length, start + LENGTH));
    if (end - start < LENGTH && start > 0) start = boundary(text, Math.max(0, end - LENGTH));
    var marks = found.filter(function (o) { return o.start >= start && o.end <= end; });
    var out = parts(text.slice(start, end), marks, start);
    if (start > 0) out.unshift({ text: "…", mark: false });
    if (end < text.length || page.more) out.push({ text: "…", mark: false });
    return out;
  }

  // ---- The search ----

  // The kind of page `n` ("stage", "checklist", …, as its <main data-search-kind> says; the
  // index lists each kind once in `kinds`, see src/search/index.rs), or "" when not known.
  function kindOf(index, page) {
    return index.kinds && page.kind !== undefined ? index.kinds[page.kind] || "" : "";
  }

  // The index page of the folder `url` is in ("checklists/a.html" gives "checklists/index.html").
  function folderIndex(url) {
    return url.slice(0, url.lastIndexOf("/") + 1) + "index.html";
  }

  // Folds the hits of each kind in `fold` into one hit at the place of the best of them, when
  // there are two or more: {folded: true, kind, url, title, titleParts, snippet, members}, its
  // url the index page of their folder (itself taken into the fold when it is a hit too), its
  // members [{url, title}] best first, its snippet the best member's.
  function foldHits(index, hits, fold, terms) {
    var byKind = {};
    hits.forEach(function (h) {
      if (fold.indexOf(h.kind) !== -1) (byKind[h.kind] = byKind[h.kind] || []).push(h);
    });
    var out = [], placed = {}, absorbed = {};
    Object.keys(byKind).forEach(function (kind) {
      if (byKind[kind].length < 2) { delete byKind[kind]; return; }
      absorbed[folderIndex(byKind[kind][0].page.url)] = kind;
    });
    hits.forEach(function (h) {
      var kind = byKind[h.kind] ? h.kind : absorbed[h.page.url];
      if (!kind) { out.push(h); return; }
      if (placed[kind]) return;
      placed[kind] = true;
      var members = byKind[kind], best = members[0], url = folderIndex(best.page.url), title = "";
      index.pages.forEach(function (page) { if (page.url === url) title = page.title || ""; });
      out.push({
        folded: true, kind: kind, url: url, title: title, page: best.page,
        inTitle: occurrences(lower(title), terms), inText: best.inText,
        members: members.map(function (m) { return { url: m.page.url, title: m.page.title }; }),
      });
    });
    return out;
  }

  // Searches `index` (window.GUIDEGEN_SEARCH) for `query`. Returns {total, hits}: at most
  // `limit` (50) hits, best first, each {url, title, kind, titleParts, snippet} with the
  // matches marked in the parts. A page matches when it holds every Han bigram of the query
  // and, for each word of the query, a word that starts with it. The hits of each kind in
  // `fold` (["checklist"]: one page per subject type, much alike) come as one (see foldHits).
  function search(index, query, limit, fold) {
    limit = limit === undefined || limit === null ? MAX_RESULTS : limit;
    fold = fold || [];
    var q = analyse(String(query || "").slice(0, 200));
    if (!index || !index.pages || (!q.grams.length && !q.singles.length)) return { total: 0, hits: [] };
    var candidates;
    if (q.grams.length) {
      var lists = q.grams.map(function (gram) {
        return q.words.indexOf(gram) === -1 ? pagesWith(index, gram) : pagesWithPrefix(index, gram);
      });
      // Shortest first: the intersection shrinks fastest.
      lists.sort(function (a, b) { return a.length - b.length; });
      candidates = lists[0];
      for (var g = 1; g < lists.length && candidates.length; g++) candidates = intersect(candidates, lists[g]);
    } else {
      candidates = index.pages.map(function (_, n) { return n; });
    }
    // What must be in the page as written: Han runs (the grams may be apart), and with no gram
    // at all, the lone characters. The index vouches for the words.
    var required = q.grams.length ? q.runs : q.runs.concat(q.singles);
    var terms = q.runs.concat(q.grams.length ? [] : q.singles).map(function (t) { return { text: t, word: false }; })
      .concat(q.words.map(function (w) { return { text: w, word: true }; }));
    var hits = [];
    candidates.forEach(function (n) {
      var page = index.pages[n];
      var title = lower(page.title || ""), text = lower(page.text || "");
      for (var r = 0; r < required.length; r++) {
        var term = required[r];
        // A cut page may hold the run past its stored text: it cannot be checked, so it stays.
        if (title.indexOf(term) === -1 && text.indexOf(term) === -1 && !page.more) return;
      }
      var inTitle = occurrences(title, terms), inText = occurrences(text, terms);
      hits.push({ n: n, page: page, kind: kindOf(index, page), inTitle: inTitle, inText: inText });
    });
    hits.sort(function (a, b) {
      return (b.inTitle.length > 0) - (a.inTitle.length > 0) ||
        (b.inTitle.length + b.inText.length) - (a.inTitle.length + a.inText.length) ||
        a.n - b.n;
    });
    if (fold.length) hits = foldHits(index, hits, fold, terms);
    return {
      total: hits.length,
      hits: hits.slice(0, limit).map(function (h) {
        var title = h.folded ? h.title : h.page.title || "";
        var hit = {
          url: h.folded ? h.url : h.page.url,
          title: title,
          kind: h.kind,
          titleParts: parts(title, h.inTitle, 0),
          snippet: snippet(h.page, h.inText),
        };
        if (h.folded) hit.members = h.members;
        return hit;
      }),
    };
  }

  // The `q` parameter of a query string ("?q=a+b" gives "a b"), read by query.js (loaded before
  // this file); a `q` that does not decode is searched as written.
  function queryFrom(search) {
    var q = window.guidegenQuery.get(search, "q");
    return q === null ? "" : q;
  }

  window.guidegenSearch = { search: search, analyse: analyse, decode: decode, queryFrom: queryFrom };

  // ---- The page ----

  if (typeof document === "undefined") return;
  var body = document.body;
  if (!body || !body.classList.contains("page-search")) return;
  var input = document.getElementById("search-page-q");
  var list = document.getElementById("search-results");
  var status = document.querySelector(".search-status");
  if (!input || !list || !status) return;
  var root = body.getAttribute("data-root") || "";
  var headerInput = document.getElementById("site-search-q");
  // The kinds of page whose results come folded into one (data-fold, space-separated).
  var fold = (list.getAttribute("data-fold") || "").split(" ").filter(Boolean);

  function label(name, values) {
    var text = status.getAttribute("data-" + name) || "";
    Object.keys(values || {}).forEach(function (key) { text = text.split("{" + key + "}").join(values[key]); });
    return text;
  }

  function appendParts(element, items) {
    items.forEach(function (part) {
      var node = part.mark ? document.createElement("mark") : document.createTextNode(part.text);
      if (part.mark) node.textContent = part.text;
      element.appendChild(node);
    });
  }

  function show(query) {
    while (list.firstChild) list.removeChild(list.firstChild);
    if (!query.trim()) { status.textContent = ""; return; }
    var index = window.GUIDEGEN_SEARCH;
    if (!index) { status.textContent = label("unavailable"); return; }
    var result = search(index, query, MAX_RESULTS, fold);
    if (!result.total) { status.textContent = label("none", { q: query.trim() }); return; }
    var line = label("results", { n: String(result.total) });
    if (result.total > result.hits.length) line += " " + label("more", { n: String(result.hits.length) });
    status.textContent = line;
    result.hits.forEach(function (hit) {
      var item = document.createElement("li");
      item.className = "search-result";
      // The kind of page, named by the theme's labels (data-kind-<kind> on the list).
      var kind = document.createElement("p");
      kind.className = "search-kind";
      kind.textContent = list.getAttribute("data-kind-" + hit.kind) || list.getAttribute("data-kind-other") || "";
      item.appendChild(kind);
      // The link is a block (a large tap target) holding the title as inline text, so a
      // highlighted word stays in the line (a flex box would make it a column of its own).
      var link = document.createElement("a");
      link.className = "search-title";
      link.setAttribute("href", root + hit.url);
      appendParts(link, hit.titleParts.length ? hit.titleParts : [{ text: kind.textContent, mark: false }]);
      item.appendChild(link);
      if (hit.members) {
        var members = document.createElement("p");
        members.className = "search-members";
        members.appendChild(document.createTextNode(
          (list.getAttribute("data-folded") || "{n}").split("{n}").join(String(hit.members.length)) +
          (list.getAttribute("data-colon") || ": ")));
        hit.members.forEach(function (member, i) {
          if (i) members.appendChild(document.createTextNode(list.getAttribute("data-separator") || ", "));
          var a = document.createElement("a");
          a.setAttribute("href", root + member.url);
          a.textContent = member.title;
          members.appendChild(a);
        });
        item.appendChild(members);
      }
      var text = document.createElement("p");
      text.className = "snippet";
      appendParts(text, hit.snippet);
      item.appendChild(text);
      list.appendChild(item);
    });
  }

  function remember(query) {
    var url = query.trim() ? window.guidegenQuery.build({ q: query }) : location.pathname;
    try { history.replaceState(null, "", url); } catch (e) { /* some file:// setups refuse: the URL stays */ }
    if (headerInput) headerInput.value = query;
  }

  var timer = null;
  function update() {
    clearTimeout(timer);
    timer = null;
    show(input.value);
    remember(input.value);
  }

  var initial = queryFrom(location.search);
  input.value = initial;
  if (headerInput) headerInput.value = initial;
  show(initial);

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  });
  if (input.form) {
    input.form.addEventListener("submit", function (event) {
      event.preventDefault();
      update();
    });
  }
})();
