#!/usr/bin/env bash
# Builds and runs the test suite on a fresh machine: installs what is missing, then
#   dev         debug build: unit, edge (also as an NDEBUG build), example, packaging,
#               specification (Quint, TLC), model-based, property, Relacy, async and
#               benchmark-smoke tests
#   clang-asan  the suite, examples and 60 s of libFuzzer under ASan+UBSan (clang)
#   tsan        the suite and examples under ThreadSanitizer (g++)
# `--full` adds the other compiler of each sanitizer: asan (g++) and clang-tsan.
# Warnings are errors.
# Usage: scripts/test.sh [--full | preset ...]
set -euo pipefail
cd "$(dirname "$0")/.."

presets=()
case "${1:-}" in
  -h | --help)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    exit 0 ;;
  --full) presets=(dev clang-asan tsan asan clang-tsan) ;;
  "") presets=(dev clang-asan tsan) ;;
  *) presets=("$@") ;;
esac

bash scripts/setup.sh all

total_start=$(date +%s)
for preset in "${presets[@]}"; do
  echo "=== ${preset}: configure, build, test"
  start=$(date +%s)
  cmake --preset "${preset}" >/dev/null
  cmake --build --preset "${preset}"
  ctest --preset "${preset}"
  echo "=== ${preset}: passed in $(( $(date +%s) - start )) s"
done
echo "=== all passed (${presets[*]}) in $(( $(date +%s) - total_start )) s"
