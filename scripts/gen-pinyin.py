#!/usr/bin/env python3
"""Regenerate data/pinyin/initials.tsv and readings.tsv from the Unicode Unihan database.

The table maps every CJK unified ideograph in U+4E00..U+9FFF and
U+3400..U+4DBF that has a Mandarin reading to the set of distinct first
letters (a-z) of its readings, so that typing "zs" finds 张三 and "oymh"
finds 欧阳明辉.  Output, UTF-8, sorted by code point:

    # <one comment line: source, licence, generator>
    <char>\\t<letters>[\\t<surname letters>]

The letter of the most common reading comes first (kMandarin's first value,
then kHanyuPinlu by frequency, then the dictionary readings), e.g.
``单\\tdcs`` (dān, chán, shàn), ``解\\tjx``.  Characters with a surname
reading of their own (SURNAME_READINGS) carry a third column with its letters,
used when the character starts a name: ``曾\\tcz\\tz`` (céng; the surname zēng).

readings.tsv (the persons list's order by name) gives each character's most
common reading, toneless letters (ü as v) then its tone as a digit (1-4, 5 for
the neutral tone), and a surname reading where the character reads otherwise
as a surname (SORT_SURNAMES)::

    <char>\\t<reading>[\\t<surname reading>]        e.g.  单\\tdan1\\tshan4
    <compound surname>\\t<reading> <reading>        e.g.  尉迟\\tyu4 chi2

Source
------
Unihan_Readings.txt from the Unicode Character Database.  Any of these forms
may be given on the command line:

* Debian/Ubuntu: ``apt-get update && apt-get install -y unicode-data``, then
  pass ``/usr/share/unicode/Unihan_Readings.txt.bz2`` (read directly, no need
  to decompress);
* Unihan.zip from https://www.unicode.org/Public/<version>/ucd/Unihan.zip
  (the zip is read directly);
* an already extracted Unihan_Readings.txt.

Fields used: kMandarin, kHanyuPinlu, kTGHZ2013 (通用规范汉字字典),
kXHC1983 (现代汉语词典) and, by default only for characters that have no
reading in those two modern dictionaries, kHanyuPinyin (汉语大字典, which
also lists many classical readings; see --hanyu-pinyin).  A short explicit
list of surname readings (SURNAME_READINGS below) is merged in last so that
polyphonic surnames are always findable whatever the Unihan version.

Licence: the Unihan data is © Unicode, Inc., distributed under the Unicode
licence (data/pinyin/LICENSE-UNICODE.txt); initials.tsv is a modified
(derived) form of it.

Usage::

    python3 scripts/gen-pinyin.py /usr/share/unicode/Unihan_Readings.txt.bz2
    python3 scripts/gen-pinyin.py Unihan.zip -o data/pinyin/initials.tsv

Standard library only.
"""

import argparse
import bz2
import io
import os
import re
import sys
import unicodedata
import zipfile

RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF))

MODERN_FIELDS = ("kTGHZ2013", "kXHC1983")
FIELDS = ("kMandarin", "kHanyuPinlu") + MODERN_FIELDS + ("kHanyuPinyin",)

