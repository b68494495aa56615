#!/usr/bin/env python3
"""Edit-to-served latency of `guidegen serve` (Python 3 standard library only).

What it measures, for one guide of one site:

  1. full build: `guidegen build` of the same site, cold process, a few times (median), so the
     incremental rebuilds below can be compared with a from-scratch build;
  2. starts `guidegen serve --port 0` on a *copy* of the site and waits for its URL;
  3. edits the guide many times: each edit rewrites the file as its original text plus one
     unique line `marker-<token>-<n>` at the end of the Markdown body; the clock starts just
     before the write and stops at the first HTTP GET of the guide's page whose body contains
     that marker (GETs every ~2 ms). That is what a writer waiting for the page sees: file
     watcher + debounce + rebuild + swap + HTTP;
  4. parses serve's stdout rebuild lines
     (`[<changed file>] built N pages in X ms; re-rendered ...; K files changed`) for the
     server-side rebuild time of each edit.

It reports p50 / p95 / max of the latency (nearest-rank percentiles), the median server-side
rebuild, and the full build, as Markdown on stdout and optionally as JSON (--json).

The site is copied (content/, themes/, static/ only) into a temporary folder first, so the
original is never edited; the copy is deleted at the end unless --keep.

Usage (alone):
  python3 bench/serve_latency.py --bin target/release/guidegen --site . \\
      --guide content/guides/sms-verification.md
  python3 bench/serve_latency.py --bin target/release/guidegen --site /dev/shm/guidegen-bench/site-10000 \\
      --guide content/guides/bench/sec-01/page-00001.md --edits 60 --json serve-10000.json
"""

import argparse
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

SERVING = re.compile(r"serving the site at (http://\S+?)/? \(")
# `[reason] built N pages in X ms[ (load a, validate b, plan c, render d)]; re-rendered ...; K files changed`
# (the per-stage part appeared in c24523e; older binaries print the line without it).
REBUILD = re.compile(
    r"^\[(?P<reason>.*)\] built (?P<pages>\d+) pages in (?P<ms>\d+) ms"
    r"(?: \(load (?P<load>\d+), validate (?P<validate>\d+), plan (?P<plan>\d+), render (?P<render>\d+)\))?; "
    r"re-rendered (?P<rerendered>.*); (?P<changed>\d+) files changed$"
)
STAGES = ("load", "validate", "plan", "render")
# The folders that make a site; anything else (output/, target/, .git/) is not copied.
SITE_FOLDERS = ("content", "themes", "static")


def percentile(values, p):
    """Nearest-rank percentile: the smallest value with at least p % of the values <= it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100.0 * len(ordered)))
    return ordered[rank - 1]


class Server:
    """`guidegen serve` as a child process; its stdout and stderr lines are kept with arrival times."""

    def __init__(self, argv):
        self.lines = []  # (perf_counter seconds, stdout line)
        self.errors = []  # stderr lines, for diagnosing a failed run
        self.lock = threading.Lock()
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
        )
        # Reader threads, so a full pipe can never stall the server.
        threading.Thread(target=self._read, args=(self.proc.stdout, True), daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, False), daemon=True).start()

    def _read(self, stream, is_stdout):
        for line in stream:
            line = line.rstrip("\n")
            with self.lock:
                if is_stdout:
                    self.lines.append((time.perf_counter(), line))
                else:
                    self.errors.append(line)

    def stdout_since(self, index):
        with self.lock:
            return list(self.lines[index:])

    def line_count(self):
        with self.lock:
            return len(self.lines)

    def wait_for_url(self, timeout):
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for _, line in self.stdout_since(0):
                found = SERVING.search(line)
                if found:
                    return found.group(1)
            if self.proc.poll() is not None:
                break
            time.sleep(0.01)
        raise SystemExit(
            "guidegen serve did not print its URL in time (exit code %s)\nstdout:\n%s\nstderr:\n%s"
            % (self.proc.poll(), "\n".join(l for _, l in self.stdout_since(0)), "\n".join(self.errors))
        )

    def memory_mib(self):
        """Peak and current resident memory of the server (Linux /proc), in MiB."""
        found = {}
        try:
            with open("/proc/%d/status" % self.proc.pid) as f:
                for line in f:
                    key, _, value = line.partition(":")
                    if key in ("VmHWM", "VmRSS"):
                        found[key] = round(int(value.split()[0]) / 1024.0, 1)
        except OSError:
            pass
        return found

    def stop(self):
        """Ctrl-C, as a person would; kill only if it does not stop within 10 s."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def copy_site(site, work):
    copy = tempfile.mkdtemp(prefix="serve-site-", dir=work)
    for folder in SITE_FOLDERS:
        source = os.path.join(site, folder)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(copy, folder))
    return copy


