#!/usr/bin/env bash
# Fails when a Swift file is not as `swift format` (the toolchain's formatter, configured by .swift-format)
# would write it, naming the files; `make format` rewrites them. Keeps lines within the configured length.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! swift format --version >/dev/null 2>&1; then
  echo "check-format: swift format not found in this toolchain, formatting not checked"
  exit 0
fi
bad=0
while IFS= read -r -d '' f; do
  if ! swift format --configuration .swift-format "$f" | cmp -s - "$f"; then
    echo "check-format: $f is not formatted (run make format)" >&2
    bad=1
  fi
done < <(find Sources Tests Package.swift -name '*.swift' -print0)
if [ "$bad" = 0 ]; then echo "check-format: every Swift file is formatted"; fi
exit "$bad"