# Surname readings (姓氏读音).  Merged after the Unihan readings, so they add a
# letter when the source lacks it but never change which letter comes first.
# Most are already in kXHC1983/kTGHZ2013; they are listed so the table keeps
# them whatever the source version or field selection.  Traditional forms are
# included where they differ.
SURNAME_READINGS = {
    "单": ["shàn"], "單": ["shàn"],
    "曾": ["zēng"],
    "解": ["xiè"],
    "仇": ["qiú"],
    "区": ["ōu"], "區": ["ōu"],
    "朴": ["piáo"],
    "查": ["zhā"],
    "翟": ["zhái"],
    "尉": ["yù"],          # also 尉迟 yùchí
    "乐": ["yuè"], "樂": ["yuè"],
    "覃": ["qín"],
    "繁": ["pó"],
    "长": ["cháng", "zhǎng"], "長": ["cháng", "zhǎng"],
    "重": ["chóng"],
    "盖": ["gě"], "蓋": ["gě"],
    "缪": ["miào"], "繆": ["miào"],
    "种": ["chóng"], "種": ["chóng"],
    "员": ["yùn"], "員": ["yùn"],
    "华": ["huà"], "華": ["huà"],
    "车": ["chē"], "車": ["chē"],
    "召": ["shào"],
    "洗": ["xiǎn"],
    "句": ["gōu"],
    "秘": ["bì"],
    # characters of compound surnames and a few rarer surnames
    "万": ["mò"],          # 万俟 mòqí
    "俟": ["qí"],
    "澹": ["tán"],         # 澹台 tántái
    "台": ["tái"],
    "令": ["líng"],        # 令狐 línghú
    "阚": ["kàn"],
    "那": ["nā"],
    "燕": ["yān"],
    "隗": ["wěi"],
    "祭": ["zhài"],
    "沈": ["shěn"],
    "粘": ["nián"],
}

# Surname readings for the order by name (姓氏读音, 现代汉语词典 "姓" senses):
# a single character that starts a name reads so.  Unlike SURNAME_READINGS
# (which only adds search letters, so may list a compound surname's character
# such as 万 mò), each entry here *replaces* the common reading of a name's
# first character, so it lists only readings that character has as a surname
# on its own: 万 stays wàn, 尉 stays wèi (尉迟 is a compound below).
SORT_SURNAMES = {
    "单": "shàn", "單": "shàn", "曾": "zēng", "解": "xiè", "仇": "qiú",
    "区": "ōu", "區": "ōu", "朴": "piáo", "樸": "piáo", "查": "zhā",
    "翟": "zhái", "乐": "yuè", "樂": "yuè", "覃": "qín", "繁": "pó",
    "盖": "gě", "蓋": "gě", "缪": "miào", "繆": "miào", "员": "yùn",
    "員": "yùn", "华": "huà", "華": "huà", "召": "shào", "洗": "xiǎn",
    "句": "gōu", "秘": "bì", "那": "nā", "燕": "yān", "祭": "zhài",
    "粘": "nián", "种": "chóng", "種": "chóng", "重": "chóng",
    "长": "cháng", "長": "cháng", "阚": "kàn", "闞": "kàn", "隗": "wěi",
    "任": "rén", "肖": "xiāo", "纪": "jǐ", "紀": "jǐ", "过": "guō",
    "過": "guō", "都": "dū", "蔚": "yù", "折": "shé", "黑": "hè",
}

# Compound surnames (复姓) whose reading is not their characters' common
# readings (尉 wèi, but 尉迟 yùchí).  Used only for a name of three or more
# characters: 单于 alone is the surname 单 and the given name 于.
SORT_COMPOUNDS = {
    "尉迟": "yù chí", "万俟": "mò qí", "单于": "chán yú", "澹台": "tán tái",
    "令狐": "líng hú", "长孙": "zhǎng sūn", "乐正": "yuè zhèng",
    "尉遲": "yù chí", "單于": "chán yú", "長孫": "zhǎng sūn", "樂正": "yuè zhèng",
}

TONES = {"\u0304": "1", "\u0301": "2", "\u030c": "3", "\u0300": "4"}

READINGS_HEADER = (
    "# most common Mandarin reading per CJK ideograph (U+3400..U+4DBF, U+4E00..U+9FFF), "
    "letters then tone (5: neutral; v: u with umlaut), and surname readings; derived (modified) "
    "from Unicode Unihan {version} Unihan_Readings.txt ({fields}); "
    "Copyright (c) 1991-{year} Unicode, Inc., Unicode License "
    "(see data/pinyin/LICENSE-UNICODE.txt); generated by scripts/gen-pinyin.py"
)

