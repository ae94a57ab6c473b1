#!/usr/bin/env python3
"""Writes the celedger(1) man page from the command definitions.

    scripts/gen-man.py [BINARY] [-o FILE]

BINARY is a built celedger (default: .build/debug/celedger in the source tree). The commands, their
usage, abstracts, discussions, arguments, options and flags (value names, defaults, allowed values) come
from `celedger --experimental-dump-help`, swift-argument-parser's JSON dump of the command tree; the
version from `celedger --version`. ENVIRONMENT, FILES, EXIT STATUS and SEE ALSO are written here, from
Sources/ and docs/cli.md. The output depends only on the binary: no dates, no clock, no locale.

FILE defaults to docs/celedger.1; `-o -` writes to standard output. Standard library only.
"""

import argparse
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---------------------------------------------------------------------------------------------------
# roff


def esc(text):
    """Text for a roff text line (no line breaks): backslashes and every hyphen escaped, so that option
    names, values and paths render (and copy) as ASCII hyphen-minus."""
    return text.replace("\\", "\\e").replace("-", "\\-")


def line(text):
    """One input line of filled text: escaped, with a leading '.' or "'" (a control character) guarded."""
    out = esc(text.strip())
    if out.startswith((".", "'")):
        out = "\\&" + out
    return out


def arg(text):
    """A macro argument, quoted."""
    return '"' + esc(text).replace('"', "\\(dq") + '"'


def bold(text):
    return "\\fB" + esc(text) + "\\fR"


def ital(text):
    return "\\fI" + esc(text) + "\\fR"


def paragraphs(text):
    """roff lines for a help text (abstract or discussion): blank lines separate paragraphs; a paragraph
    whose every line is indented is kept as it is (an example), the others are filled."""
    out = []
    for para in re.split(r"\n[ \t]*\n", text.strip("\n")):
        lines = para.split("\n")
        if not para.strip():
            continue
        if out:
            out.append(".PP")
        if all(l[:1] in (" ", "\t") for l in lines if l.strip()):
            out += [".RS 4", ".nf"]
            out += ["\\&" + esc(l.rstrip()) for l in lines]
            out += [".fi", ".RE"]
        else:
            out += [line(l) for l in lines if l.strip()]
    return out


# ---------------------------------------------------------------------------------------------------
# the dump


