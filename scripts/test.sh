#!/usr/bin/env bash
# Builds and runs the whole test suite on a fresh machine: installs what is missing, then
# the debug build (unit, example, packaging, spec and benchmark-smoke tests), then the test
# suite again under ASan+UBSan and TSan with g++ and clang. Warnings are errors.
# Usage: scripts/test.sh [preset ...]   (default: dev asan tsan clang-asan clang-tsan)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh all

presets=("$@")
((${#presets[@]})) || presets=(dev asan tsan clang-asan clang-tsan)

for preset in "${presets[@]}"; do
  echo "=== ${preset}: configure, build, test"
  start=$(date +%s)
  cmake --preset "${preset}" >/dev/null
  cmake --build --preset "${preset}"
  ctest --preset "${preset}"
  echo "=== ${preset}: passed in $(( $(date +%s) - start )) s"
done
