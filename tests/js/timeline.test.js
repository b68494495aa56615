// Tests of themes/default/static/timeline.js outside a browser: `node --test tests/js/`.
// The script runs with a fake `window` and no `document`; the expectations are the same as those
// of the unit tests in src/calendar.rs, from the State Council notices for 2023-2026.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const vm = require("node:vm");

const SCRIPT = fs.readFileSync(path.join(__dirname, "../../themes/default/static/timeline.js"), "utf8");

function range(from, to) {
  const out = [];
  for (let t = Date.parse(from + "T00:00:00Z"); t <= Date.parse(to + "T00:00:00Z"); t += 86400000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

// The calendar exactly as the site hands it to timeline.js: the default site is built with the
// release binary (scripts/test.sh builds it before these tests) and the timeline page's data file
// (`assets/timeline-data.js`, `window.GUIDEGEN_TIMELINE = …`) is run. So content/holidays.yaml is the only copy.
const CALENDAR = builtTimelineData().calendar;

function builtTimelineData() {
  const repo = path.join(__dirname, "../..");
  const target = process.env.CARGO_TARGET_DIR || path.join(repo, "target");
  const binary = path.join(target, "release", process.platform === "win32" ? "guidegen.exe" : "guidegen");
  if (!fs.existsSync(binary)) {
    throw new Error(`${binary} is missing: these tests read the holiday calendar from the site it builds; run \`cargo build --release\` first (scripts/test.sh does)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "guidegen-timeline-test-"));
  try {
    const site = path.join(dir, "site");
    require("node:child_process").execFileSync(
      binary,
      ["build", "--today", "2026-11-27", "--root", repo, "--output", site],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    const page = fs.readFileSync(path.join(site, "timeline.html"), "utf8");
    if (!page.includes('<script src="assets/timeline-data.js"></script>')) {
      throw new Error(`timeline.html does not load assets/timeline-data.js`);
    }
    const script = fs.readFileSync(path.join(site, "assets", "timeline-data.js"), "utf8");
    const window = {};
    vm.runInNewContext(script, { window });
    if (!window.GUIDEGEN_TIMELINE || !window.GUIDEGEN_TIMELINE.calendar) {
      throw new Error("the timeline page's data has no calendar");
    }
    return window.GUIDEGEN_TIMELINE;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const FILING = [
  { id: "before-you-start", name: "准备", min: null, max: null, unit: null },
  { id: "fill-in", name: "填写", min: null, max: null, unit: null },
  { id: "platform-review", name: "平台初审", min: 1, max: 2, unit: "working_days" },
  { id: "sms-verification", name: "短信核验", min: 0, max: 24, unit: "hours" },
  { id: "administration-review", name: "通管局审核", min: 1, max: 20, unit: "working_days" },
  { id: "filed", name: "备案成功", min: null, max: null, unit: null },
];

function load(data) {
  const window = { GUIDEGEN_TIMELINE: data };
  vm.runInNewContext(SCRIPT, { window });
  return window.guidegenTimeline;
}

const timeline = load({ calendar: CALENDAR, stages: FILING, today: "2026-11-27" });

function completion(submitted) {
  const result = timeline.compute(submitted);
  assert.equal(result.missingYear, null, submitted);
  const last = result.stages[result.stages.length - 1];
  return [last.earliest, last.latest];
}

// The n-th working day after `start`, through a one-stage timeline (one loaded script per n).
const oneStage = new Map();
function addWorkingDays(start, n) {
  if (!oneStage.has(n)) {
    oneStage.set(n, load({ calendar: CALENDAR, stages: [{ id: "x", name: "x", min: n, max: n, unit: "working_days" }] }));
  }
  const result = oneStage.get(n).compute(start);
  return result.missingYear !== null ? { missingYear: result.missingYear } : result.stages[0].earliest;
}

test("the domain example crosses the 2023 National Day break", () => {
  const result = JSON.parse(JSON.stringify(timeline.compute("2023-09-25")));
  assert.deepEqual(result.tables.length, 1, "a sequence is one table");
  assert.deepEqual(result.tables[0].finish, { earliest: "2023-09-27", latest: "2023-11-01" });
  delete result.tables;
  assert.deepEqual(result, {
    stages: [
      { id: "before-you-start", earliest: "2023-09-25", latest: "2023-09-25" },
      { id: "fill-in", earliest: "2023-09-25", latest: "2023-09-25" },
      { id: "platform-review", earliest: "2023-09-26", latest: "2023-09-27" },
      { id: "sms-verification", earliest: "2023-09-26", latest: "2023-09-28" },
      { id: "administration-review", earliest: "2023-09-27", latest: "2023-11-01" },
      { id: "filed", earliest: "2023-09-27", latest: "2023-11-01" },
    ],
    missingYear: null,
  });
});

test("adjusted weekends count and holidays never do", () => {
  assert.equal(addWorkingDays("2023-09-28", 1), "2023-10-07"); // Saturday worked
  assert.equal(addWorkingDays("2023-09-28", 3), "2023-10-09");
  assert.equal(addWorkingDays("2024-02-09", 1), "2024-02-18"); // Sunday after the 2024 Spring Festival
  assert.equal(addWorkingDays("2024-04-30", 1), "2024-05-06");
  assert.equal(addWorkingDays("2025-01-27", 1), "2025-02-05");
  assert.equal(addWorkingDays("2025-02-07", 1), "2025-02-08");
  assert.equal(addWorkingDays("2026-02-13", 1), "2026-02-14");
  assert.equal(addWorkingDays("2026-02-14", 1), "2026-02-24");
  assert.equal(addWorkingDays("2026-02-27", 1), "2026-02-28");
  assert.equal(addWorkingDays("2027-03-01", 0), "2027-03-01"); // n = 0 reads no data
});

test("completion dates across each year's breaks", () => {
  assert.deepEqual(completion("2024-02-08"), ["2024-02-18", "2024-03-18"]);
  assert.deepEqual(completion("2025-01-24"), ["2025-01-27", "2025-03-03"]);
  assert.deepEqual(completion("2026-02-12"), ["2026-02-14", "2026-03-20"]);
  assert.deepEqual(completion("2026-09-18"), ["2026-09-21", "2026-10-27"]);
});

// Twin of the Rust unit test `a_timeline_crossing_into_a_year_without_data_is_estimated_on_weekdays`
// in src/plan/timeline_dates.rs: the same start, the same dates, the same years marked.
test("a stage crossing into a year without data is estimated on weekdays and marked, never blank", () => {
  const result = JSON.parse(JSON.stringify(timeline.compute("2026-12-01")));
  assert.equal(result.missingYear, 2027, "the first year estimated");
  assert.deepEqual(result.stages, [
    { id: "before-you-start", earliest: "2026-12-01", latest: "2026-12-01" },
    { id: "fill-in", earliest: "2026-12-01", latest: "2026-12-01" },
    { id: "platform-review", earliest: "2026-12-02", latest: "2026-12-03" },
    { id: "sms-verification", earliest: "2026-12-02", latest: "2026-12-04" },
    // 20 working days from Friday 4 December: the 19 left in 2026, then Friday 1 January 2027,
    // counted as a weekday because 2027 has no holiday data yet.
    { id: "administration-review", earliest: "2026-12-03", latest: "2027-01-01", latestEstimated: [2027] },
    { id: "filed", earliest: "2026-12-03", latest: "2027-01-01", latestEstimated: [2027] },
  ]);
  assert.deepEqual(result.tables[0].finish, { earliest: "2026-12-03", latest: "2027-01-01", latestEstimated: [2027] });
});

test("in a year without data weekends are skipped and every date after it stays marked", () => {
  // Wednesday 30 December 2026 + 2: Thursday 31 (known), then Friday 1 January 2027 (estimated).
  const two = load({ calendar: CALENDAR, stages: [{ id: "x", name: "x", min: 2, max: 4, unit: "working_days" }, { id: "y", name: "y", min: 1, max: 1, unit: "days" }] });
  const result = JSON.parse(JSON.stringify(two.compute("2026-12-30")));
  assert.deepEqual(result.stages, [
    // + 4: 31 December, 1 January, then Monday 4 and Tuesday 5 January (the weekend skipped).
    { id: "x", earliest: "2027-01-01", latest: "2027-01-05", earliestEstimated: [2027], latestEstimated: [2027] },
    // A stage after an estimate is an estimate too, even in calendar days.
    { id: "y", earliest: "2027-01-02", latest: "2027-01-06", earliestEstimated: [2027], latestEstimated: [2027] },
  ]);
  assert.deepEqual(addWorkingDays("2026-12-30", 1), "2026-12-31");
  assert.deepEqual(addWorkingDays("2022-12-30", 1), { missingYear: 2022 }, "a year before the data is estimated too");
  const early = oneStage.get(1).compute("2022-12-30");
  assert.deepEqual(early.stages[0].earliest, "2023-01-03", "Saturday 31 December 2022 is skipped; 1 and 2 January 2023 are holidays");
});

test("hours round up to whole days and days are calendar days", () => {
  const units = load({
    calendar: CALENDAR,
    stages: [
      { id: "a", name: "a", min: 1, max: 25, unit: "hours" },
      { id: "b", name: "b", min: 2, max: 3, unit: "days" },
      { id: "c", name: "c", min: null, max: null, unit: null },
    ],
  });
  assert.deepEqual(JSON.parse(JSON.stringify(units.compute("2024-09-30").stages)), [
    { id: "a", earliest: "2024-10-01", latest: "2024-10-02" },
    { id: "b", earliest: "2024-10-03", latest: "2024-10-05" },
    { id: "c", earliest: "2024-10-03", latest: "2024-10-05" },
  ]);
});

test("a malformed or unreal date gives no stages", () => {
  for (const bad of ["", "2023-9-25", "2023-02-29", "2023-13-01", "25/09/2023", null, undefined]) {
    const result = timeline.compute(bad);
    assert.equal(result.error, "invalid-date", String(bad));
    assert.equal(result.stages.length, 0);
  }
  assert.equal(load(undefined).compute("2023-09-25").error, "no-data");
});

test("the n-th working day after every day of 2023-2026 has n working days before it", () => {
  const off = new Set(CALENDAR.off);
  const work = new Set(CALENDAR.work);
  const working = (iso) => {
    const weekday = new Date(iso + "T00:00:00Z").getUTCDay();
    return weekday === 0 || weekday === 6 ? work.has(iso) : !off.has(iso);
  };
  const days = range("2023-01-01", "2026-12-31");
  // Index of each day; prefix[i] = working days among days[0..=i].
  const prefix = [];
  days.forEach((iso, i) => prefix.push((i ? prefix[i - 1] : 0) + (working(iso) ? 1 : 0)));
  const index = new Map(days.map((iso, i) => [iso, i]));
  for (let i = 0; i < days.length; i += 1) {
    for (const n of [0, 1, 2, 5, 20]) {
      const got = addWorkingDays(days[i], n);
      const left = prefix[days.length - 1] - prefix[i];
      if (n > left) {
        assert.deepEqual(got, { missingYear: 2027 }, `${days[i]} + ${n}`);
        continue;
      }
      const j = index.get(got);
      assert.equal(prefix[j] - prefix[i], n, `${days[i]} + ${n} = ${got}`);
      if (n > 0) assert.ok(working(got), `${days[i]} + ${n} = ${got} is not a working day`);
    }
  }
});

test("the time zone of the machine does not shift a date", () => {
  // Every computation is in UTC; run the example under far-apart offsets.
  for (const tz of ["Asia/Shanghai", "America/Los_Angeles", "Pacific/Kiritimati", "UTC"]) {
    const out = require("node:child_process").execFileSync(
      process.execPath,
      ["-e", `
        const vm = require("node:vm");
        const window = { GUIDEGEN_TIMELINE: ${JSON.stringify({ calendar: CALENDAR, stages: FILING })} };
        vm.runInNewContext(${JSON.stringify(SCRIPT)}, { window });
        process.stdout.write(JSON.stringify(window.guidegenTimeline.compute("2023-09-25").stages.at(-1)));
      `],
      { env: { ...process.env, TZ: tz } },
    );
    assert.deepEqual(JSON.parse(out.toString()), {
      id: "filed", earliest: "2023-09-27", latest: "2023-11-01",
    }, tz);
  }
});

test("parallel stages start together and the finish is the longest path, each stage in its calendar", () => {
  // a (1 working day) -> b (3 days) and c (1-2 working days in the other calendar) -> d.
  const data = {
    calendar: { years: [2024], off: ["2024-10-01"], work: [] },
    calendars: { other: { years: [2024], off: ["2024-10-02", "2024-10-03"], work: [] } },
    stages: [
      { id: "a", name: "a", min: 1, max: 1, unit: "working_days" },
      { id: "b", name: "b", min: 3, max: 3, unit: "days" },
      { id: "c", name: "c", min: 1, max: 2, unit: "working_days", calendar: "other" },
      { id: "d", name: "d", min: null, max: null, unit: null },
    ],
    tables: [
      [{ id: "a", after: [] }, { id: "b", after: ["a"] }, { id: "c", after: ["a"] }, { id: "d", after: ["b", "c"] }],
      [{ id: "a", after: [] }, { id: "c", after: ["a"] }],
    ],
  };
  const graph = load(data);
  const result = JSON.parse(JSON.stringify(graph.compute("2024-09-30")));
  // Monday 30 September; 1 October is off in the site's calendar: a ends on Wednesday 2 October.
  assert.deepEqual(result.tables[0].stages, [
    { id: "a", earliest: "2024-10-02", latest: "2024-10-02" },
    { id: "b", earliest: "2024-10-05", latest: "2024-10-05" },
    // In the other calendar 2 and 3 October are off, 1 October is not: the next working day is the 4th.
    { id: "c", earliest: "2024-10-04", latest: "2024-10-07" },
    { id: "d", earliest: "2024-10-05", latest: "2024-10-07" },
  ]);
  assert.deepEqual(result.tables[0].finish, { earliest: "2024-10-05", latest: "2024-10-07" });
  assert.deepEqual(result.tables[1].finish, { earliest: "2024-10-04", latest: "2024-10-07" });
});

test("relative deadlines count from a stage's ends or from the reader's event date", () => {
  // Twin of the Rust test `relative_deadlines_count_from_stage_ends_and_months_keep_the_month_end`.
  const data = {
    calendar: { years: [2024], off: ["2024-10-01"], work: [] },
    stages: [{ id: "a", name: "a", min: 1, max: 2, unit: "working_days" }],
    tables: [[{ id: "a", after: [] }]],
    deadlines: [
      { id: "after-a", from: "a", stage: true, amount: 2, unit: "weeks", calendar: null },
      { id: "after-start", from: "start", stage: false, amount: 1, unit: "months", calendar: null },
      { id: "hours", from: "start", stage: false, amount: 25, unit: "hours", calendar: null },
    ],
  };
  const t = load(data);
  const plain = (r) => JSON.parse(JSON.stringify(r.tables[0].deadlines));
  // a ends 2 or 3 October (1 October is off); two weeks later: 16 and 17 October.
  assert.deepEqual(plain(t.compute("2024-09-30")), [
    { id: "after-a", earliest: "2024-10-16", latest: "2024-10-17" },
    { id: "after-start", earliest: null, latest: null },
    { id: "hours", earliest: null, latest: null },
  ]);
  // 31 January + 1 month is the last day of February (2024 is a leap year).
  const withEvent = plain(t.compute("2024-09-30", { start: "2024-01-31" }));
  assert.deepEqual(withEvent[1], { id: "after-start", earliest: "2024-02-29", latest: "2024-02-29" });
  assert.deepEqual(withEvent[2], { id: "hours", earliest: "2024-02-02", latest: "2024-02-02" });
  const december = plain(t.compute("2024-09-30", { start: "2024-12-31" }));
  assert.deepEqual(december[1], { id: "after-start", earliest: "2025-01-31", latest: "2025-01-31" });
});

test("dates read in the site's words, as DateWords::text writes them in Rust", () => {
  const t = load({ stages: [] });
  const months = "January,February,March,April,May,June,July,August,September,October,November,December";
  assert.equal(t.formatDate("2024-03-31", "{y}年{m}月{d}日", ""), "2024年3月31日");
  assert.equal(t.formatDate("2024-03-31", "{d} {month} {y}", months), "31 March 2024");
  assert.equal(t.formatDate("2027-01-05", "{d} {month}", months), "5 January");
  assert.equal(t.formatDate("2027-01-05", "", months), "2027-01-05");
  assert.equal(t.formatDate("2027-02-30", "{d} {month} {y}", months), "2027-02-30");
});
