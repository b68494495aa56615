#!/usr/bin/env bash
# guidegen benchmarks: build time and peak RSS against Hugo on the shared synthetic corpus, the
# default site's cold build, and edit-to-served latency of `guidegen serve`.
#
#   bench/run.sh [all | builds | default | serve | profile | onefolder] ...     (default: all)
#
#   builds   corpora of SIZES guides, guidegen and Hugo built alternately, wall time + peak RSS
#   default  the default site (the repo's content/), cold process, RUNS_DEFAULT runs (hyperfine)
#   serve    bench/serve_latency.py on the default site and on the largest corpus site
#   profile  `perf stat` and a flat `perf record` profile of one guidegen build of the largest
#            corpus site (skipped if perf is unusable)
#   onefolder  ONEFOLDER_PAGES guides (default 50000) in ONEFOLDER_SECTIONS folders (default 1:
#            one folder), guidegen only, RUNS_ONEFOLDER runs (default 1): wall time and peak RSS
#            (target: under 1 GB). Not part of `all`.
#
# Environment (all optional):
#   BENCH_WORK     work folder, outside the repo (default /dev/shm/guidegen-bench, i.e. tmpfs, as the
#                  peers' numbers; /tmp/guidegen-bench when /dev/shm is missing)
#   SIZES          corpus sizes (default "1000 10000")
#   RUNS_1K        timed runs per tool at N=1000 (default 5); RUNS_10K at N=10000 (default 3);
#                  RUNS_OTHER for any other size (default 3)
#   RUNS_DEFAULT   cold builds of the default site (default 30; at least 20 for a meaningful p95)
#   SERVE_EDITS    measured edits per serve site (default 60)
#   GUIDEGEN_REV   benchmark this commit (e.g. HEAD) from a clean `git archive` export, built in
#                  BENCH_WORK with its own target folder; empty (default) = the working tree as it is
#   TODAY SEED SECTIONS   --today for guidegen (2026-11-27), corpus seed (42) and sections (20)
#   MAKE_CORPUS    path of make_corpus.py (default ../shared/bench/make_corpus.py beside the repo)
#   INSTALL=0      never apt-get install missing tools
#   QUIET_BUSY QUIET_WAIT QUIET_BUDGET  before each timed build, wait until other processes use
#                  < QUIET_BUSY % of the CPUs (default 20), for at most QUIET_WAIT s (default 60)
#                  per build and QUIET_BUDGET s (default 300) in all
#   BUILD_TIMEOUT  seconds after which one build counts as failed (default 600)
#   KEEP_OUTPUT=1  keep the built sites (deleted by default: ~450 MB each at N=10000)
#
#   ONEFOLDER_PAGES ONEFOLDER_SECTIONS RUNS_ONEFOLDER   see `onefolder`
#
# Quick run: SIZES=1000 RUNS_1K=2 RUNS_DEFAULT=20 SERVE_EDITS=10 bench/run.sh
# 30,000 guides side by side with Hugo (about 200 s and 5 GB per Hugo run):
#   SIZES=30000 RUNS_OTHER=1 bench/run.sh builds
# 50,000 guides in one folder: bench/run.sh onefolder
# Everything is written under BENCH_WORK; the results (Markdown) go to stdout and to
# BENCH_WORK/results/report.md. Nothing in the repo is written except target/ (cargo).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)

if [[ -z "${BENCH_WORK:-}" ]]; then
    if [[ -d /dev/shm && -w /dev/shm ]]; then BENCH_WORK=/dev/shm/guidegen-bench; else BENCH_WORK=/tmp/guidegen-bench; fi