HEADER = (
    "# pinyin initials per CJK ideograph (U+3400..U+4DBF, U+4E00..U+9FFF); "
    "derived (modified) from Unicode Unihan {version} Unihan_Readings.txt "
    "(fields {fields}) plus surname readings; "
    "Copyright (c) 1991-{year} Unicode, Inc., Unicode License "
    "(see data/pinyin/LICENSE-UNICODE.txt); generated by scripts/gen-pinyin.py"
)

TOKEN_COUNT = re.compile(r"\((\d+)\)$")


def open_source(path):
    """Return a text stream over Unihan_Readings.txt (plain, .bz2 or zip)."""
    if zipfile.is_zipfile(path):
        zf = zipfile.ZipFile(path)
        names = [n for n in zf.namelist()
                 if os.path.basename(n) == "Unihan_Readings.txt"]
        if not names:
            sys.exit("%s: no Unihan_Readings.txt inside the zip" % path)
        return io.TextIOWrapper(zf.open(names[0]), encoding="utf-8")
    with open(path, "rb") as f:
        magic = f.read(3)
    if magic == b"BZh":
        return bz2.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def split_readings(field, value):
    """Readings of one Unihan field value, in source order.

    kMandarin:    "zhǎng"  or  "shěn chén"
    kHanyuPinlu:  "zhǎng(1879) cháng(1179)"   -> sorted by count, high first
    kHanyuPinyin: "63925.100:jiě,jiè,xiè 10019.020:tiàn"
    kXHC1983 / kTGHZ2013: "0389.040,0389.071:gōu 0392.051:gòu"
    """
    out = []
    counted = []
    for tok in value.split():
        if ":" in tok:
            tok = tok.rsplit(":", 1)[1]
        for r in tok.split(","):
            m = TOKEN_COUNT.search(r)
            if m:
                counted.append((-int(m.group(1)), len(counted), r[:m.start()]))
            elif r:
                out.append(r)
    if counted:
        out = [r for _, _, r in sorted(counted)] + out
    return out


def first_letter(reading):
    """'zhǎng' -> 'z', 'ḿ' -> 'm', 'ê̄' -> 'e'; None if not a-z."""
    base = unicodedata.normalize("NFD", reading.strip())
    if not base:
        return None
    c = base[0].lower()
    return c if "a" <= c <= "z" else None


def numbered(reading):
    """'zhǎng' -> 'zhang3', 'lǜ' -> 'lv4', 'ma' -> 'ma5', 'ḿ' -> 'm2'; None if not pinyin."""
    base = unicodedata.normalize("NFD", reading.strip().lower())
    letters, tone = [], "5"
    for c in base:
        if c in TONES:
            tone = TONES[c]
        elif c == "\u0308":            # diaeresis: ü is written v
            if letters and letters[-1] == "u":
                letters[-1] = "v"
        elif "a" <= c <= "z":
            letters.append(c)
        elif unicodedata.combining(c):
            continue                   # ê's circumflex and the like
        else:
            return None
    return "".join(letters) + tone if letters else None


def common_reading(fields):
    """The character's most common reading: kMandarin's first, else the most
    frequent kHanyuPinlu one, else the first dictionary reading."""
    for k in ("kMandarin", "kHanyuPinlu", "kTGHZ2013", "kXHC1983", "kHanyuPinyin"):
        for r in fields.get(k, ()):
            n = numbered(r)
            if n:
                return n
    return None


def in_range(cp):
    return any(lo <= cp <= hi for lo, hi in RANGES)


