#!/usr/bin/env python3
"""Checks that every code name the architecture notes mention still exists.

docs/architecture.md explains why the code is shaped as it is; a note that names a type, a function or a
table that was renamed or removed misleads the next reader. Every `backticked` name in the notes must be
found in Sources/ or Tests/ (or, for a path, exist in the repository). Plain words in backticks (commands, shell
snippets, values) are skipped: only names that look like code are checked.

Usage: scripts/check-doc-names.py [docs/architecture.md ...]; exits 1 and lists what is missing.
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


CODE = ("Sources", "Tests")


def source_words():
    """Every identifier in the code, and every code file's name."""
    words, names = set(), set()
    for top in CODE:
        for base, _, files in os.walk(os.path.join(ROOT, top)):
            for f in files:
                if f.endswith((".swift", ".h", ".modulemap")):
                    names.add(f)
                    with open(os.path.join(base, f), encoding="utf-8") as fh:
                        words.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", fh.read()))
    return words, names


def names_in(span):
    """The identifiers a backticked span asks for, or None when it is no code name."""
    s = span.strip()
    if not s or " " in s.strip("()") and not re.match(r"^[\w.]+\(.*\)$", s):
        return None  # a phrase, a command line
    if s.startswith(("../", "~/", "/")):
        return None  # a place on the machine, not in the repository
    if re.fullmatch(r"[\w.+-]+\.swift", s):
        return ("file", s)
    if "/" in s:
        return ("path", s.rstrip("/"))
    if s.startswith(("-", "$", ".", "celedger ", "make", "PRAGMA")) or re.search(r"[=<>\"'\\]", s):
        return None
    # A call with labels: `evaluate(year:items:rules:)` asks for `evaluate`; `A.b` for both.
    head = re.sub(r"\(.*\)$", "", s)
    parts = [p for p in head.split(".") if p]
    if not parts or not all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", p) for p in parts):
        return None
    looks_like_code = any(re.search(r"[A-Z].*[a-z]|[a-z][A-Z]|_", p) for p in parts) or "(" in s or len(parts) > 1
    return ("words", parts) if looks_like_code else None


def main(argv):
    docs = argv[1:] or [os.path.join(ROOT, "docs/architecture.md")]
    words, names = source_words()
    missing = []
    for doc in docs:
        with open(doc, encoding="utf-8") as fh:
            text = fh.read()
        text = re.sub(r"```.*?```", "", text, flags=re.S)  # diagrams and examples
        for span in re.findall(r"`([^`\n]+)`", text):
            found = names_in(span)
            if found is None:
                continue
            kind, value = found
            if kind == "file":
                if value not in names:
                    missing.append((doc, span))
            elif kind == "path":
                if not glob.glob(os.path.join(ROOT, value)):
                    missing.append((doc, span))
            elif not all(p in words for p in value):
                missing.append((doc, span))
    for doc, span in missing:
        print(f"{os.path.relpath(doc, ROOT)}: `{span}` names nothing in Sources/ or Tests/", file=sys.stderr)
    if missing:
        return 1
    print(f"check-doc-names: every code name in {', '.join(os.path.relpath(d, ROOT) for d in docs)} exists")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