fi
SIZES=${SIZES:-"1000 10000"}
RUNS_1K=${RUNS_1K:-5}
RUNS_10K=${RUNS_10K:-3}
RUNS_OTHER=${RUNS_OTHER:-3}
RUNS_DEFAULT=${RUNS_DEFAULT:-30}
SERVE_EDITS=${SERVE_EDITS:-60}
GUIDEGEN_REV=${GUIDEGEN_REV:-}
TODAY=${TODAY:-2026-11-27}
SEED=${SEED:-42}
SECTIONS=${SECTIONS:-20}
MAKE_CORPUS=${MAKE_CORPUS:-$REPO/../shared/bench/make_corpus.py}
INSTALL=${INSTALL:-1}
# No single build may hang the script: anything slower than this is a failure.
BUILD_TIMEOUT=${BUILD_TIMEOUT:-600}

RESULTS=$BENCH_WORK/results
REPORT=$RESULTS/report.md

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
# Markdown goes to stdout and to the report file.
out() { printf '%s\n' "$*" | tee -a "$REPORT"; }
out_cmd() { "$@" | tee -a "$REPORT"; }

case "$(realpath -m "$BENCH_WORK")/" in
    "$REPO"/*) die "BENCH_WORK must be outside the repo (it is $BENCH_WORK)" ;;
esac

# --- tools -----------------------------------------------------------------------------------
# ensure_tools PART...: what the parts asked for need (Hugo only for `builds`, hyperfine only
# for `default`).
ensure_tools() {
    local missing=() parts=" $* "
    if [[ "$parts" == *" all "* || "$parts" == *" builds "* ]]; then
        command -v hugo >/dev/null || missing+=(hugo)
    fi
    if [[ "$parts" == *" all "* || "$parts" == *" default "* ]]; then
        command -v hyperfine >/dev/null || missing+=(hyperfine)
    fi
    [[ -x /usr/bin/time ]] || missing+=(time)
    command -v python3 >/dev/null || die "python3 is needed (corpus generator, summaries, serve latency)"
    command -v cargo >/dev/null || die "cargo is needed to build guidegen"
    ((${#missing[@]} == 0)) && return
    [[ "$INSTALL" == 1 ]] || die "missing: ${missing[*]} (INSTALL=0)"
    local sudo=()
    ((EUID == 0)) || sudo=(sudo)
    log "installing ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

# --- guidegen --------------------------------------------------------------------------------
# Sets BIN (the binary), SITE_SRC (the folder whose content/ is the default site) and GG_VERSION.
build_guidegen() {
    if [[ -n "$GUIDEGEN_REV" ]]; then
        # A clean export: other people's uncommitted edits in the working tree cannot leak in.
        local sha
        sha=$(git -C "$REPO" rev-parse --short "$GUIDEGEN_REV")
        SITE_SRC=$BENCH_WORK/src-$sha
        if [[ ! -f "$SITE_SRC/Cargo.toml" ]]; then
            rm -rf "$SITE_SRC"
            mkdir -p "$SITE_SRC"
            git -C "$REPO" archive "$sha" | tar -x -C "$SITE_SRC"
        fi
        log "building guidegen $sha (clean export) in $SITE_SRC"
        # git archive stamps files with the commit time, which can be older than a binary built
        # from another export into the same target folder, and cargo would then call it fresh.
        # So drop guidegen's own artifacts whenever the export changes (dependencies are kept).
        if [[ "$(cat "$BENCH_WORK/target/.guidegen-src" 2>/dev/null)" != "$SITE_SRC" ]]; then
            (cd "$SITE_SRC" && CARGO_TARGET_DIR=$BENCH_WORK/target cargo clean --release -p guidegen --quiet 2>/dev/null) || true
        fi
        (cd "$SITE_SRC" && CARGO_TARGET_DIR=$BENCH_WORK/target cargo build --release --locked --quiet)
        echo "$SITE_SRC" >"$BENCH_WORK/target/.guidegen-src"
        BIN=$BENCH_WORK/target/release/guidegen
        GG_VERSION="$sha (clean export of $GUIDEGEN_REV)"
    else
        log "building guidegen from the working tree $REPO"
        (cd "$REPO" && cargo build --release --quiet)
        BIN=${CARGO_TARGET_DIR:-$REPO/target}/release/guidegen
        SITE_SRC=$REPO
        GG_VERSION=$(git -C "$REPO" rev-parse --short HEAD)
        # Say so when the measured code is not exactly the commit.
        if [[ -n "$(git -C "$REPO" status --porcelain -- src Cargo.toml Cargo.lock themes content)" ]]; then
            GG_VERSION="$GG_VERSION + uncommitted changes"
        fi
    fi
    [[ -x "$BIN" ]] || die "no guidegen binary at $BIN"
}

# --- corpora and sites -----------------------------------------------------------------------
runs_for() {
    case "$1" in
        1000) echo "$RUNS_1K" ;;
        10000) echo "$RUNS_10K" ;;
        *) echo "$RUNS_OTHER" ;;
    esac
}

# The corpus is deterministic, so it is regenerated only when its parameters or the generator change.
make_corpus() {
    local n=$1 dir=$BENCH_WORK/corpus-$1 stamp
    [[ -f "$MAKE_CORPUS" ]] || die "make_corpus.py not found at $MAKE_CORPUS (set MAKE_CORPUS)"
    stamp="n=$n seed=$SEED sections=$SECTIONS $(sha256sum "$MAKE_CORPUS" | cut -c1-16)"
    if [[ -f "$dir/.stamp" && "$(cat "$dir/.stamp")" == "$stamp" ]]; then
        return
    fi
    log "generating corpus N=$n"
    python3 "$MAKE_CORPUS" --pages "$n" --sections "$SECTIONS" --seed "$SEED" --out "$dir" --peers plain,hugo >&2
    echo "$stamp" >"$dir/.stamp"
}

# A guidegen site = the default site's content/ (+ themes/, static/) with the corpus under guides/bench/.
make_site() {
    local n=$1 site=$BENCH_WORK/site-$1
    rm -rf "$site"
    mkdir -p "$site"
    cp -r "$SITE_SRC/content" "$site/content"
    for extra in themes static; do
        if [[ -d "$SITE_SRC/$extra" ]]; then cp -r "$SITE_SRC/$extra" "$site/$extra"; fi
    done
    cp -r "$BENCH_WORK/corpus-$n/plain" "$site/content/guides/bench"
}

# --- timed runs --------------------------------------------------------------------------------
# timed N TOOL RUN OUTDIR CMD...: deletes OUTDIR (untimed), runs CMD under GNU time, appends a row
# to runs.tsv. Wall time is taken with bash's EPOCHREALTIME (µs) around GNU time, whose %e has
# only 10 ms resolution; %e is kept in the row as a cross-check.
timed() {
    local n=$1 tool=$2 run=$3 outdir=$4
    shift 4
    local logbase=$RESULTS/logs/$tool-$n-$run tf t0 t1 e m u s
    rm -rf "$outdir"
    sync_fs
    wait_quiet
    tf=$(mktemp)
    t0=$EPOCHREALTIME
    if ! /usr/bin/time -f '%e %M %U %S' -o "$tf" timeout "$BUILD_TIMEOUT" "$@" >"$logbase.out" 2>"$logbase.err"; then
        cat "$logbase.err" >&2
        die "$tool build failed at N=$n (run $run); see $logbase.err"
    fi
    t1=$EPOCHREALTIME
    read -r e m u s <"$tf"
    rm -f "$tf"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$tool" "$run" \
        "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')" "$e" "$m" "$u" "$s" "$BUSY" >>"$RESULTS/runs.tsv"
    log "  N=$n $tool run $run: ${e}s, $((m / 1024)) MiB (machine ${BUSY}% busy before)"
}

# The share (%) of both cores busy over the last second, from /proc/stat. Nothing of ours runs
# between timed runs, so this is other people's work on the machine.
busy_pct() {
    local a b
    a=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat)
    sleep 1
    b=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.0f", 100 * (y[1] - x[1]) / (y[2] - x[2] + 0.001) }'
}

# The VM is shared (other builds and browser tests run on it): before each timed run, wait until
# the machine is quiet (< QUIET_BUSY % busy over one second), but never more than QUIET_WAIT s
# per run nor QUIET_BUDGET s in all, so that a machine that stays busy cannot stretch the run.
# The busy share seen just before the run goes into runs.tsv so that disturbed runs can be spotted.
QUIET_BUSY=${QUIET_BUSY:-20}
QUIET_WAIT=${QUIET_WAIT:-60}
QUIET_BUDGET=${QUIET_BUDGET:-300}
wait_quiet() {
    local waited=0
    BUSY=$(busy_pct)
    while ((BUSY >= QUIET_BUSY && waited < QUIET_WAIT && QUIET_BUDGET > 0)); do
        sleep 2
        waited=$((waited + 3))
        QUIET_BUDGET=$((QUIET_BUDGET - 3))
        BUSY=$(busy_pct)
    done
    ((waited == 0)) || log "  waited ${waited}s for a quiet machine (now ${BUSY}% busy; ${QUIET_BUDGET}s of waiting left)"
}

# Let earlier deletions settle so the next run does not pay for them (cheap on tmpfs).
sync_fs() { sync 2>/dev/null || true; }

# The two commands measured at size N, as arrays GG and HUGO. Every guidegen run passes --timings
# (one line on stderr, no measurable cost), so the stage split comes from the timed runs themselves.
set_cmds() {
    GG=("$BIN" build --root "$BENCH_WORK/site-$1" --output "$BENCH_WORK/out-guidegen-$1" --today "$TODAY" --timings)
    HUGO=(hugo --source "$BENCH_WORK/corpus-$1/hugo" --destination "$BENCH_WORK/out-hugo-$1" --quiet)
}

record_output() {
    local n=$1 tool=$2 dir=$3 files html bytes
    files=$(find "$dir" -type f | wc -l)
    html=$(find "$dir" -type f -name '*.html' | wc -l)
    bytes=$(find "$dir" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f\n", s }')
    printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$tool" "$files" "$html" "$bytes" >>"$RESULTS/outputs.tsv"
}

bench_builds() {
    # Fresh raw results for this run (the summaries read every log they find).
    rm -rf "$RESULTS/logs"
    mkdir -p "$RESULTS/logs"
    : >"$RESULTS/nav-check.txt"
    printf 'n\ttool\trun\twall_ms\telapsed_s\tmaxrss_kib\tuser_s\tsys_s\tbusy_before_pct\n' >"$RESULTS/runs.tsv"
    printf 'n\ttool\tfiles\thtml_files\tbytes\n' >"$RESULTS/outputs.tsv"
    local n runs i
    for n in $SIZES; do
        make_corpus "$n"
        make_site "$n"
        runs=$(runs_for "$n")
        set_cmds "$n"
        # One untimed build of each first: checks that both succeed and warms the page cache.
        log "N=$n: validation builds (untimed)"
        rm -rf "$BENCH_WORK/out-guidegen-$n" "$BENCH_WORK/out-hugo-$n"
        timeout "$BUILD_TIMEOUT" "${GG[@]}" >&2 || die "guidegen cannot build the N=$n site"
        timeout "$BUILD_TIMEOUT" "${HUGO[@]}" >&2 || die "hugo cannot build the N=$n corpus"
        # Alternate the tools, and swap who goes first each round, so drift in the machine's
        # speed (a shared 2-vCPU VM) hits both alike.
        for ((i = 1; i <= runs; i++)); do
            if ((i % 2)); then
                timed "$n" guidegen "$i" "$BENCH_WORK/out-guidegen-$n" "${GG[@]}"
                timed "$n" hugo "$i" "$BENCH_WORK/out-hugo-$n" "${HUGO[@]}"
            else
                timed "$n" hugo "$i" "$BENCH_WORK/out-hugo-$n" "${HUGO[@]}"
                timed "$n" guidegen "$i" "$BENCH_WORK/out-guidegen-$n" "${GG[@]}"
            fi
        done
        record_output "$n" guidegen "$BENCH_WORK/out-guidegen-$n"
        record_output "$n" hugo "$BENCH_WORK/out-hugo-$n"
        check_nav "$n"
        # The outputs are ~450 MB each at N=10000, in RAM when BENCH_WORK is tmpfs.
        [[ -n "${KEEP_OUTPUT:-}" ]] || rm -rf "$BENCH_WORK/out-guidegen-$n" "$BENCH_WORK/out-hugo-$n"
    done
    out ""
    out "### Build time and peak RSS: guidegen vs Hugo (output on $(fs_of "$BENCH_WORK"))"
    out ""
    out_cmd python3 "$HERE/summarize.py" builds "$RESULTS"
}

# Like-for-like check: a guidegen guide page must list every page of its section, as the Hugo
# template does (N/SECTIONS entries plus the section's own link).
check_nav() {
    local n=$1 page=$BENCH_WORK/out-guidegen-$1/guides/bench/sec-01/page-00001.html expected
    expected=$(find "$BENCH_WORK/site-$n/content/guides/bench/sec-01" -name 'page-*.md' | wc -l)
    python3 - "$page" "$expected" "$BENCH_WORK/out-hugo-$n/sec-01/page-00001/index.html" <<'EOF' | tee -a "$RESULTS/nav-check.txt" >&2
import re, sys
page, expected, hugo_page = sys.argv[1], int(sys.argv[2]), sys.argv[3]
html = open(page, encoding="utf-8").read()
nav = re.search(r'<nav class="section-nav".*?</nav>', html, re.S)
links = len(re.findall(r"<li>", nav.group(0))) if nav else 0
hugo = open(hugo_page, encoding="utf-8").read()
hugo_links = len(re.findall(r"<li>", hugo.split("</nav>")[0]))
print("nav check %s: guidegen section nav lists %d pages (section has %d), Hugo nav lists %d; page bytes guidegen %d, Hugo %d"
      % (page.split("/out-guidegen-")[1], links, expected, hugo_links, len(html.encode()), len(hugo.encode())))
EOF
}

fs_of() { df -T "$1" | awk 'NR == 2 { print $2 }'; }

# --- default site --------------------------------------------------------------------------------
bench_default() {
    local outdir=$BENCH_WORK/out-default
    log "default site: $RUNS_DEFAULT cold builds (hyperfine)"
    # -N: no intermediate shell, so the time is guidegen's alone; the output folder is deleted
    # before every run (--prepare, untimed) so each run writes the whole site.
    hyperfine -N --style basic --warmup 3 --runs "$RUNS_DEFAULT" \
        --prepare "rm -rf $outdir" \
        --export-json "$RESULTS/default.json" \
        "$BIN build --root $SITE_SRC --output $outdir --today $TODAY" >&2
    rm -rf "$outdir"
    /usr/bin/time -f '%M' -o "$RESULTS/default-rss.txt" "$BIN" build --root "$SITE_SRC" --output "$outdir" --today "$TODAY" --timings \
        >"$RESULTS/default-build.out" 2>"$RESULTS/default-build.err"
    out ""
    out "### Default site, cold process"
    out ""
    out_cmd python3 "$HERE/summarize.py" default "$RESULTS"
    out ""
    out "One build: \`$(cat "$RESULTS/default-build.out")\`; \`$(grep timings "$RESULTS/default-build.err")\`"
}

# The largest of SIZES (serve and profile use that site).
largest_size() { tr -s ' ' '\n' <<<"$SIZES" | sed '/^$/d' | sort -n | tail -1; }

# --- serve -------------------------------------------------------------------------------------
bench_serve() {
    local largest n
    largest=$(largest_size)
    out ""
    out "### serve: edit-to-served latency"
    out ""
    log "serve latency: default site"
    out_cmd python3 "$HERE/serve_latency.py" --bin "$BIN" --site "$SITE_SRC" --label "default site" \
        --guide content/guides/sms-verification.md --edits "$SERVE_EDITS" --today "$TODAY" \
        --work "$BENCH_WORK" --json "$RESULTS/serve-default.json"
    if [[ -n "$largest" ]]; then
        n=$largest
        make_corpus "$n"
        make_site "$n" # cheap, and never stale (SITE_SRC may have changed since `builds`)
        log "serve latency: N=$n site"
        out_cmd python3 "$HERE/serve_latency.py" --bin "$BIN" --site "$BENCH_WORK/site-$n" --label "$n-guide site" \
            --guide content/guides/bench/sec-01/page-00001.md --edits "$SERVE_EDITS" --today "$TODAY" \
            --work "$BENCH_WORK" --json "$RESULTS/serve-$n.json"
    fi
}

# --- profile -----------------------------------------------------------------------------------
bench_profile() {
    local n
    n=$(largest_size)
    if ! perf stat -e task-clock true >/dev/null 2>&1; then
        log "perf is not usable here; skipping the profile"
        return
    fi
    make_corpus "$n"
    make_site "$n"
    rm -rf "$BENCH_WORK/out-guidegen-$n"
    log "perf stat: guidegen at N=$n"
    set_cmds "$n"
    perf stat -e task-clock,context-switches,cpu-migrations,page-faults,cycles,instructions \
        -o "$RESULTS/perf-stat-$n.txt" "${GG[@]}" >/dev/null 2>"$RESULTS/perf-timings-$n.err"
    # A flat profile (self time per symbol; cpu-clock, as VMs often lack hardware counters).
    rm -rf "$BENCH_WORK/out-guidegen-$n"
    perf record -q -e cpu-clock -F 999 -o "$BENCH_WORK/perf.data" "${GG[@]}" >/dev/null 2>&1
    perf report -i "$BENCH_WORK/perf.data" --no-children --sort dso,symbol --stdio 2>/dev/null |
        grep -E '^ +[0-9.]+%' | head -20 | sed -E 's/[ -]+$//' >"$RESULTS/perf-top-$n.txt" || true
    out ""
    out "### perf stat, guidegen build at N=$n"
    out ""
    out '```'
    grep -v '^#' "$RESULTS/perf-stat-$n.txt" | sed '/^$/d' | tee -a "$REPORT"
    grep timings "$RESULTS/perf-timings-$n.err" | tee -a "$REPORT"
    out '```'
    [[ -n "${KEEP_OUTPUT:-}" ]] || rm -rf "$BENCH_WORK/out-guidegen-$n" "$BENCH_WORK/perf.data"
    out ""
    out "Top 20 symbols by self time (perf record -e cpu-clock):"
    out ""
    out '```'
    tee -a "$REPORT" <"$RESULTS/perf-top-$n.txt"
    out '```'
}

# --- one big folder ----------------------------------------------------------------------------
# Many guides in one folder: memory must not grow with the section (each page's navigation) nor
# with the output (pages are written as they are rendered). guidegen alone: Hugo is measured
# beside guidegen at SIZES in `builds`.
ONEFOLDER_PAGES=${ONEFOLDER_PAGES:-50000}
ONEFOLDER_SECTIONS=${ONEFOLDER_SECTIONS:-1}
RUNS_ONEFOLDER=${RUNS_ONEFOLDER:-1}
bench_onefolder() {
    local n=$ONEFOLDER_PAGES sections=$ONEFOLDER_SECTIONS name dir site outdir stamp i tf t0 t1 e m
    name=onefolder-$n-$sections
    dir=$BENCH_WORK/corpus-$name
    site=$BENCH_WORK/site-$name
    outdir=$BENCH_WORK/out-$name
    [[ -f "$MAKE_CORPUS" ]] || die "make_corpus.py not found at $MAKE_CORPUS (set MAKE_CORPUS)"
    stamp="n=$n seed=$SEED sections=$sections $(sha256sum "$MAKE_CORPUS" | cut -c1-16)"
    if [[ ! -f "$dir/.stamp" || "$(cat "$dir/.stamp")" != "$stamp" ]]; then
        log "generating corpus: $n guides in $sections folder(s)"
        rm -rf "$dir"
        python3 "$MAKE_CORPUS" --pages "$n" --sections "$sections" --seed "$SEED" --out "$dir" --peers plain >&2
        echo "$stamp" >"$dir/.stamp"
    fi
    rm -rf "$site"
    mkdir -p "$site"
    cp -r "$SITE_SRC/content" "$site/content"
    for extra in themes static; do
        if [[ -d "$SITE_SRC/$extra" ]]; then cp -r "$SITE_SRC/$extra" "$site/$extra"; fi
    done
    cp -r "$dir/plain" "$site/content/guides/bench"
    out ""
    out "### $n guides in $sections folder(s): guidegen build (output on $(fs_of "$BENCH_WORK"))"
    out ""
    out "| run | wall (s) | peak RSS (MiB) | under 1 GB? | output files | output MB | \`--timings\` |"
    out "|---:|---:|---:|---|---:|---:|---|"
    for ((i = 1; i <= RUNS_ONEFOLDER; i++)); do
        rm -rf "$outdir"
        sync_fs
        wait_quiet
        tf=$(mktemp)
        t0=$EPOCHREALTIME
        if ! /usr/bin/time -f '%e %M' -o "$tf" timeout "$BUILD_TIMEOUT" \
            "$BIN" build --root "$site" --output "$outdir" --today "$TODAY" --timings \
            >"$RESULTS/logs/$name-$i.out" 2>"$RESULTS/logs/$name-$i.err"; then
            tail -5 "$RESULTS/logs/$name-$i.err" >&2
            die "guidegen cannot build $n guides in $sections folder(s); see $RESULTS/logs/$name-$i.err"
        fi
        t1=$EPOCHREALTIME
        read -r e m <"$tf"
        rm -f "$tf"
        out "| $i | $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') | $((m / 1024)) | $( ((m < 1024 * 1024)) && echo yes || echo NO) | $(find "$outdir" -type f | wc -l) | $(du -sm "$outdir" | cut -f1) | $(grep -o 'timings:.*' "$RESULTS/logs/$name-$i.err") |"
    done
    [[ -n "${KEEP_OUTPUT:-}" ]] || rm -rf "$outdir"
}

# --- environment -------------------------------------------------------------------------------
describe_env() {
    out "## guidegen benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    out ""
    out "| | |"
    out "|---|---|"
    out "| CPU | $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) logical cores |"
    out "| memory | $(free -h | awk '/^Mem:/ { print $2 }') |"
    out "| kernel | $(uname -r) |"
    out "| work dir | \`$BENCH_WORK\` ($(fs_of "$BENCH_WORK")) |"
    out "| load average at start | $(cut -d' ' -f1-3 /proc/loadavg) |"
    out "| guidegen | $GG_VERSION |"
    out "| hugo | $(hugo version 2>/dev/null || echo 'not installed') |"
    out "| rustc | $(rustc --version) |"
    out "| hyperfine | $(hyperfine --version 2>/dev/null || echo 'not installed') |"
    out "| corpus | make_corpus.py --seed $SEED --sections $SECTIONS, sizes $SIZES |"
}

main() {
    local what=("$@")
    ((${#what[@]})) || what=(all)
    mkdir -p "$RESULTS/logs"
    : >"$REPORT"
    ensure_tools "${what[@]}"
    build_guidegen
    describe_env
    local w
    for w in "${what[@]}"; do
        case "$w" in
            all) bench_builds; bench_default; bench_serve; bench_profile ;;
            builds) bench_builds ;;
            default) bench_default ;;
            serve) bench_serve ;;
            profile) bench_profile ;;
            onefolder) bench_onefolder ;;
            *) die "unknown part \`$w\` (all, builds, default, serve, profile, onefolder)" ;;
        esac
    done
    out ""
    out "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on this 2-core VM shows up here)."
    log "report: $REPORT"
}

main "$@"
