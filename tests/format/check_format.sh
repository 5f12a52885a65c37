#!/usr/bin/env bash
# Fails when a C++ file under src/ or tests/ is not formatted as .clang-format says, naming
# each file and the first lines that differ. Fix with:
#   clang-format -i $(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h')
set -euo pipefail
cd "$(dirname "$0")/../.."
format=${CLANG_FORMAT:-clang-format}
if ! command -v "$format" >/dev/null; then
  echo "check_format: $format not found (scripts/setup.sh installs it)" >&2
  exit 1
fi
# The check proves it can fail: a badly spaced line must come out changed.
planted='int  x=1;'
if [ "$(printf '%s\n' "$planted" | "$format" --style=file --assume-filename=src/planted.cc)" = "$planted" ]; then
  echo "check_format: self-check failed: $format left '$planted' as it was" >&2
  exit 1
fi
mapfile -t files < <(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h')
if [ ${#files[@]} -eq 0 ]; then
  echo "check_format: no C++ files found: not a checkout?" >&2
  exit 1
fi
bad=0
for f in "${files[@]}"; do
  if ! diff -q "$f" <("$format" --style=file "$f") >/dev/null; then
    echo "not formatted: $f"
    diff "$f" <("$format" --style=file "$f") | head -6 || true
    bad=$((bad + 1))
  fi
done
echo "check_format: ${#files[@]} files checked, $bad not formatted" >&2
[ "$bad" -eq 0 ]