def build(source, hanyu_pinyin="fallback"):
    readings = {}   # cp -> {field: [readings]}
    version, year = "?", "2022"
    with open_source(source) as f:
        for line in f:
            if line.startswith("#"):
                m = re.match(r"#\s*Unicode version:\s*(\S+)", line)
                if m:
                    version = m.group(1)
                m = re.match(r"#\s*Date:\s*(\d{4})", line)
                if m:
                    year = m.group(1)
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or parts[1] not in FIELDS:
                continue
            cp = int(parts[0][2:], 16)
            if not in_range(cp):
                continue
            readings.setdefault(cp, {})[parts[1]] = split_readings(parts[1], parts[2])

    for ch, rs in SURNAME_READINGS.items():
        readings.setdefault(ord(ch), {})["surname"] = rs

    table = {}
    for cp, fields in readings.items():
        order = ["kMandarin", "kHanyuPinlu", "kTGHZ2013", "kXHC1983"]
        has_modern = any(fields.get(k) for k in MODERN_FIELDS)
        if hanyu_pinyin == "all" or (hanyu_pinyin == "fallback" and not has_modern):
            order.append("kHanyuPinyin")
        order.append("surname")
        letters = []
        for k in order:
            for r in fields.get(k, ()):
                c = first_letter(r)
                if c and c not in letters:
                    letters.append(c)
        if letters:
            surname = []
            for r in SURNAME_READINGS.get(chr(cp), ()):
                c = first_letter(r)
                if c and c not in surname:
                    surname.append(c)
            table[cp] = ("".join(letters), "".join(surname))

    used = ["kMandarin", "kHanyuPinlu", "kTGHZ2013", "kXHC1983"]
    if hanyu_pinyin == "all":
        used.append("kHanyuPinyin")
    elif hanyu_pinyin == "fallback":
        used.append("kHanyuPinyin as fallback")
    header = HEADER.format(version=version, year=year, fields=", ".join(used))

    readings_table = {}
    for cp, fields in readings.items():
        common = common_reading(fields)
        if common:
            surname = SORT_SURNAMES.get(chr(cp))
            surname = numbered(surname) if surname else None
            readings_table[chr(cp)] = (common, surname if surname != common else None)
    for name, rs in SORT_COMPOUNDS.items():
        readings_table[name] = (" ".join(numbered(r) for r in rs.split()), None)
    readings_header = READINGS_HEADER.format(
        version=version, year=year,
        fields="kMandarin, kHanyuPinlu, kTGHZ2013, kXHC1983, kHanyuPinyin, first that has one")
    return header, table, readings_header, readings_table


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Regenerate data/pinyin/initials.tsv from Unihan.")
    ap.add_argument("source", help="Unihan_Readings.txt, its .bz2, or Unihan.zip")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("-o", "--output",
                    default=os.path.join(here, "..", "data", "pinyin", "initials.tsv"),
                    help="output file (default: data/pinyin/initials.tsv)")
    ap.add_argument("--hanyu-pinyin", choices=("fallback", "all", "none"),
                    default="fallback",
                    help="use kHanyuPinyin readings only for characters lacking "
                         "kTGHZ2013/kXHC1983 readings (default), always, or never")
    ap.add_argument("--readings",
                    default=os.path.join(here, "..", "data", "pinyin", "readings.tsv"),
                    help="where the full readings go (default: data/pinyin/readings.tsv)")
    args = ap.parse_args(argv)

    header, table, readings_header, readings_table = build(args.source, args.hanyu_pinyin)
    if not table:
        sys.exit("no readings found in %s" % args.source)
    out = os.path.normpath(args.output)
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(header + "\n")
        for cp in sorted(table):
            letters, surname = table[cp]
            if surname:
                f.write("%s\t%s\t%s\n" % (chr(cp), letters, surname))
            else:
                f.write("%s\t%s\n" % (chr(cp), letters))
    os.replace(tmp, out)
    out_readings = os.path.normpath(args.readings)
    tmp = out_readings + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(readings_header + "\n")
        # Single characters by code point, then the compound surnames.
        for key in sorted(readings_table, key=lambda k: (len(k), k)):
            common, surname = readings_table[key]
            f.write("%s\t%s\t%s\n" % (key, common, surname) if surname else "%s\t%s\n" % (key, common))
    os.replace(tmp, out_readings)
    print("%s: %d entries" % (out_readings, len(readings_table)), file=sys.stderr)
    multi = sum(1 for v in table.values() if len(v[0]) > 1)
    print("%s: %d characters (%d with more than one initial)" % (out, len(table), multi),
          file=sys.stderr)


if __name__ == "__main__":
    main()
