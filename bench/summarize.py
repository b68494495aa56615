#!/usr/bin/env python3
"""Turns the raw results of bench/run.sh into Markdown tables (Python 3 standard library only).

  summarize.py builds RESULTS_DIR    guidegen vs Hugo table from runs.tsv + outputs.tsv, and the
                                     guidegen stage split from the --timings lines in logs/
  summarize.py default RESULTS_DIR   the default site's cold builds, from default.json (hyperfine)

runs.tsv columns: n, tool, run, wall_ms (bash EPOCHREALTIME around GNU time, 1 µs resolution),
elapsed_s (GNU time %e, 10 ms resolution), maxrss_kib (%M), user_s (%U), sys_s (%S),
busy_before_pct (how busy the machine was in the second before the run: other people's work).
outputs.tsv columns: n, tool, files, html_files, bytes.
"""

import json
import math
import os
import re
import statistics
import sys
from collections import defaultdict

# `search index` appeared with the search page; older binaries print the line without it.
TIMINGS = re.compile(
    r"timings: load ([\d.]+) ms, validate ([\d.]+) ms, plan ([\d.]+) ms, render ([\d.]+) ms,"
    r"(?: search index ([\d.]+) ms,)? write ([\d.]+) ms"
)
STAGES = ("load", "validate", "plan", "render", "search", "write")


def percentile(values, p):
    """Nearest-rank percentile (the same definition as serve_latency.py)."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100.0 * len(ordered))) - 1]


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    return rows[1:]  # header


def builds(results):
    runs = defaultdict(list)
    for row in read_tsv(os.path.join(results, "runs.tsv")):
        n, tool, run, wall_ms, elapsed_s, rss_kib, user_s, sys_s = row[:8]
        busy = float(row[8]) if len(row) > 8 else 0.0
        runs[(int(n), tool)].append(
            {"wall": float(wall_ms) / 1000.0, "rss": int(rss_kib) / 1024.0, "cpu": float(user_s) + float(sys_s), "busy": busy}
        )
    outputs = {}
    for n, tool, files, html, size in read_tsv(os.path.join(results, "outputs.tsv")):
        outputs[(int(n), tool)] = (int(files), int(html), int(size))

    print("| N guides | tool | runs | wall mean ± σ (s) | min / max (s) | CPU user+sys (s) | peak RSS median (max) MiB | output files (html) | output MB | guidegen / Hugo: time | guidegen / Hugo: RSS | others' CPU before run, max % |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sorted({n for n, _ in runs}):
        row = {}
        for tool in ("hugo", "guidegen"):
            r = runs.get((n, tool))
            if not r:
                continue
            walls = [x["wall"] for x in r]
            rss = [x["rss"] for x in r]
            row[tool] = (statistics.mean(walls), statistics.median(rss))
            sd = "%.3f" % statistics.stdev(walls) if len(walls) > 1 else "n/a"
            files, html, size = outputs.get((n, tool), (0, 0, 0))
            ratio_t = ratio_m = ""
            if tool == "guidegen" and "hugo" in row:
                ratio_t = "%.3f (1/%.0f)" % (row["guidegen"][0] / row["hugo"][0], row["hugo"][0] / row["guidegen"][0])
                ratio_m = "%.3f (1/%.1f)" % (row["guidegen"][1] / row["hugo"][1], row["hugo"][1] / row["guidegen"][1])
            print(
                "| %d | %s | %d | %.3f ± %s | %.3f / %.3f | %.2f | %.0f (%.0f) | %d (%d) | %.1f | %s | %s | %.0f |"
                % (n, tool, len(r), statistics.mean(walls), sd, min(walls), max(walls),
                   statistics.mean(x["cpu"] for x in r), statistics.median(rss), max(rss),
                   files, html, size / 1e6, ratio_t, ratio_m, max(x["busy"] for x in r))
            )

    # Stage split: every timed guidegen run passes --timings; report the per-stage median.
    print()
    print("guidegen stage timings (`--timings`, median over the timed runs; ms):")
    print()
    # Pages are written as they are rendered: `write` spans render, search index and the swap,
    # so the sum counts load, validate, plan and write.
    print("| N guides | runs | load | validate | plan | render | search index | write (from the first page to the swap) | load+validate+plan+write | wall mean (process) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    logs = os.path.join(results, "logs")
    for n in sorted({n for n, t in runs if t == "guidegen"}):
        stages = defaultdict(list)
        for name in sorted(os.listdir(logs)):
            if not name.startswith("guidegen-%d-" % n) or not name.endswith(".err"):
                continue
            with open(os.path.join(logs, name), encoding="utf-8") as f:
                found = TIMINGS.search(f.read())
            if found:
                for stage, value in zip(STAGES, found.groups()):
                    stages[stage].append(float(value or 0))
        if not stages:
            continue
        med = [statistics.median(stages[s]) for s in STAGES]
        wall = statistics.mean(x["wall"] for x in runs[(n, "guidegen")]) * 1000
        total = med[0] + med[1] + med[2] + med[5]
        print("| %d | %d | %s | %.0f | %.0f |" % (n, len(stages["load"]), " | ".join("%.1f" % m for m in med), total, wall))


def default(results):
    with open(os.path.join(results, "default.json"), encoding="utf-8") as f:
        data = json.load(f)["results"][0]
    ms = [t * 1000.0 for t in data["times"]]
    rss = ""
    path = os.path.join(results, "default-rss.txt")
    if os.path.exists(path):
        with open(path) as f:
            rss = "%.1f" % (int(f.read().split()[0]) / 1024.0)
    print("| site | runs | wall mean ± σ (ms) | median | p95 | min / max (ms) | user / sys mean (ms) | peak RSS (MiB) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(
        "| default (repo `content/`) | %d | %.1f ± %.1f | %.1f | %.1f | %.1f / %.1f | %.1f / %.1f | %s |"
        % (len(ms), statistics.mean(ms), statistics.stdev(ms), statistics.median(ms), percentile(ms, 95),
           min(ms), max(ms), data["user"] * 1000, data["system"] * 1000, rss)
    )


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("builds", "default"):
        sys.exit(__doc__)
    {"builds": builds, "default": default}[sys.argv[1]](sys.argv[2])