def run(binary, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELEDGER_", "LC_"))}
    env.update(LC_ALL="C.UTF-8", LANG="C.UTF-8")
    p = subprocess.run([binary, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=120)
    if p.returncode != 0:
        sys.exit("gen-man: %s %s failed (exit %d): %s"
                 % (binary, " ".join(args), p.returncode, p.stderr.decode("utf-8", "replace").strip()))
    return p.stdout.decode("utf-8")


def key(a):
    """What makes two arguments the same argument (for finding the global options)."""
    return (a["kind"], json.dumps(a.get("names"), sort_keys=True), a.get("valueName"), a.get("abstract"))


def shown(items):
    return [x for x in items or [] if x.get("shouldDisplay", True)]


def walk(command, path=()):
    """(path, command) for the command and every command below it, depth first, in the dump's order."""
    path = path + (command["commandName"],)
    yield path, command
    for sub in shown(command.get("subcommands")):
        yield from walk(sub, path)


def names(a, sep=", "):
    """-o, --output"""
    parts = []
    for n in a.get("names") or []:
        dash = {"long": "--", "short": "-", "longWithSingleDash": "-"}[n["kind"]]
        parts.append(bold(dash + n["name"]))
    return sep.join(parts)


def preferred(a):
    n = a.get("preferredName") or (a.get("names") or [{"kind": "long", "name": a.get("valueName", "")}])[0]
    return {"long": "--", "short": "-", "longWithSingleDash": "-"}[n["kind"]] + n["name"]


def usage_term(a):
    """One argument as the usage line shows it, the way argument-parser writes it:
    [--year <year>], --from <from>, <file>, [<record> ...], [--dry-run]."""
    value = a.get("valueName") or "value"
    if a["kind"] == "positional":
        term = ital(value)
        if a.get("isRepeating"):
            term += "\\ ..."
        optional = a.get("isOptional")
    else:
        term = bold(preferred(a))
        if a["kind"] == "option":
            term += "\\ " + ital(value)
        if a.get("isRepeating"):
            term += "\\ ..."
        optional = a.get("isOptional") or a["kind"] == "flag"
    return "[" + term + "]" if optional else term


def describe(a):
    """The text under an argument's tag: abstract, discussion, allowed values, default, required."""
    out = []
    if a.get("abstract"):
        out += paragraphs(a["abstract"])
    if a.get("discussion"):
        out += [".IP"] + paragraphs(a["discussion"])
    facts = []
    values = a.get("allValues")
    descriptions = a.get("allValueDescriptions") or {}
    if values and not descriptions:
        facts.append("Values: " + ", ".join(bold(v) for v in values) + ".")
    if a.get("defaultValue") is not None and a["kind"] != "flag":
        facts.append("Default: " + bold(a["defaultValue"]) + ".")
    if a["kind"] == "option" and not a.get("isOptional"):
        facts.append("Required.")
    if a.get("isRepeating"):
        facts.append("May be given more than once.")
    if facts:
        out += [".br", " ".join(facts)] if out else [" ".join(facts)]
    if values and descriptions:
        out += [".RS", "Values:"]
        for v in values:
            out += [".TP", bold(v)] + paragraphs(descriptions.get(v, ""))
        out.append(".RE")
    if not out:
        out.append("\\&")
    return out


def tag(a):
    if a["kind"] == "positional":
        return ital(a.get("valueName") or "value") + ("\\ ..." if a.get("isRepeating") else "")
    t = names(a)
    if a["kind"] == "option":
        t += " " + ital(a.get("valueName") or "value")
    return t


def arguments_list(args):
    out = []
    for a in args:
        out += [".TP", tag(a)] + describe(a)
    return out


# ---------------------------------------------------------------------------------------------------
# the page


def page(dump, version):
    root = dump["command"]
    tool = root["commandName"]
    builtin = {key(a) for a in shown(root.get("arguments"))}          # --version, --help

    commands = list(walk(root))[1:]
    leaves = [(p, c) for p, c in commands if not shown(c.get("subcommands")) and p[-1] != "help"]
    # The options every command takes (an @OptionGroup in each): listed once, as global options.
    common = None
    for _, c in leaves:
        ks = {key(a) for a in shown(c.get("arguments"))}
        common = ks if common is None else common & ks
    common = (common or set()) - builtin
    first = shown(leaves[0][1].get("arguments")) if leaves else []
    globals_ = [a for a in first if key(a) in common]
    global_usage = " ".join(usage_term(a) for a in globals_)

    def own(c):
        return [a for a in shown(c.get("arguments")) if key(a) not in common and key(a) not in builtin]

    def usage(path, c):
        words = " ".join(esc(w) for w in path[1:])
        terms = []
        if globals_ and any(key(a) in common for a in shown(c.get("arguments"))):
            terms.append("[" + ital("global options") + "]")
        if shown(c.get("subcommands")):
            terms.append(ital("command"))
        terms += [usage_term(a) for a in own(c)]
        return [".SY " + arg(" ".join(path)), " ".join(terms) if terms else "\\&", ".YS"]

    out = [
        '.\\" -*- coding: UTF-8 -*-',
        '.\\" Generated by scripts/gen-man.py from `%s --experimental-dump-help`; do not edit.' % tool,
        '.\\" Regenerate with scripts/gen-man.py; scripts/check-man.sh tells whether it is current.',
        ".TH %s 1 \"\" %s \"User Commands\"" % (tool.upper(), arg("%s %s" % (tool, version) if version else tool)),
        '.\\" No hyphenation (option names and paths must stay whole; .YS restores \\n[HY]), ragged right.',
        ".nr HY 0",
        ".nh",
        ".ad l",
        ".SH NAME",
        "%s \\- %s" % (esc(tool), esc((root.get("abstract") or "").strip().rstrip("."))),
    ]

    # SYNOPSIS
    default = root.get("defaultSubcommand")
    out.append(".SH SYNOPSIS")
    if default:
        d = next((c for p, c in commands if len(p) == 2 and p[1] == default), None)
        terms = [global_usage, "[" + bold(default) + "]"] + ([usage_term(a) for a in own(d)] if d else [])
        out += [".SY " + arg(tool), " ".join(t for t in terms if t), ".YS"]
    out += [".SY " + arg(tool), " ".join(t for t in [global_usage, ital("command"), "[" + ital("options") + "]",
                                                    "[" + ital("arguments") + "]"] if t), ".YS"]
    out += [".SY " + arg(tool), " | ".join(bold(preferred(a)) for a in shown(root.get("arguments"))), ".YS"]

    # DESCRIPTION
    out.append(".SH DESCRIPTION")
    out += paragraphs((root.get("abstract") or "").strip())
    if root.get("discussion"):
        out += [".PP"] + paragraphs(root["discussion"])
    top = [c for p, c in commands if len(p) == 2]
    out += [".PP", "Commands: " + ", ".join(bold(c["commandName"]) for c in top) + "; each is described under",
            ".B COMMANDS", "below."]

    # GLOBAL OPTIONS
    out.append(".SH GLOBAL OPTIONS")
    out += [line("Every command takes these options. They may come before the command or after it:"),
            "\\fB%s \\-\\-db\\fR \\fIfile\\fR \\fBreport annual\\fR and \\fB%s report annual \\-\\-db\\fR \\fIfile\\fR"
            % (esc(tool), esc(tool)), "are the same; so are \\fB\\-\\-db=\\fR\\fIfile\\fR and \\fB\\-\\-lang=en\\fR."]
    out += arguments_list(globals_ + shown(root.get("arguments")))

    # COMMANDS
    out.append(".SH COMMANDS")
    for path, c in commands:
        title = " ".join(path)
        if path[-1] == default and len(path) == 2:
            title += " (default)"
        out.append(".SS " + arg(title))
        out += usage(path, c)
        if c.get("abstract"):
            out += [".PP"] + paragraphs(c["abstract"])
        if c.get("discussion"):
            out += [".PP"] + paragraphs(c["discussion"])
        subs = shown(c.get("subcommands"))
        if subs:
            out += [".PP", "Commands: " + ", ".join(bold(" ".join(path[1:] + (s["commandName"],))) for s in subs) + "."]
        args = own(c)
        if args:
            out += arguments_list(args)

    out += STATIC
    return "\n".join(out) + "\n"


# Written from Sources/ (Context.swift, Ledger.swift, DataFolder.swift, Lang.swift, CardCommand.swift,
# CardPrinting.swift, CursesTerminal.swift) and docs/cli.md; keep them in step with the code.
STATIC = r"""
.SH ENVIRONMENT
.TP
.B CELEDGER_DB
The ledger file when \fB\-\-db\fR is not given (ignored when empty).
.TP
.B XDG_DATA_HOME
The default ledger is \fI$XDG_DATA_HOME/celedger/ledger.sqlite\fR when
\fBXDG_DATA_HOME\fR is an absolute path; a relative one is ignored, as the XDG
specification says.
.TP
.B HOME
Without \fBXDG_DATA_HOME\fR the default ledger is
\fI$HOME/.local/share/celedger/ledger.sqlite\fR; the terminal UI's record cards go to
\fI$HOME/celedger\-cards\fR.
.TP
.B CELEDGER_DATA
The data folder: rule sets (\fIrules/*.json\fR), the pinyin table, demo pools and templates.
Used when it holds a \fIrules/\fR folder. Otherwise celedger looks in
\fI../share/celedger\fR beside the binary (an installed copy), then for a \fIdata/\fR folder in
the folders above the binary (a source checkout), then \fI./data\fR. If none is found, commands that need
it stop with exit status 3.
.TP
.B CELEDGER_ISSUER
The issuing unit printed on record cards (\fBcard\fR, and \fBp\fR in the terminal UI) when
\fB\-\-issuer\fR is not given; without it, the person's unit.
.TP
.B CELEDGER_CARD_DIR
Where \fBp\fR in the terminal UI writes record cards (default \fI~/celedger\-cards\fR, created with
mode 0700; each card file 0600). Ignored when empty.
.TP
.BR LC_ALL ", " LC_MESSAGES ", " LANG
The language of messages and of the terminal UI when \fB\-\-lang\fR is not given: the first
non\-empty one of them decides. A value starting with \fBzh\fR (e.g. \fBzh_CN.UTF\-8\fR) gives
Chinese, one starting with \fBen\fR (e.g. \fBen_US.UTF\-8\fR) gives English; any other value
(\fBC\fR, \fBPOSIX\fR, \fBC.UTF\-8\fR) or none gives Chinese, the default. The terminal UI also
needs a UTF\-8 character set: when the locale's is not, it uses \fBC.UTF\-8\fR or
\fBen_US.UTF\-8\fR if available, else it stops.
.TP
.B TERM
The terminal type; the terminal UI stops with exit status 2 when it is unset or unknown.
.SH FILES
.TP
.I $XDG_DATA_HOME/celedger/ledger.sqlite
The default ledger (\fI~/.local/share/celedger/ledger.sqlite\fR without
\fBXDG_DATA_HOME\fR): one SQLite file in WAL mode, with \fI\-wal\fR and \fI\-shm\fR files
beside it. Created on first use by a command that writes, with mode 0600; missing parent folders
with mode 0700.
.TP
.I LEDGER.backup\-vN\-<UTC time>.sqlite
A copy of the ledger made before a schema migration (\fIvN\fR is the schema it had).
.TP
.I LEDGER.before\-restore\-<UTC time>.sqlite
The ledger as it was before \fBrestore\fR.
.TP
.I data/rules/
The shipped rule sets (\fI*.json\fR): thresholds, conversions and caps, each number with its
source. A ledger's own rule sets are kept in the ledger (\fBrules add\fR).
.TP
.I data/templates/
Empty import templates with Chinese headers (\fIpersons.csv\fR, \fIrecords.csv\fR,
\fIclass.csv\fR); \fBtemplate\fR writes them too, also as XLSX.
.TP
.I data/pinyin/initials.tsv
The pinyin table behind search by initials in the terminal UI.
.TP
.I data/demo/
The pools \fBdemo\fR draws names, regions, units and activities from.
.TP
.I ~/celedger\-cards/
Record cards written by \fBp\fR in the terminal UI (see \fBCELEDGER_CARD_DIR\fR).
.SH EXIT STATUS
.TP
.B 0
Success (also: an import whose only findings were duplicates, or with \fB\-\-skip\-invalid\fR).
.TP
.B 1
Bad input: bad rows or a bad header in an import file, an input file that cannot be opened or is a
directory, a file that is neither UTF\-8 nor GB18030 text, a workbook that cannot be read, an output
file (\fB\-o\fR) that cannot be written, an XLSX export of more rows than a sheet holds, \fBdemo\fR
into a ledger that already has persons; \fBcheck\fR and \fBrules check\fR finding an error.
.TP
.B 2
Usage: a bad option, value or argument (the argument parser's message and the usage line are
printed); the terminal UI started without a terminal; \fB\-\-format xlsx\fR without \fB\-o\fR.
.TP
.B 3
Ledger problems: not a ledger, corrupt, a directory, cannot be created, locked by another process
for more than 5 seconds, read\-only, disk full; the data folder or a rule file is missing or bad.
.TP
.B 128+\fIn\fP
The terminal UI ended by signal \fIn\fR.
.PP
Every error is one line on standard error that starts with \(lq\fBceledger:\fR\(rq, in the
language of messages (see \fB\-\-lang\fR).
.SH SEE ALSO
.BR sqlite3 (1)
.PP
In the source tree: \fIdocs/cli.md\fR (the command\-line reference: CSV columns, JSON shapes,
exit statuses), \fIdocs/user\-guide.zh.md\fR and \fIdocs/user\-guide.en.md\fR (the terminal UI),
\fIdocs/rules.md\fR (how annual totals are computed, rule files), \fIdocs/reliability.md\fR.
""".strip("\n").split("\n")


def main():
    ap = argparse.ArgumentParser(description="Write the celedger(1) man page from --experimental-dump-help.")
    ap.add_argument("binary", nargs="?", default=os.path.join(ROOT, ".build", "debug", "celedger"),
                    help="the celedger binary (default: .build/debug/celedger)")
    ap.add_argument("-o", "--output", default=os.path.join(ROOT, "docs", "celedger.1"),
                    help="where to write the page (default: docs/celedger.1; - for standard output)")
    opts = ap.parse_args()
    if not os.access(opts.binary, os.X_OK):
        sys.exit("gen-man: no celedger binary at %s (build it first)" % opts.binary)

    try:
        dump = json.loads(run(opts.binary, "--experimental-dump-help"))
    except json.JSONDecodeError as e:
        sys.exit("gen-man: --experimental-dump-help did not give JSON: %s" % e)
    if dump.get("serializationVersion") != 0:
        sys.exit("gen-man: unknown dump format (serializationVersion %r)" % dump.get("serializationVersion"))
    version = run(opts.binary, "--version").strip()

    text = page(dump, version)
    if opts.output == "-":
        sys.stdout.buffer.write(text.encode("utf-8"))
    else:
        tmp = opts.output + ".tmp"
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, opts.output)


if __name__ == "__main__":
    main()
