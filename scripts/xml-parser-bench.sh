#!/usr/bin/env bash
# Measures the hand-written XML pull parser (Sources/CeledgerSheets/XMLPull.swift) against FoundationXML's
# XMLParser on a generated worksheet part: ROWS rows (default 200,000) of 10 cells, half of them shared
# strings, extracting the same events (cells, references, shared-string indexes). Release build, best of 3.
#   bash scripts/xml-parser-bench.sh [rows]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-200000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$rows" "$work/sheet1.xml" <<'PY'
import sys
rows, path = int(sys.argv[1]), sys.argv[2]
cols = "ABCDEFGHIJ"
with open(path, "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>')
    for r in range(1, rows + 1):
        cells = []
        for i, c in enumerate(cols):
            if i % 2 == 0:
                cells.append(f'<c r="{c}{r}" t="s"><v>{(r * 10 + i) % 5000}</v></c>')
            else:
                cells.append(f'<c r="{c}{r}" s="1"><v>{r * 0.1 + i:.1f}</v></c>')
        f.write(f'<row r="{r}" spans="1:10">' + "".join(cells) + "</row>")
    f.write("</sheetData></worksheet>")
PY
swiftc -O -o "$work/xml-bench" \
    Sources/CeledgerSheets/SheetError.swift Sources/CeledgerSheets/XMLPull.swift scripts/xml-bench/main.swift
"$work/xml-bench" "$work/sheet1.xml"
echo "machine: $(nproc) cores, $(uname -m), $(swift --version 2>/dev/null | head -1)"