def guide_url_path(guide):
    """`content/guides/a/b.md` -> `/guides/a/b.html` (guidegen's output layout)."""
    prefix = "content/guides/"
    normalized = guide.replace(os.sep, "/")
    if not normalized.startswith(prefix) or not normalized.endswith(".md"):
        raise SystemExit("--guide must be a path like content/guides/<name>.md (or pass --url-path)")
    return "/guides/" + normalized[len(prefix) : -len(".md")] + ".html"


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read()
    except urllib.error.HTTPError as error:  # a 404 while the page does not exist yet
        return error.read()


def full_builds(binary, root, today, runs, work):
    """Wall time (ms) of `guidegen build` from a cold process, output deleted before each run."""
    output = os.path.join(work, "full-build-out")
    times = []
    for _ in range(runs):
        shutil.rmtree(output, ignore_errors=True)
        started = time.perf_counter()
        subprocess.run(
            [binary, "build", "--root", root, "--output", output, "--today", today],
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=600,  # never hang the benchmark
        )
        times.append((time.perf_counter() - started) * 1000.0)
    shutil.rmtree(output, ignore_errors=True)
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", required=True, help="the guidegen binary")
    ap.add_argument("--site", required=True, help="the site folder (holding content/); it is copied, never edited")
    ap.add_argument("--guide", required=True, help="the guide to edit, relative to the site, e.g. content/guides/x.md")
    ap.add_argument("--url-path", help="the page to poll (default: derived from --guide)")
    ap.add_argument("--edits", type=int, default=60, help="measured edits (default 60)")
    ap.add_argument("--warmup", type=int, default=3, help="edits before the measured ones, not counted (default 3)")
    ap.add_argument("--interval", type=float, default=0.3, help="seconds to wait between edits (default 0.3)")
    ap.add_argument("--poll", type=float, default=0.002, help="seconds between GETs (default 0.002)")
    ap.add_argument("--timeout", type=float, default=10.0, help="give up on one edit after this many seconds")
    ap.add_argument("--full-builds", type=int, default=5, help="cold `guidegen build` runs for comparison (default 5)")
    ap.add_argument("--today", default="2026-11-27")
    ap.add_argument("--work", help="where to put the site copy (default: /dev/shm if present, else the temp folder)")
    ap.add_argument("--label", help="name of this site in the report (default: the site folder's name)")
    ap.add_argument("--json", help="also write the results here as JSON")
    ap.add_argument("--keep", action="store_true", help="keep the site copy")
    args = ap.parse_args()

    binary = os.path.abspath(args.bin)
    site = os.path.abspath(args.site)
    label = args.label or os.path.basename(site.rstrip("/"))
    work = args.work or ("/dev/shm" if os.access("/dev/shm", os.W_OK) else tempfile.gettempdir())
    os.makedirs(work, exist_ok=True)
    url_path = args.url_path or guide_url_path(args.guide)
    # A token per run, so a marker can never be left over from an earlier run.
    token = "%x" % (int(time.time() * 1000) % 0xFFFFFF)

    copy = copy_site(site, work)
    server = None
    try:
        guide_path = os.path.join(copy, args.guide)
        with open(guide_path, encoding="utf-8") as f:
            original = f.read()
        if not original.endswith("\n"):
            original += "\n"

        # Full builds first, while nothing else runs, on the very same copy.
        full = full_builds(binary, copy, args.today, args.full_builds, work) if args.full_builds > 0 else []

        server = Server([binary, "serve", "--root", copy, "--port", "0", "--today", args.today])
        base = server.wait_for_url(timeout=300)
        url = base + url_path
        startup = [REBUILD.match(l) for _, l in server.stdout_since(0)]
        startup_ms = next((int(m.group("ms")) for m in startup if m), None)
        first = get(url)
        if b"<html" not in first.lower():
            raise SystemExit("GET %s did not return a page" % url)

        latencies, rebuilds, per_edit_rebuilds, failures = [], [], [], 0
        samples = []
        stage_ms = {stage: [] for stage in STAGES}
        for n in range(args.warmup + args.edits):
            measured = n >= args.warmup
            marker = "marker-%s-%04d" % (token, n)
            text = original + "\n" + marker + "\n"
            mark = server.line_count()
            started = time.perf_counter()  # just before the write: the writer's point of view
            with open(guide_path, "w", encoding="utf-8") as f:
                f.write(text)
            seen = None
            while time.perf_counter() - started < args.timeout:
                if marker.encode() in get(url):
                    seen = time.perf_counter()
                    break
                time.sleep(args.poll)
            # serve prints its line after swapping the new files in, so it may come just after the
            # GET that saw the marker; the pause between edits leaves time for it.
            time.sleep(args.interval)
            lines = [(t, REBUILD.match(l)) for t, l in server.stdout_since(mark)]
            built = [(t, m) for t, m in lines if m]
            if not measured:
                continue
            per_edit_rebuilds.append(len(built))
            if seen is None:
                failures += 1
                samples.append({"edit": n, "latency_ms": None, "rebuilds": [int(m.group("ms")) for _, m in built]})
                continue
            latency = (seen - started) * 1000.0
            latencies.append(latency)
            rebuilds.extend(int(m.group("ms")) for _, m in built)
            for _, m in built:
                for stage in STAGES:
                    if m.group(stage) is not None:
                        stage_ms[stage].append(int(m.group(stage)))
            samples.append(
                {
                    "edit": n,
                    "latency_ms": round(latency, 2),
                    "rebuilds": [int(m.group("ms")) for _, m in built],
                    "lines": [m.group(0) for _, m in built],
                }
            )
        memory = server.memory_mib()
        exit_code = server.stop()
    finally:
        if server is not None:
            server.stop()
        if not args.keep:
            shutil.rmtree(copy, ignore_errors=True)

    if not latencies:
        sys.stderr.write("no edit was ever served; stderr of guidegen serve:\n%s\n" % "\n".join(server.errors))
        return 1

    example = next((s["lines"][0] for s in samples if s.get("lines")), "")
    result = {
        "site": label,
        "guide": args.guide,
        "url_path": url_path,
        "edits": args.edits,
        "warmup": args.warmup,
        "interval_s": args.interval,
        "poll_s": args.poll,
        "failures": failures,
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 1),
            "p95": round(percentile(latencies, 95), 1),
            "max": round(max(latencies), 1),
            "min": round(min(latencies), 1),
            "mean": round(statistics.mean(latencies), 1),
        },
        "rebuild_ms": {
            "median": statistics.median(rebuilds) if rebuilds else None,
            "p95": percentile(rebuilds, 95) if rebuilds else None,
            "max": max(rebuilds) if rebuilds else None,
            "count": len(rebuilds),
        },
        # The server's own split of each rebuild (only printed by c24523e and later).
        "rebuild_stage_median_ms": {k: statistics.median(v) for k, v in stage_ms.items() if v},
        "rebuilds_per_edit": {str(k): per_edit_rebuilds.count(k) for k in sorted(set(per_edit_rebuilds))},
        "serve_start_build_ms": startup_ms,
        "full_build_ms": {
            "runs": len(full),
            "median": round(statistics.median(full), 1) if full else None,
            "min": round(min(full), 1) if full else None,
        },
        "serve_memory_mib": {"peak": memory.get("VmHWM"), "current": memory.get("VmRSS")},
        "example_rebuild_line": example,
        "serve_exit_code": exit_code,
        "samples": samples,
    }
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, ensure_ascii=False, indent=1)

    lat, reb, fb = result["latency_ms"], result["rebuild_ms"], result["full_build_ms"]
    print("#### serve: `%s`, editing `%s`\n" % (label, args.guide))
    print("| edits | failed | latency p50 (ms) | p95 | max | server rebuild median (ms) | rebuild p95 | rebuilds per edit | full build median (ms) | serve start build (ms) | serve peak RSS (MiB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    print(
        "| %d | %d | %.1f | %.1f | %.1f | %s | %s | %s | %s | %s | %s |"
        % (
            args.edits,
            failures,
            lat["p50"],
            lat["p95"],
            lat["max"],
            reb["median"],
            reb["p95"],
            ", ".join("%s: %d" % kv for kv in result["rebuilds_per_edit"].items()),
            fb["median"],
            startup_ms,
            result["serve_memory_mib"]["peak"],
        )
    )
    stages = result["rebuild_stage_median_ms"]
    if stages:
        print("\nserver-side rebuild, median per stage (ms): %s" % ", ".join("%s %s" % kv for kv in stages.items()))
    print("\nexample rebuild line: `%s`\n" % example)
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
