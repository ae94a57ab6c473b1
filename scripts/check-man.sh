#!/bin/sh
# Is docs/celedger.1 what scripts/gen-man.py makes from the current command definitions?
#
#   scripts/check-man.sh [BINARY]      # BINARY: a built celedger (default: .build/debug/celedger)
#
# Exit 0 when the page is current; 1 (with one line on stderr) when it differs, 2 when it cannot be
# generated. Run `scripts/gen-man.py [BINARY]` (or `make man`) to bring the page up to date.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:-$root/.build/debug/celedger}
page=$root/docs/celedger.1

tmp=$(mktemp "${TMPDIR:-/tmp}/celedger.1.XXXXXX") || exit 2
trap 'rm -f "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

if ! python3 "$root/scripts/gen-man.py" "$binary" -o "$tmp"; then
    echo "check-man: could not generate the man page from $binary" >&2
    exit 2
fi
if [ ! -f "$page" ]; then
    echo "check-man: docs/celedger.1 is missing; run scripts/gen-man.py" >&2
    exit 1
fi
if ! cmp -s "$tmp" "$page"; then
    echo "check-man: docs/celedger.1 differs from the command definitions; run scripts/gen-man.py ($(diff "$page" "$tmp" | grep -c '^[<>]') lines differ)" >&2
    exit 1
fi
exit 0
