#!/usr/bin/env bash
# Runs the cargo-fuzz (libFuzzer) targets of fuzz/ for a bounded time each, one after the other,
# and prints the executions and the result of each. Not part of scripts/test.sh.
#
#   bash scripts/fuzz.sh                   # every target, FUZZ_SECONDS each
#   bash scripts/fuzz.sh markdown serve_path
#   FUZZ_SECONDS=180 bash scripts/fuzz.sh
#
# FUZZ_SECONDS   time per target (default 60)
# FUZZ_TIMEOUT   seconds one input may take before libFuzzer calls it a hang (default 10)
# FUZZ_RSS_MB    memory limit in MB before libFuzzer calls it out-of-memory (default 2048)
# FUZZ_SANITIZER cargo-fuzz's --sanitizer (default none: guidegen has no unsafe code, and
#                AddressSanitizer makes the runs five to ten times slower; `address` turns it on)
#
# Needs the nightly toolchain (`rustup toolchain install nightly`); installs cargo-fuzz when it
# is missing. Corpora grow in fuzz/corpus/TARGET (seeded from fuzz/seeds/ and the site's own
# content; fuzz/dict/TARGET.dict lists tokens of the input's syntax), crashes land in
# fuzz/artifacts/TARGET, each run's output in fuzz/logs/TARGET.log.
# Replay a crash with `cd fuzz && cargo +nightly fuzz run -s none TARGET artifacts/TARGET/crash-…`.
set -euo pipefail
cd "$(dirname "$0")/.."

ALL=(content_yaml front_matter markdown working_days search_tokens serve_path sanitiser check_json)
seconds="${FUZZ_SECONDS:-60}"
timeout="${FUZZ_TIMEOUT:-10}"
rss_mb="${FUZZ_RSS_MB:-2048}"
sanitizer="${FUZZ_SANITIZER:-none}"
# Builds share the machine: one compiler job unless told otherwise.
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"

if [ $# -gt 0 ]; then targets=("$@"); else targets=("${ALL[@]}"); fi
for target in "${targets[@]}"; do
  [ -f "fuzz/fuzz_targets/$target.rs" ] || { echo "no fuzz target \`$target\`; the targets are: ${ALL[*]}" >&2; exit 2; }
done

cargo +nightly --version >/dev/null 2>&1 || { echo "the nightly toolchain is needed: rustup toolchain install nightly" >&2; exit 2; }
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked

# Seeds: the committed ones, and for the content and Markdown targets the real files (a leading
# byte chooses the site and file, or the Markdown options; see each target's comment).
seed() {
  local target=$1 dir=fuzz/corpus/$1
  mkdir -p "$dir"
  [ -d "fuzz/seeds/$target" ] && cp -n fuzz/seeds/"$target"/* "$dir"/ 2>/dev/null || true
  case $target in
    content_yaml)
      local i=0 file
      for file in site subjects conditions materials stages deadlines forms; do
        printf "\\x$(printf %02x $i)" | cat - "tests/fixtures/minimal/content/$file.yaml" >"$dir/small-$file"
        printf "\\x$(printf %02x $((i + 128)))" | cat - "content/$file.yaml" >"$dir/default-$file"
        i=$((i + 1))
      done
      printf '\x07' | cat - content/holidays.yaml >"$dir/small-holidays"
      printf '\x87' | cat - content/holidays.yaml >"$dir/default-holidays"
      printf '\x08' | cat - tests/fixtures/minimal/content/guides/first.md >"$dir/small-guide"
      printf '\x88' | cat - content/guides/getting-started.md >"$dir/default-guide"
      printf '\x89' | cat - content/guides/after/_index.md >"$dir/default-index"
      ;;
    front_matter)
      for file in content/guides/*.md; do cp "$file" "$dir/$(basename "$file")"; done
      ;;
    markdown)
      for file in content/guides/*.md; do printf '\x01' | cat - "$file" >"$dir/$(basename "$file")"; done
      ;;
  esac
}

# content_yaml copies the sites into a folder per process; drop those of processes that ended.
clean_work_folders() {
  local dir pid
  for dir in /dev/shm/guidegen-fuzz-content-* "${TMPDIR:-/tmp}"/guidegen-fuzz-content-*; do
    [ -d "$dir" ] || continue
    pid=${dir##*-}
    kill -0 "$pid" 2>/dev/null || rm -rf "$dir"
  done
}

mkdir -p fuzz/logs
summary=()
failed=0
for target in "${targets[@]}"; do
  seed "$target"
  log="fuzz/logs/$target.log"
  echo "== $target: ${seconds}s"
  # Built first, so that a compile error stops here and the time limit is all fuzzing.
  (cd fuzz && cargo +nightly fuzz build --sanitizer "$sanitizer" "$target")
  # A dictionary of the input's syntax (YAML keys, Markdown, tags) when the target has one.
  dict=()
  [ -f "fuzz/dict/$target.dict" ] && dict=(-dict="dict/$target.dict")
  set +e
  (cd fuzz && cargo +nightly fuzz run --sanitizer "$sanitizer" "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb="$rss_mb" -print_final_stats=1 "${dict[@]}") \
    >"$log" 2>&1
  status=$?
  set -e
  clean_work_folders
  # The log may hold the crashing input's bytes: read it as text (-a), and never stop on no match.
  runs=$(grep -ao 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1 || true)
  speed=$(grep -ao 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1 || true)
  took=$(grep -ao '^Done [0-9]* runs in [0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1 || true)
  corpus=$(ls "fuzz/corpus/$target" | wc -l)
  if [ $status -eq 0 ]; then
    result="ok"
  else
    failed=1
    artifact=$(grep -ao 'Test unit written to [^ ]*' "$log" | tail -n 1 | sed 's/Test unit written to //' || true)
    kind=$(grep -ao -m 1 -E 'panicked at [^:]*:[0-9]+|ERROR: libFuzzer: [a-z-]+' "$log" | head -n 1 || true)
    result="FAILED (${kind:-exit $status}) $artifact"
  fi
  # A crash stops the run early: its time is then unknown, at most the limit.
  line="$target: ${runs:-?} executions in ${took:-<=$seconds}s (${speed:-?}/s), corpus $corpus: $result"
  echo "$line"
  summary+=("$line")
done

echo
echo "== summary (logs in fuzz/logs/)"
printf '%s\n' "${summary[@]}"
exit $failed
