#!/usr/bin/env bash
# Installs what the tests need when it is missing (Debian packages), then runs every test.
# Safe to run again: installed tools are detected and skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
# tests/durability.rs reads a build's system calls to see that the output is flushed before the swap.
command -v strace >/dev/null 2>&1 || missing+=(strace)
# Without a CJK font Chromium prints Chinese as empty boxes, and the PDF tests could not read it.
if ! (command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q .); then missing+=(fonts-noto-cjk); fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# axe-core (accessibility rules injected into pages by tests/accessibility.rs), pinned in package-lock.json.
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  command -v npm >/dev/null 2>&1 || { echo "npm is needed for axe-core; install Node.js" >&2; exit 1; }
  npm ci --no-audit --no-fund
fi

# Chromium leaves small profile folders behind; keep them inside target/.
mkdir -p target/tmp
export TMPDIR="$PWD/target/tmp"

cargo build --release --locked
cargo test --locked --all-targets

# The browser scripts' pure logic, under Node (the same expectations as the Rust tests).
node --test tests/js/
