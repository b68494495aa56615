// Tests of themes/default/static/search.js outside a browser: `node --test tests/js/`.
// The matching runs on a fake index built here the way src/search/ builds it (same grams, same
// codes); the page part runs on a minimal fake DOM.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const SCRIPT = fs.readFileSync(path.join(__dirname, "../../themes/default/static/search.js"), "utf8");
const QUERY = fs.readFileSync(path.join(__dirname, "../../themes/default/static/query.js"), "utf8");
const DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

// Runs query.js then search.js, as search.html loads them.
function load(extra) {
  const window = Object.assign({}, extra && extra.window);
  const context = vm.createContext(Object.assign({ window }, extra && extra.globals));
  vm.runInContext(QUERY, context);
  vm.runInContext(SCRIPT, context);
  return window;
}

const api = load().guidegenSearch;

// encode_numbers of src/search/codec.rs: gap codes, or a bitmap when shorter.
function encode(numbers) {
  let out = "";
  let previous = -1;
  for (const n of numbers) {
    let gap = n - previous;
    previous = n;
    for (;;) {
      const digit = gap % 32;
      gap = Math.floor(gap / 32);
      if (gap === 0) { out += DIGITS[digit]; break; }
      out += DIGITS[32 + digit];
    }
  }
  const last = numbers.length ? numbers[numbers.length - 1] : 0;
  if (out.length <= Math.floor(last / 6) + 2) return out;
  const bits = new Array(Math.floor(last / 6) + 1).fill(0);
  for (const n of numbers) bits[Math.floor(n / 6)] |= 1 << (n % 6);
  return "~" + bits.map((b) => DIGITS[b]).join("");
}

// An index as src/search/ writes it: the grams of each page's title and text, and the kinds of
// page (a page's `kind` given here by name) listed once, sorted, each page naming its kind by
// its place in that list (build_index_with in src/search/index.rs).
function makeIndex(pages) {
  const kinds = [...new Set(pages.map((p) => p.kind).filter(Boolean))].sort();
  pages = pages.map((p) => (p.kind ? Object.assign({}, p, { kind: kinds.indexOf(p.kind) }) : p));
  const lists = {};
  pages.forEach((page, n) => {
    const grams = new Set([...api.analyse(page.title).grams, ...api.analyse(page.text).grams]);
    for (const gram of grams) (lists[gram] = lists[gram] || []).push(n);
  });
  const grams = {};
  for (const gram of Object.keys(lists).sort()) grams[gram] = encode(lists[gram]);
  return kinds.length ? { kinds, pages, grams } : { pages, grams };
}

const SITE = makeIndex([
  {
    url: "stages/sms-verification.html",
    title: "工信部短信核验",
    text: "第 3 步 工信部短信核验 初审通过后会收到 12381 发来的核验短信，须在 24 小时内到工信部备案网站完成核验。",
  },
  {
    url: "forms/verification-individual.html",
    title: "个人核验单",
    text: "个人核验单 非本地户籍须提供居住证或居住证明。用 A4 纸打印。",
  },
  // 核 and 验 apart; 居住 and 住证 apart (all grams of 居住证, never the word).
  { url: "guides/apart.html", title: "分开的字", text: "核对信息，验证身份。居住地址；保住证件。" },
  { url: "guides/english.html", title: "WeChat Mini Program filing", text: "Filing a WeChat mini program needs ICP filing. Programs differ." },
]);

function urls(result) {
  return Array.from(result.hits, (hit) => hit.url);
}

function marked(parts) {
  return Array.from(parts).filter((p) => p.mark).map((p) => p.text);
}

function joined(parts) {
  return parts.map((p) => p.text).join("");
}

test("a query splits into grams as the index does", () => {
  const q = api.analyse("短信核验 ICP a 的 x2");
  assert.deepEqual([...q.grams], ["短信", "信核", "核验", "icp", "x2"]);
  assert.deepEqual([...q.runs], ["短信核验"]);
  assert.deepEqual([...q.words], ["icp", "x2"]);
  assert.deepEqual([...q.singles], ["的"]);
  assert.deepEqual([...api.analyse("𠀀𠀁").grams], ["𠀀𠀁"]);
});

