// guidegen default theme: the filing timeline, recounted in the browser for the reader's own date.
// It does exactly what its twins do: `timeline_of` in src/plan/timeline_dates.rs and
// `add_working_days_estimating` in src/model/calendar.rs (keep them in step: a year without
// holiday data counts Monday to Friday as working days, and every date so reached carries the
// years it estimated); without it the page shows the dates computed at build time.
// Data: window.GUIDEGEN_TIMELINE = {calendar, calendars, stages, tables, today}, set by
// assets/timeline-data.js (a file, not an inline script: the pages forbid inline scripts).
(function () {
  "use strict";

  var DAY_MS = 86400000;

  // ---- Dates: a day is a whole number of days since 1970-01-01, all arithmetic in UTC ----

  // The day a strict YYYY-MM-DD names, or null when the text names no real day.
  function parseDay(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(typeof text === "string" ? text : "");
    if (!m) return null;
    var year = Number(m[1]), month = Number(m[2]), date = Number(m[3]);
    var t = new Date(Date.UTC(2000, month - 1, date));
    t.setUTCFullYear(year, month - 1, date); // Date.UTC maps years 0-99 to 1900-1999
    if (t.getUTCFullYear() !== year || t.getUTCMonth() !== month - 1 || t.getUTCDate() !== date) return null;
    return Math.round(t.getTime() / DAY_MS);
  }

  function pad(n, width) {
    var s = String(n);
    while (s.length < width) s = "0" + s;
    return s;
  }

  function toDate(day) { return new Date(day * DAY_MS); }

  function isoDay(day) {
    var t = toDate(day);
    return pad(t.getUTCFullYear(), 4) + "-" + pad(t.getUTCMonth() + 1, 2) + "-" + pad(t.getUTCDate(), 2);
  }

  function yearOf(day) { return toDate(day).getUTCFullYear(); }

  function isWeekend(day) {
    var weekday = toDate(day).getUTCDay();
    return weekday === 0 || weekday === 6;
  }

  // ---- The calendar: years with data, days off, worked weekends (Calendar::to_json in src/model/calendar.rs) ----

  function MissingYear(year) { this.year = year; }

  function makeCalendar(json) {
    var cal = { years: {}, off: {}, work: {} };
    (json && json.years || []).forEach(function (y) { cal.years[y] = true; });
    (json && json.off || []).forEach(function (d) { cal.off[d] = true; });
    (json && json.work || []).forEach(function (d) { cal.work[d] = true; });
    return cal;
  }

  // A weekday that is not a day off, or a weekend day listed as worked; a year without data throws.
  function isWorkingDay(cal, day) {
    var year = yearOf(day);
    if (cal.years[year] !== true) throw new MissingYear(year);
    var iso = isoDay(day);
    return isWeekend(day) ? cal.work[iso] === true : cal.off[iso] !== true;
  }

  // The n-th working day strictly after start; start itself when n is 0. With `estimated` (an
  // object used as a set of years), a day in a year without data counts when it is Monday to
  // Friday and its year is added to `estimated`; without it, such a year throws MissingYear.
  // Twin of Calendar::add_working_days_estimating in src/model/calendar.rs.
  function addWorkingDays(cal, start, n, estimated) {
    var day = start;
    while (n > 0) {
      day += 1;
      var working;
      try {
        working = isWorkingDay(cal, day);
      } catch (e) {
        if (!(e instanceof MissingYear) || !estimated) throw e;
        estimated[e.year] = true;
        working = !isWeekend(day);
      }
      if (working) n -= 1;
    }
    return day;
  }

  // The years of a set of years, in order.
  function yearsOf(set) {
    return Object.keys(set).map(Number).sort(function (a, b) { return a - b; });
  }

  function union(into, years) {
    (years || []).forEach(function (y) { into[y] = true; });
    return into;
  }

  // Twin of `advance` in src/plan/timeline_dates.rs.
  function advance(cal, day, amount, unit, estimated) {
    if (unit === "working_days") return addWorkingDays(cal, day, amount, estimated);
    if (unit === "hours") return day + Math.ceil(amount / 24);
    if (unit === "days") return day + amount;
    throw new Error("unknown unit " + unit);
  }

  // The day `amount` `unit`s after `day`: hours as whole days rounded up, weeks as 7 days, months
  // as calendar months (a day past the month's end becomes its last day), working days in `cal`.
  // Twin of `offset` in src/plan/timeline_dates.rs.
  function offset(cal, day, amount, unit, estimated) {
    if (unit === "hours") return day + Math.ceil(amount / 24);
    if (unit === "days") return day + amount;
    if (unit === "weeks") return day + 7 * amount;
    if (unit === "working_days") return addWorkingDays(cal, day, amount, estimated);
    if (unit === "months") {
      var t = toDate(day);
      var months = t.getUTCMonth() + amount;
      var year = t.getUTCFullYear() + Math.floor(months / 12), month = months % 12;
      var last = new Date(Date.UTC(2000, month + 1, 0));
      last.setUTCFullYear(year, month + 1, 0);
      var date = Math.min(t.getUTCDate(), last.getUTCDate());
      var out = new Date(Date.UTC(2000, month, date));
      out.setUTCFullYear(year, month, date);
      return Math.round(out.getTime() / DAY_MS);
    }
    throw new Error("unknown unit " + unit);
  }

  function isCount(n) { return typeof n === "number" && n >= 0 && Math.floor(n) === n; }

  // The end dates of one table's stages from `start`, each after all it waits for (`after`, ids
  // of earlier rows): a stage starts when the last it waits for ends, on `start` when it waits
  // for none; its earliest end adds min to its earliest start, its latest end max to its latest.
  // Each end also carries the years counted Monday to Friday for want of holiday data
  // (earliestEstimated / latestEstimated, sets of years), its own and those of what it waits for.
  // Twin of `timeline_of` in src/plan/timeline_dates.rs.
  function computeTable(data, rows, start) {
    var byId = {}, ends = {}, out = [];
    data.stages.forEach(function (stage) { byId[stage.id] = stage; });
    rows.forEach(function (row) {
      var stage = byId[row.id];
      if (!stage) throw new Error("unknown stage " + row.id);
      var earliest = start, latest = start, earliestEstimated = {}, latestEstimated = {};
      (row.after || []).forEach(function (id) {
        var end = ends[id];
        if (!end) throw new Error("stage " + row.id + " waits for a later one");
        if (end.earliest > earliest) earliest = end.earliest;
        if (end.latest > latest) latest = end.latest;
        union(earliestEstimated, yearsOf(end.earliestEstimated));
        union(latestEstimated, yearsOf(end.latestEstimated));
      });
      if (stage.unit !== null && stage.unit !== undefined) {
        if (!isCount(stage.min) || !isCount(stage.max)) throw new Error("bad duration for " + stage.id);
        var cal = stage.calendar && data.calendars && data.calendars[stage.calendar]
          ? cachedCalendar(data.calendars[stage.calendar]) : cachedCalendar(data.calendar);
        earliest = advance(cal, earliest, stage.min, stage.unit, earliestEstimated);
        latest = advance(cal, latest, stage.max, stage.unit, latestEstimated);
      }
      var end = { id: row.id, earliest: earliest, latest: latest, earliestEstimated: earliestEstimated, latestEstimated: latestEstimated };
      ends[row.id] = end;
      out.push(end);
    });
    return out;
  }

  // An end as the result gives it: ISO days, and `earliestEstimated` / `latestEstimated` (years
  // in order) only where a date is an estimate.
  function isoEnd(end) {
    var out = { id: end.id, earliest: isoDay(end.earliest), latest: isoDay(end.latest) };
    var early = yearsOf(end.earliestEstimated || {}), late = yearsOf(end.latestEstimated || {});
    if (early.length) out.earliestEstimated = early;
    if (late.length) out.latestEstimated = late;
    return out;
  }

  // The stages of a sequence: each waits for the one before it.
  function sequence(stages) {
    return stages.map(function (stage, i) { return { id: stage.id, after: i > 0 ? [stages[i - 1].id] : [] }; });
  }

  // The end dates of every table's stages from `submittedISO` (one table, every stage in
  // sequence, when the data names no tables), and each table's finish (the longest path).
  // -> {tables: [{stages: [{id, earliest, latest}], finish: {earliest, latest} or null}],
  //     stages: the first table's stages, missingYear: null, or the first year without holiday
  //     data that some date was estimated in (Monday to Friday counted as working days); such a
  //     date's entry also has earliestEstimated / latestEstimated: [years]}
  //    (plus `error` when the date or the data is unusable; tables and stages are then empty).
  // `events` (optional): the reader's dates of events, {id: "YYYY-MM-DD"}; a relative deadline
  // counts from one of them or from a stage's ends in the same table, and is left undated (null)
  // when neither is known. Each table also gets `deadlines: [{id, earliest, latest}]`.
  function computeWith(data, submittedISO, events) {
    var start = parseDay(submittedISO);
    var none = function (extra) {
      var result = { tables: [], stages: [], missingYear: null };
      Object.keys(extra).forEach(function (k) { result[k] = extra[k]; });
      return result;
    };
    if (!data || !data.stages) return none({ error: "no-data" });
    if (start === null) return none({ error: "invalid-date" });
    var tables;
    var estimatedYears = {};
    try {
      tables = (data.tables || [sequence(data.stages)]).map(function (rows) {
        var ends = computeTable(data, rows, start);
        var finish = null;
        ends.forEach(function (end) {
          if (!finish) finish = { earliest: end.earliest, latest: end.latest, earliestEstimated: {}, latestEstimated: {} };
          if (end.earliest > finish.earliest) finish.earliest = end.earliest;
          if (end.latest > finish.latest) finish.latest = end.latest;
          union(finish.earliestEstimated, yearsOf(end.earliestEstimated));
          union(finish.latestEstimated, yearsOf(end.latestEstimated));
          union(estimatedYears, yearsOf(end.earliestEstimated).concat(yearsOf(end.latestEstimated)));
        });
        var iso = isoEnd;
        var byStage = {};
        ends.forEach(function (end) { byStage[end.id] = end; });
        var deadlines = (data.deadlines || []).map(function (d) {
          var cal = d.calendar && data.calendars && data.calendars[d.calendar]
            ? cachedCalendar(data.calendars[d.calendar]) : cachedCalendar(data.calendar);
          var from = null;
          if (d.stage) {
            if (byStage[d.from]) from = byStage[d.from];
          } else if (events && parseDay(events[d.from]) !== null) {
            var day = parseDay(events[d.from]);
            from = { earliest: day, latest: day };
          }
          if (!from) return { id: d.id, earliest: null, latest: null };
          var early = union({}, yearsOf(from.earliestEstimated || {}));
          var late = union({}, yearsOf(from.latestEstimated || {}));
          var out = isoEnd({
            id: d.id,
            earliest: offset(cal, from.earliest, d.amount, d.unit, early),
            latest: offset(cal, from.latest, d.amount, d.unit, late),
            earliestEstimated: early,
            latestEstimated: late
          });
          union(estimatedYears, (out.earliestEstimated || []).concat(out.latestEstimated || []));
          return out;
        });
        var finishOut = null;
        if (finish) {
          finishOut = isoEnd(finish);
          delete finishOut.id;
        }
        return {
          deadlines: deadlines,
          stages: ends.map(iso),
          finish: finishOut
        };
      });
    } catch (e) {
      if (e instanceof MissingYear) return none({ missingYear: e.year });
      return none({ error: "bad-data" });
    }
    var years = yearsOf(estimatedYears);
    return { tables: tables, stages: tables.length ? tables[0].stages : [], missingYear: years.length ? years[0] : null };
  }

  var cache = { json: null, cal: null };
  function cachedCalendar(json) {
    if (cache.json !== json) cache = { json: json, cal: makeCalendar(json) };
    return cache.cal;
  }

  function compute(submittedISO, events) {
    return computeWith(window.GUIDEGEN_TIMELINE, submittedISO, events);
  }

  // A date in the site's words: {y} {m} {d} as numbers, {month} the month's name from `months`
  // (names separated by commas); no format gives YYYY-MM-DD.
  // Twin of DateWords::text in src/render/words.rs.
  function formatDate(iso, format, months) {
    var day = parseDay(iso);
    if (day === null || !format) return iso;
    var parts = iso.split("-");
    var names = (months || "").split(",");
    var name = (names[Number(parts[1]) - 1] || "").trim();
    return format
      .replace(/\{y\}/g, String(Number(parts[0])))
      .replace(/\{month\}/g, name)
      .replace(/\{m\}/g, String(Number(parts[1])))
      .replace(/\{d\}/g, String(Number(parts[2])));
  }

  window.guidegenTimeline = { compute: compute, computeWith: computeWith, formatDate: formatDate };

  // ---- The page: a form with the submission date, a table of stages, a warning ----

  if (typeof document === "undefined") return;

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  // The query string, read and written by query.js (loaded before this file).
  function param(name) { return window.guidegenQuery.get(location.search, name); }

  function replaceParam(name, value) {
    var url = location.pathname + window.guidegenQuery.replace(location.search, name, value) + location.hash;
    try { history.replaceState(history.state, "", url); } catch (e) { /* some file:// pages refuse */ }
  }

  // A date as the page writes it: the date words the template put on the timeline's form.
  function display(iso) {
    var form = document.querySelector("form.timeline-form");
    if (!form) return iso;
    return formatDate(iso, form.getAttribute("data-date-format"), form.getAttribute("data-months"));
  }

  // A date cell (templates/timeline_cell.html): the date, or the cell's words for none; and the
  // estimate marker, with the years (data-estimate's {year}) the date counted Monday to Friday.
  function setCell(cell, iso, years) {
    if (!cell) return;
    var time = cell.querySelector("time");
    var text = iso ? display(iso) : (cell.getAttribute("data-unknown") || "—");
    if (!time) {
      cell.textContent = "";
      time = document.createElement("time");
      cell.appendChild(time);
    }
    if (iso) time.setAttribute("datetime", iso); else time.removeAttribute("datetime");
    time.textContent = text;
    var marker = cell.querySelector(".timeline-estimate");
    if (!marker) {
      marker = document.createElement("span");
      marker.className = "timeline-estimate";
      cell.appendChild(marker);
    }
    var template = cell.getAttribute("data-estimate") || "{year}";
    var separator = cell.getAttribute("data-separator") || ", ";
    if (iso && years && years.length) {
      marker.textContent = template.replace(/\{year\}/g, years.join(separator));
      marker.hidden = false;
    } else {
      marker.textContent = "";
      marker.hidden = true;
    }
  }

  function show(result, submitted) {
    each(document.querySelectorAll("table[data-table]"), function (table) {
      var computed = result.tables[Number(table.getAttribute("data-table"))];
      var byId = {};
      (computed ? computed.stages : []).forEach(function (stage) { byId[stage.id] = stage; });
      each(table.querySelectorAll("[data-stage]"), function (row) {
        var stage = byId[row.getAttribute("data-stage")];
        setCell(row.querySelector(".earliest"), stage ? stage.earliest : null, stage && stage.earliestEstimated);
        setCell(row.querySelector(".latest"), stage ? stage.latest : null, stage && stage.latestEstimated);
      });
      var deadlines = {};
      (computed && computed.deadlines ? computed.deadlines : []).forEach(function (d) { deadlines[d.id] = d; });
      each(table.querySelectorAll("[data-deadline]"), function (row) {
        var d = deadlines[row.getAttribute("data-deadline")];
        setCell(row.querySelector(".earliest"), d ? d.earliest : null, d && d.earliestEstimated);
        setCell(row.querySelector(".latest"), d ? d.latest : null, d && d.latestEstimated);
      });
      each(table.querySelectorAll("[data-finish]"), function (row) {
        var finish = computed ? computed.finish : null;
        setCell(row.querySelector(".earliest"), finish ? finish.earliest : null, finish && finish.earliestEstimated);
        setCell(row.querySelector(".latest"), finish ? finish.latest : null, finish && finish.latestEstimated);
      });
    });
    each(document.querySelectorAll("time.timeline-start"), function (time) {
      if (parseDay(submitted) === null) return;
      time.setAttribute("datetime", submitted);
      time.textContent = display(submitted);
    });
    each(document.querySelectorAll(".timeline-warning"), function (warning) {
      var template = warning.getAttribute("data-template");
      if (result.missingYear !== null && result.missingYear !== undefined) {
        if (template) warning.textContent = template.replace(/\{year\}/g, String(result.missingYear));
        warning.hidden = false;
      } else {
        warning.hidden = true;
      }
    });
  }

  function enhance() {
    var form = document.querySelector("form.timeline-form");
    if (!form) return;
    var input = form.querySelector('input[type="date"][name="submitted"]');
    if (!input) return;
    var wanted = param("submitted");
    if (wanted !== null && parseDay(wanted) !== null) input.value = wanted;
    var eventInputs = form.querySelectorAll("input[data-event]");
    each(eventInputs, function (field) {
      var given = param(field.name);
      if (given !== null && parseDay(given) !== null) field.value = given;
    });

    function eventDates() {
      var dates = {};
      each(eventInputs, function (field) { dates[field.getAttribute("data-event")] = field.value; });
      return dates;
    }

    function update(writeUrl) {
      var value = input.value;
      if (!value && !writeUrl) {
        var data = window.GUIDEGEN_TIMELINE;
        value = data && data.today ? data.today : "";
        if (value) input.value = value;
      }
      show(compute(value, eventDates()), value);
      if (writeUrl) {
        replaceParam("submitted", parseDay(value) !== null ? value : null);
        each(eventInputs, function (field) { replaceParam(field.name, parseDay(field.value) !== null ? field.value : null); });
      }
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      update(true);
    });
    [input].concat(Array.prototype.slice.call(eventInputs)).forEach(function (field) {
      field.addEventListener("change", function () { update(true); });
      field.addEventListener("input", function () { update(true); });
    });
    update(false);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