test("page numbers decode from gap codes and bitmaps", () => {
  // The same examples as the Rust tests of encode_numbers.
  assert.deepEqual([...api.decode("1G13")], [0, 42, 45]);
  assert.deepEqual([...api.decode("~1w")], [0, 11]);
  assert.deepEqual([...api.decode("~__7")], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  const sets = [[0], [31, 32, 33, 1000000], Array.from({ length: 5000 }, (_, i) => i), [1023, 1024, 32767, 32768]];
  for (const set of sets) assert.deepEqual([...api.decode(encode(set))], set);
});

test("核验 finds the SMS verification stage and the form, not the page with 核 and 验 apart", () => {
  const result = api.search(SITE, "核验");
  assert.deepEqual(urls(result), ["stages/sms-verification.html", "forms/verification-individual.html"]);
  assert.equal(result.total, 2);
});

test("居住证 finds only the page that contains it", () => {
  assert.deepEqual(urls(api.search(SITE, "居住证")), ["forms/verification-individual.html"]);
  assert.deepEqual(urls(api.search(SITE, "核验证")), []);
});

test("English words match in any case, whole or by their start", () => {
  assert.deepEqual(urls(api.search(SITE, "WECHAT")), ["guides/english.html"]);
  assert.deepEqual(urls(api.search(SITE, "mini PROGRAM")), ["guides/english.html"]);
  assert.deepEqual(urls(api.search(SITE, "icp")), ["guides/english.html"]);
  assert.deepEqual(urls(api.search(SITE, "a4")), ["forms/verification-individual.html"]);
  assert.deepEqual(urls(api.search(SITE, "prog")), ["guides/english.html"]);
  assert.deepEqual(urls(api.search(SITE, "rogram")), [], "only the start of a word");
  assert.deepEqual(urls(api.search(SITE, "")), []);
  assert.deepEqual(urls(api.search(SITE, "a")), []);
});

const ENGLISH = makeIndex([
  { url: "stages/register-vat.html", title: "Register for VAT", text: "Register once your taxable turnover goes over the VAT registration threshold." },
  { url: "stages/start-trading.html", title: "Start trading", text: "Everything is in place: you registered." },
  { url: "guides/regions.html", title: "Regions", text: "Rules differ by region. Unregistered names are free." },
  { url: "guides/french.html", title: "Créer une société", text: "Étapes de l'immatriculation d'une SOCIÉTÉ." },
]);

test("a prefix finds the pages with a word that starts with it, and the whole word is marked", () => {
  const result = api.search(ENGLISH, "regist");
  assert.deepEqual(urls(result), ["stages/register-vat.html", "stages/start-trading.html"]);
  assert.deepEqual(marked(result.hits[0].titleParts), ["Register"]);
  assert.deepEqual(marked(result.hits[0].snippet), ["Register", "registration"]);
  assert.deepEqual(marked(result.hits[1].snippet), ["registered"]);
  assert.deepEqual(urls(api.search(ENGLISH, "REGISTRATION thresh")), ["stages/register-vat.html"]);
  // Title matches first.
  assert.deepEqual(urls(api.search(ENGLISH, "regi")), ["stages/register-vat.html", "guides/regions.html", "stages/start-trading.html"]);
  assert.deepEqual(urls(api.search(ENGLISH, "registx")), []);
});

test("words of other space-separated languages are words, in any case", () => {
  const q = api.analyse("SOCIÉTÉ été Straße İz x");
  assert.deepEqual([...q.words], ["société", "été", "straße", "İz"]);
  assert.deepEqual(urls(api.search(ENGLISH, "société")), ["guides/french.html"]);
  assert.deepEqual(urls(api.search(ENGLISH, "ÉTAP")), ["guides/french.html"]);
  assert.deepEqual(marked(api.search(ENGLISH, "immat").hits[0].snippet), ["immatriculation"]);
});

test("a highlighted term keeps the spaces around it in the title", () => {
  const hit = api.search(ENGLISH, "for").hits[0];
  assert.deepEqual(JSON.parse(JSON.stringify(hit.titleParts)), [
    { text: "Register ", mark: false },
    { text: "for", mark: true },
    { text: " VAT", mark: false },
  ]);
});

test("mixed queries need every part", () => {
  assert.deepEqual(urls(api.search(SITE, "12381 短信")), ["stages/sms-verification.html"]);
  assert.deepEqual(urls(api.search(SITE, "12381 居住证")), []);
});

test("one Chinese character scans the texts", () => {
  assert.deepEqual(urls(api.search(SITE, "证")), ["forms/verification-individual.html", "guides/apart.html"]);
});

test("the snippet shows the first match highlighted", () => {
  const hit = api.search(SITE, "核验").hits[0];
  assert.deepEqual(marked(hit.titleParts), ["核验"]);
  assert.equal(joined(hit.titleParts), "工信部短信核验");
  assert.deepEqual(marked(hit.snippet), ["核验", "核验", "核验"]);
  assert.ok(joined(hit.snippet).startsWith("第 3 步 工信部短信核验"));

  const long = "前文".repeat(60) + "居住证" + "后文".repeat(60);
  const index = makeIndex([{ url: "a.html", title: "长页", text: long }]);
  const parts = api.search(index, "居住证").hits[0].snippet;
  assert.equal(parts[0].text, "…");
  assert.equal(parts[parts.length - 1].text, "…");
  assert.deepEqual(marked(parts), ["居住证"]);
  const text = joined(parts);
  assert.ok(text.length <= 112, text);
  assert.ok(text.indexOf("居住证") >= 25 && text.indexOf("居住证") <= 35, text);
});

test("title hits come first, then more occurrences", () => {
  const index = makeIndex([
    { url: "once.html", title: "其他", text: "备案一次。" },
    { url: "twice.html", title: "其他", text: "备案，又备案。" },
    { url: "title.html", title: "备案指南", text: "没有别的。" },
  ]);
  assert.deepEqual(urls(api.search(index, "备案")), ["title.html", "twice.html", "once.html"]);
});

test("a cut page is kept when the match may be past its stored text", () => {
  const index = makeIndex([{ url: "cut.html", title: "长", text: "开头的文字", more: true }]);
  // The page's grams (from its whole text, here added by hand) hold 居住证.
  index.grams["居住"] = encode([0]);
  index.grams["住证"] = encode([0]);
  const hit = api.search(index, "居住证").hits[0];
  assert.equal(hit.url, "cut.html");
  assert.deepEqual(marked(hit.snippet), []);
  assert.equal(joined(hit.snippet), "开头的文字…");
});

test("at most 50 results, the total counts all", () => {
  const pages = Array.from({ length: 60 }, (_, i) => ({ url: `p${i}.html`, title: `第${i}页`, text: "核验" }));
  const result = api.search(makeIndex(pages), "核验");
  assert.equal(result.total, 60);
  assert.equal(result.hits.length, 50);
});

test("the query comes from ?q=", () => {
  assert.equal(api.queryFrom("?q=%E6%A0%B8%E9%AA%8C+ICP&x=1"), "核验 ICP");
  assert.equal(api.queryFrom("?x=1&q=a%2Bb"), "a+b");
  assert.equal(api.queryFrom("?q=%E6"), "%E6");
  assert.equal(api.queryFrom(""), "");
});

// ---- The page, on a minimal fake DOM ----

class Node {
  constructor(tag, text) {
    this.tagName = tag;
    this.children = [];
    this.attributes = {};
    this.text = text || "";
    this.listeners = {};
    this.className = "";
  }
  appendChild(child) { this.children.push(child); return child; }
  removeChild(child) { this.children.splice(this.children.indexOf(child), 1); return child; }
  get firstChild() { return this.children[0] || null; }
  setAttribute(name, value) { this.attributes[name] = String(value); }
  getAttribute(name) { return name in this.attributes ? this.attributes[name] : null; }
  addEventListener(type, f) { this.listeners[type] = f; }
  set textContent(value) { this.children = []; this.text = String(value); }
  get textContent() { return this.text + this.children.map((c) => c.textContent).join(""); }
  // The markup, escaped as a browser would serialize it.
  get html() {
    const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    if (this.tagName === "#text") return esc(this.text);
    const attrs = Object.entries(this.attributes).map(([k, v]) => ` ${k}="${v}"`).join("");
    const cls = this.className ? ` class="${this.className}"` : "";
    return `<${this.tagName}${cls}${attrs}>${esc(this.text)}${this.children.map((c) => c.html).join("")}</${this.tagName}>`;
  }
}

function page(search, index) {
  const body = new Node("body");
  body.setAttribute("data-root", "../");
  body.classList = { contains: (name) => name === "page-search" };
  const input = new Node("input");
  const form = new Node("form");
  input.form = form;
  const headerInput = new Node("input");
  const list = new Node("ol");
  list.setAttribute("data-kind-stage", "步骤");
  list.setAttribute("data-kind-checklist", "清单");
  list.setAttribute("data-kind-form", "核验单");
  list.setAttribute("data-kind-other", "页面");
  list.setAttribute("data-fold", "checklist");
  list.setAttribute("data-folded", "出现在 {n} 份清单中");
  list.setAttribute("data-separator", "、");
  list.setAttribute("data-colon", "：");
  const status = new Node("p");
  status.setAttribute("data-results", "共 {n} 个结果");
  status.setAttribute("data-more", "只列出前 {n} 个。");
  status.setAttribute("data-none", "没有找到包含“{q}”的页面。");
  status.setAttribute("data-unavailable", "搜索索引没有加载。");
  const byId = { "search-page-q": input, "search-results": list, "site-search-q": headerInput };
  const replaced = [];
  const document = {
    body,
    getElementById: (id) => byId[id] || null,
    querySelector: (selector) => (selector === ".search-status" ? status : null),
    createElement: (tag) => new Node(tag),
    createTextNode: (text) => new Node("#text", text),
  };
  const globals = {
    document,
    location: { search, pathname: "/site/search.html" },
    history: { replaceState: (state, title, url) => replaced.push(url) },
    setTimeout: (f) => { f(); return 1; },
    clearTimeout: () => {},
  };
  load({ window: { GUIDEGEN_SEARCH: index }, globals });
  return { input, headerInput, list, status, form, replaced };
}

test("the search page shows the results of ?q= as links and snippets", () => {
  const p = page("?q=%E6%A0%B8%E9%AA%8C", SITE);
  assert.equal(p.input.value, "核验");
  assert.equal(p.headerInput.value, "核验");
  assert.equal(p.status.textContent, "共 2 个结果");
  assert.equal(p.list.children.length, 2);
  const first = p.list.children[0].html;
  assert.ok(first.startsWith('<li class="search-result"><p class="search-kind">页面</p><a class="search-title" href="../stages/sms-verification.html">工信部短信<mark>核验</mark></a><p class="snippet">'), first);
  assert.ok(first.includes("<mark>核验</mark>短信"), first);
});

test("typing searches again and updates the address", () => {
  const p = page("", SITE);
  assert.equal(p.status.textContent, "");
  assert.equal(p.list.children.length, 0);
  p.input.value = "居住证 A4";
  p.input.listeners.input();
  assert.equal(p.status.textContent, "共 1 个结果");
  assert.deepEqual(p.replaced, ["?q=%E5%B1%85%E4%BD%8F%E8%AF%81+A4"]);
  p.input.value = "不存在的词";
  p.form.listeners.submit({ preventDefault() {} });
  assert.equal(p.status.textContent, "没有找到包含“不存在的词”的页面。");
  assert.equal(p.list.children.length, 0);
  p.input.value = " ";
  p.input.listeners.input();
  assert.equal(p.replaced[p.replaced.length - 1], "/site/search.html");
});

test("a result's title is inline text in its link, the spaces around a mark kept", () => {
  const p = page("?q=for", ENGLISH);
  const link = p.list.children[0].children[1];
  assert.equal(link.className, "search-title");
  assert.equal(link.html, '<a class="search-title" href="../stages/register-vat.html">Register <mark>for</mark> VAT</a>');
});

test("text from the index is inserted as text, never as markup", () => {
  const index = makeIndex([
    { url: "x.html", title: "<img src=x onerror=alert(1)> 核验", text: "<script>alert(1)</script> 核验 &amp;" },
  ]);
  const p = page("?q=核验", index);
  const html = p.list.children[0].html;
  assert.ok(!html.includes("<img") && !html.includes("<script"), html);
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt; <mark>核验</mark>"), html);
  assert.ok(html.includes("&amp;amp;"), html);
});

test("more than 50 results say that only 50 are listed; no index says so", () => {
  const pages = Array.from({ length: 60 }, (_, i) => ({ url: `p${i}.html`, title: `第${i}页`, text: "核验" }));
  const p = page("?q=核验", makeIndex(pages));
  assert.equal(p.status.textContent, "共 60 个结果 只列出前 50 个。");
  assert.equal(p.list.children.length, 50);
  assert.equal(page("?q=核验", undefined).status.textContent, "搜索索引没有加载。");
});

// ---- Kinds of page, and the checklists folded into one result ----

// A value made in the script's own context, as plain data of this one (for deepEqual).
const plain = (value) => JSON.parse(JSON.stringify(value));

// Twelve checklists alike (one per subject type), their index, a stage and a form.
const KINDS = makeIndex([
  { url: "stages/fill-in.html", title: "备案信息填写", text: "上传身份证照片。", kind: "stage" },
  ...["企业", "个人", "个体工商户"].map((name, i) => ({
    url: `checklists/s${i}.html`, title: name, text: `${name} 主体负责人的有效身份证件。`, kind: "checklist",
  })),
  { url: "checklists/index.html", title: "材料清单", text: "按主体类型查看：企业、个人身份证……", kind: "checklists" },
  { url: "forms/individual.html", title: "核验单（个人）", text: "证件类型 居民身份证", kind: "form" },
  { url: "other.html", title: "其他", text: "只有一份清单提到营业执照。", kind: "checklist" },
]);

test("each hit names its kind of page, from the index's list of kinds", () => {
  const found = api.search(KINDS, "居民身份证");
  assert.deepEqual(plain(found.hits.map((h) => [h.url, h.kind])), [["forms/individual.html", "form"]]);
  assert.deepEqual(KINDS.kinds, ["checklist", "checklists", "form", "stage"]);
  // An index without kinds (an older one, or a theme that names none): no kind, no error.
  assert.equal(api.search(SITE, "核验").hits[0].kind, "");
});

test("hits of a folded kind come as one, at the place of the best, naming every member", () => {
  const found = api.search(KINDS, "身份证", 50, ["checklist"]);
  assert.equal(found.total, 3, "stage, one fold for the three checklists and their index, the form");
  const fold = found.hits.find((h) => h.members);
  assert.equal(fold.url, "checklists/index.html");
  assert.equal(fold.title, "材料清单");
  assert.equal(fold.kind, "checklist");
  assert.deepEqual(plain(fold.members.map((m) => m.title)), ["企业", "个人", "个体工商户"]);
  assert.ok(fold.snippet.some((part) => part.mark && part.text === "身份证"));
  assert.equal(found.hits.filter((h) => h.url.startsWith("checklists/")).length, 1);
  // Without folding, each checklist is its own hit.
  assert.equal(api.search(KINDS, "身份证").total, 6);
  // One hit of a folded kind stays as it is.
  const single = api.search(KINDS, "营业执照", 50, ["checklist"]);
  assert.deepEqual(plain(single.hits.map((h) => [h.url, "members" in h])), [["other.html", false]]);
});

test("the page labels each result with its kind and says in how many checklists the words are", () => {
  const p = page("?q=身份证", KINDS);
  assert.equal(p.status.textContent, "共 3 个结果");
  const kinds = p.list.children.map((li) => li.children[0].textContent);
  assert.deepEqual(kinds.slice().sort(), ["核验单", "步骤", "清单"]);
  const fold = p.list.children.find((li) => li.children[0].textContent === "清单");
  assert.equal(fold.children[1].html, '<a class="search-title" href="../checklists/index.html">材料清单</a>');
  assert.equal(
    fold.children[2].html,
    '<p class="search-members">出现在 3 份清单中：<a href="../checklists/s0.html">企业</a>、' +
      '<a href="../checklists/s1.html">个人</a>、<a href="../checklists/s2.html">个体工商户</a></p>'
  );
  // One checklist is not folded; a kind the list names no label for reads as any page.
  const one = page("?q=营业执照", KINDS);
  assert.equal(one.list.children[0].children[0].textContent, "清单");
  assert.equal(one.list.children[0].children.length, 3, "kind, title, snippet: no member list");
  const other = page("?q=核验", makeIndex([{ url: "t.html", title: "时间", text: "核验", kind: "timeline" }]));
  assert.equal(other.list.children[0].children[0].textContent, "页面");
});
