#!/usr/bin/env bash
# make bench: celedger at scale, measured against the bare sqlite3 shell on the same machine, same files,
# in the same run (issue 6). Prints one table (markdown) on stdout; progress goes to stderr.
#
#   make bench                       1,000,000 records (43,000 persons over 2021-2025, seed 1)
#   BENCH_10M=1 make bench           also 10,000,000 records (430,000 persons); generation takes long,
#                                    the ledger is cached
#
# Figures (each run BENCH_RUNS times, medians; celedger and baseline runs alternate, so a busy machine
# slows both alike):
#   import   `celedger import records` of the exported records CSV into a fresh ledger that already
#            holds the persons (imported first, not timed)  vs  sqlite3 `.import --csv` of the same file
#            into a fresh, unindexed table
#   report   `celedger report annual --year Y --format json`  vs  the sqlite3 shell running the bare
#            equivalent query (persons active in Y, LEFT JOIN the year's counted hours grouped by person and
#            category, in the report's order, as JSON); peak memory by GNU time
#   tui      first screen: wall time of a process that opens the ledger and draws the first screen
#            (celedger-bench first-screen)  vs  the same binary exiting at once (the process floor);
#            keys: celedger-bench drives the real screens with scripted keys through TUIRunner and times
#            each key (handle + render + compare + draw), pooled over the runs, p99 per kind of key; the
#            newer keys too: the palette `:` (open, type initials, close), the unit and department pickers
#            (open, type to find, pick: the list filtered by unit), `S` (the order by name reversed) and
#            saved views 1-4 (written to a config folder of the run's own)
#   migrate  `celedger init` migrating a ledger of the previous schema (v6) with a million persons to v9
#            (every person's name key computed in Swift)  vs  the sqlite3 shell running the same SQL with
#            a key SQL can compute
#   pg       the same 1M records on a PostgreSQL cluster of the run's own (scripts/pg-cluster.sh, stopped at
#            the end), each beside psql in the same run: `import records` into a copy of a ledger holding the
#            persons vs psql `\copy` into an unindexed table of text columns; `report annual` vs psql running
#            the bare GROUP BY; the TUI keys over loopback (celedger-bench tui --db postgresql://…); eight
#            scripted clerks saving at once (celedger-bench clerk, a process and connection each: records,
#            new persons, changes to persons) vs eight psql sessions each sending as many one-row INSERTs,
#            p99 per save, then a count and the history checked: every save there, under its clerk
#
# Environment:
#   BENCH_RUNS_PG (3)  BENCH_TUI_ROUNDS_PG (BENCH_TUI_ROUNDS)  BENCH_CLERKS (8)  BENCH_CLERK_SAVES (200)
#   BENCH_RUNS (5)  BENCH_TUI_ROUNDS (10)  BENCH_SEED (1)  BENCH_YEARS (2021-2025)  BENCH_YEAR (2024)
#   BENCH_PERSONS (43000)  BENCH_10M (0)  BENCH_PERSONS_10M (430000)  BENCH_RUNS_10M (3)
#   BENCH_TUI_ROUNDS_10M (10)
#   BENCH_ONLY (import,report,tui,migrate,pg)  BENCH_MIGRATE_PERSONS (1000000)  BENCH_RUNS_MIGRATE (3)
#   BENCH_SKIP_1M (0)  BENCH_REGEN (0: reuse a cached ledger whose key
#   matches)  BENCH_DIR (.bench)  BENCH_CURSES (0: 1 also draws each key through the real curses
#   driver on a pseudo-terminal, via script(1))  SWIFT (swift)
#
# Cache: .bench/p<persons>-s<seed>-y<years>-<key>/ holds ledger.sqlite, persons.csv, records.csv. The
# key hashes the schema the current binary creates (sqlite3 .schema of a fresh ledger and its migration
# names) and what shapes the data: the demo generator and pools, the bulk insert, the pinyin table and the
# export code. A stale ledger of the same size and seed is deleted; BENCH_REGEN=1 forces a new one.

set -euo pipefail
export LC_ALL=C.UTF-8

cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${BENCH_RUNS:-5}
TUI_ROUNDS=${BENCH_TUI_ROUNDS:-10}
SEED=${BENCH_SEED:-1}
YEARS=${BENCH_YEARS:-2021-2025}
YEAR=${BENCH_YEAR:-2024}
PERSONS=${BENCH_PERSONS:-43000}
PERSONS_10M=${BENCH_PERSONS_10M:-430000}
RUNS_10M=${BENCH_RUNS_10M:-3}
TUI_ROUNDS_10M=${BENCH_TUI_ROUNDS_10M:-10}
ONLY=${BENCH_ONLY:-import,report,tui,migrate,pg}
BENCH_DIR=${BENCH_DIR:-.bench}
SWIFT=${SWIFT:-swift}
TUI_WIDTH=120
TUI_HEIGHT=40

say() { printf '%s\n' "bench: $*" >&2; }
die() { printf '%s\n' "bench: error: $*" >&2; exit 1; }
wants() { [[ ",$ONLY," == *",$1,"* ]]; }
for n in "$RUNS" "$TUI_ROUNDS" "$SEED" "$YEAR" "$PERSONS" "$PERSONS_10M" "$RUNS_10M" "$TUI_ROUNDS_10M"; do
  [[ "$n" =~ ^[0-9]+$ && "$n" -gt 0 ]] || die "BENCH_* numbers must be positive integers (got '$n')"
done

# ---------------------------------------------------------------------------------------------------
# Dependencies and build

sh scripts/ensure-deps.sh
[ -x /usr/bin/time ] || die "GNU time (/usr/bin/time) is missing: apt-get install time"
command -v sqlite3 >/dev/null || die "the sqlite3 shell is missing: apt-get install sqlite3"
if [ "${BENCH_CURSES:-0}" = 1 ]; then command -v script >/dev/null || die "BENCH_CURSES=1 needs script(1) (util-linux)"; fi

say "building release (swift build -c release)"
"$SWIFT" build -c release >&2 || die "the release build failed"
BIN=$("$SWIFT" build -c release --show-bin-path)
CELEDGER=$BIN/celedger
DRIVER=$BIN/celedger-bench
[ -x "$CELEDGER" ] && [ -x "$DRIVER" ] || die "no celedger or celedger-bench in $BIN after the build"
export CELEDGER_DATA=$ROOT/data

mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
WORK=$(mktemp -d "$BENCH_DIR/work.XXXXXX")
PG_DIR=""
trap 'rm -rf "$WORK"; if [ -n "$PG_DIR" ]; then bash scripts/pg-cluster.sh stop "$PG_DIR"; fi' EXIT

# ---------------------------------------------------------------------------------------------------
# Helpers

now() { printf '%s' "$EPOCHREALTIME"; }

# measure FILE STDOUT CMD...: runs CMD once with stdout to STDOUT and stderr to $WORK/last.err; appends
# "wall user sys maxrss_kib" (seconds, seconds, seconds, KiB) to FILE.
measure() {
  local file=$1 out=$2; shift 2
  local t0 t1
  t0=$(now)
  if ! /usr/bin/time -f '%U %S %M' -o "$WORK/time.txt" "$@" >"$out" 2>"$WORK/last.err"; then
    sed 's/^/  | /' "$WORK/last.err" >&2
    die "failed: $*"
  fi
  t1=$(now)
  printf '%s %s\n' "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')" "$(tail -n 1 "$WORK/time.txt")" >>"$file"
}

# column N of FILE: median / min / max
median() { awk -v c="$2" '{ print $c }' "$1" | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
minimum() { awk -v c="$2" '{ print $c }' "$1" | sort -g | head -n 1; }
maximum() { awk -v c="$2" '{ print $c }' "$1" | sort -g | tail -n 1; }
# user + sys per line
cpu_median() { awk '{ print $2 + $3 }' "$1" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

ROWS=$WORK/rows.tsv
: >"$ROWS"
# row FIGURE CELEDGER BASELINE RATIO GOAL VERDICT NOTES
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$ROWS"; }
verdict() { # value limit → met / not met
  awk -v v="$1" -v l="$2" 'BEGIN { print (v + 0 <= l + 0) ? "met" : "**not met**" }'
}

# ---------------------------------------------------------------------------------------------------
# The cached ledgers

fingerprint() {
  local db=$WORK/schema.sqlite
  rm -f "$db"*
  "$CELEDGER" --db "$db" init >/dev/null || die "celedger init failed"
  {
    sqlite3 "$db" .schema
    sqlite3 "$db" "SELECT identifier FROM grdb_migrations ORDER BY rowid"
    for f in Sources/CeledgerDomain/Demo.swift Sources/celedger/DemoCommand.swift Sources/CeledgerSQLite/DeferredUpkeep.swift \
             Sources/CeledgerInterchange/ExportShape.swift Sources/CeledgerSheets/CSVWriter.swift Sources/celedger/ExportCommand.swift \
             data/pinyin/initials.tsv data/pinyin/readings.tsv Sources/CeledgerDomain/Pinyin.swift data/demo/*; do
      printf '== %s\n' "$f"
      if [ -f "$f" ]; then cat "$f"; fi
    done
  } | sha256sum | cut -c1-12
  rm -f "$db"*
}

say "fingerprinting the schema and the data generator"
KEY=$(fingerprint)

# ensure_ledger PERSONS → sets LEDGER_DIR (ledger.sqlite, persons.csv, records.csv, meta)
ensure_ledger() {
  local persons=$1
  local base="p$persons-s$SEED-y$YEARS"
  LEDGER_DIR=$BENCH_DIR/$base-$KEY
  if [ -f "$LEDGER_DIR/ok" ] && [ "${BENCH_REGEN:-0}" != 1 ]; then
    say "using the cached ledger $LEDGER_DIR ($(sed -n 's/^records=//p' "$LEDGER_DIR/meta") records)"
    return
  fi
  local stale
  for stale in "$BENCH_DIR/$base"-*; do
    [ -e "$stale" ] || continue
    say "removing the stale cache $stale"
    rm -rf "$stale"
  done
  local tmp=$LEDGER_DIR.tmp
  rm -rf "$tmp"
  mkdir -p "$tmp"
  say "generating a demo ledger: $persons persons, $YEARS, seed $SEED (a million records take a minute or more)"
  local t0 t1
  t0=$(now)
  "$CELEDGER" --db "$tmp/ledger.sqlite" demo --persons "$persons" --years "$YEARS" --seed "$SEED" >&2 || die "celedger demo failed"
  t1=$(now)
  say "exporting persons and records to CSV"
  "$CELEDGER" --db "$tmp/ledger.sqlite" export persons -o "$tmp/persons.csv" || die "celedger export persons failed"
  "$CELEDGER" --db "$tmp/ledger.sqlite" export records -o "$tmp/records.csv" || die "celedger export records failed"
  local np nr
  np=$(sqlite3 "$tmp/ledger.sqlite" "SELECT count(*) FROM person")
  nr=$(sqlite3 "$tmp/ledger.sqlite" "SELECT count(*) FROM record")
  [ -z "$(ls "$tmp"/ledger.sqlite-wal 2>/dev/null)" ] || [ ! -s "$tmp/ledger.sqlite-wal" ] || die "the demo ledger left a WAL behind"
  {
    echo "persons=$np"
    echo "records=$nr"
    echo "seed=$SEED"
    echo "years=$YEARS"
    echo "key=$KEY"
    echo "generated=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "demo_seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
    echo "ledger_bytes=$(stat -c %s "$tmp/ledger.sqlite")"
    echo "records_csv_bytes=$(stat -c %s "$tmp/records.csv")"
  } >"$tmp/meta"
  touch "$tmp/ok"
  mv "$tmp" "$LEDGER_DIR"
  say "ledger ready: $np persons, $nr records ($(sed -n 's/^demo_seconds=//p' "$LEDGER_DIR/meta") s to generate)"
}

# ---------------------------------------------------------------------------------------------------
# The measurements, for one ledger

# The demo generator writes a few records the import's plausibility check refuses (more hours than 24 a
# day of their span: an online course of 30 hours on one day; acbcd30 added the check after the generator):
# celedger imports with --skip-invalid from a link to the file in $WORK (the refused rows go beside it,
# not into the cache) and must write every other row; the baselines load the file as it is.
# import_records DB-OR-URI MEASURE-FILE → sets IMPORT_EXPECTED (rows the import must have written)
import_records() {
  local db=$1 file=$2 d=$LEDGER_DIR nr bad
  nr=$(sed -n 's/^records=//p' "$d/meta")
  ln -sf "$d/records.csv" "$WORK/records.csv"
  rm -f "$WORK/records.rejected.csv"
  measure "$file" "$WORK/import.out" "$CELEDGER" --db "$db" import records "$WORK/records.csv" --skip-invalid
  bad=0
  if [ -f "$WORK/records.rejected.csv" ]; then bad=$(( $(wc -l <"$WORK/records.rejected.csv") - 1 )); fi
  IMPORT_EXPECTED=$((nr - bad))
  IMPORT_REFUSED=$bad
}

bench_import() { # LABEL RUNS
  local label=$1 runs=$2 d=$LEDGER_DIR nr
  nr=$(sed -n 's/^records=//p' "$d/meta")
  say "[$label] import: preparing a ledger with the persons only (not timed)"
  rm -f "$WORK/template.sqlite"*
  "$CELEDGER" --db "$WORK/template.sqlite" import persons "$d/persons.csv" >/dev/null 2>"$WORK/last.err" \
    || { cat "$WORK/last.err" >&2; die "import persons failed"; }
  [ ! -s "$WORK/template.sqlite-wal" ] || die "the template ledger left a WAL behind"
  local c=$WORK/import-$label.txt b=$WORK/import-base-$label.txt i n
  : >"$c"; : >"$b"
  for ((i = 1; i <= runs; i++)); do
    say "[$label] import run $i/$runs: celedger import records ($nr rows)"
    rm -f "$WORK/fresh.sqlite"*
    cp "$WORK/template.sqlite" "$WORK/fresh.sqlite"
    import_records "$WORK/fresh.sqlite" "$c"
    if [ "$i" = 1 ]; then
      n=$(sqlite3 "$WORK/fresh.sqlite" "SELECT count(*) FROM record")
      [ "$n" = "$IMPORT_EXPECTED" ] || die "celedger imported $n records, expected $IMPORT_EXPECTED ($IMPORT_REFUSED refused)"
    fi
    rm -f "$WORK/fresh.sqlite"*
    say "[$label] import run $i/$runs: sqlite3 .import --csv (baseline)"
    rm -f "$WORK/base.sqlite"*
    measure "$b" /dev/null sqlite3 "$WORK/base.sqlite" ".import --csv \"$d/records.csv\" record"
    if [ "$i" = 1 ]; then
      n=$(sqlite3 "$WORK/base.sqlite" "SELECT count(*) FROM record")
      [ "$n" = "$nr" ] || die "sqlite3 imported $n rows, expected $nr"
    fi
    rm -f "$WORK/base.sqlite"*
  done
  rm -f "$WORK/template.sqlite"*
  local cw bw cc bc ratio
  cw=$(median "$c" 1); bw=$(median "$b" 1); cc=$(cpu_median "$c"); bc=$(cpu_median "$b")
  ratio=$(calc "%.1f" "$cw / $bw")
  row "import $label records (wall; CPU)" "$(calc "%.2f s" "$cw"); $(calc "%.2f s" "$cc")" \
      "$(calc "%.2f s" "$bw"); $(calc "%.2f s" "$bc")" "${ratio}× ($(calc "%.1f" "$cc / $bc")× CPU)" "≤ 3×" \
      "$(verdict "$ratio" 3)" "$runs runs; celedger wall $(calc "%.2f" "$(minimum "$c" 1)")–$(calc "%.2f" "$(maximum "$c" 1)") s, baseline $(calc "%.2f" "$(minimum "$b" 1)")–$(calc "%.2f" "$(maximum "$b" 1)") s"
  row "import $label peak memory" "$(calc "%.0f MiB" "$(median "$c" 4) / 1024")" "$(calc "%.0f MiB" "$(median "$b" 4) / 1024")" "" "flat (see 10M)" "" ""
  RSS[import:$label]=$(median "$c" 4)
}

# The report's bare equivalent (Sources/CeledgerSQLite/Queries.swift annualReport): persons active in the
# year (Ledger.activeInYearSQL), LEFT JOIN the year's hours that count (Record.contribution: recognised
# and not failed) summed per person and category, every row, in the report's order.
report_sql() {
  cat <<SQL
SELECT p.id_number, p.name, p.unit, p.department, p.title, g.category, g.tenths
FROM person p
LEFT JOIN (
    SELECT person_id, category, SUM(recognized_tenths) AS tenths
    FROM record
    WHERE year = $1 AND recognition = 'recognized' AND assessment <> 'failed'
    GROUP BY person_id, category
) g ON g.person_id = p.id
WHERE p.status = 'active' OR p.status_date >= '$1-01-01'
ORDER BY p.unit, p.department, p.id_number, g.category;
SQL
}

bench_report() { # LABEL RUNS
  local label=$1 runs=$2 db=$LEDGER_DIR/ledger.sqlite sql
  sql=$(report_sql "$YEAR")
  # Once, untimed: the two give the same persons and the same counted hours.
  say "[$label] report: checking the baseline query against celedger's report"
  "$CELEDGER" --db "$db" report annual --year "$YEAR" --format json -o "$WORK/report.json" || die "celedger report failed"
  local mine theirs
  mine=$(sqlite3 :memory: "SELECT count(*) || ' ' || printf('%.1f', sum(json_extract(value, '\$.total_hours'))) FROM json_each(readfile('$WORK/report.json'))")
  theirs=$(sqlite3 -readonly "$db" "SELECT count(DISTINCT id_number) || ' ' || printf('%.1f', COALESCE(sum(tenths), 0) / 10.0) FROM (${sql%;})")
  [ "$mine" = "$theirs" ] || die "report and baseline disagree (persons, hours): celedger $mine, sqlite3 $theirs"
  say "[$label] report: $mine (persons, counted hours) in both"
  rm -f "$WORK/report.json"
  local c=$WORK/report-$label.txt b=$WORK/report-base-$label.txt i
  : >"$c"; : >"$b"
  for ((i = 1; i <= runs; i++)); do
    say "[$label] report run $i/$runs"
    measure "$c" /dev/null "$CELEDGER" --db "$db" report annual --year "$YEAR" --format json
    measure "$b" /dev/null sqlite3 -readonly -json "$db" "$sql"
  done
  local cw bw cc bc ratio mem
  cw=$(median "$c" 1); bw=$(median "$b" 1); cc=$(cpu_median "$c"); bc=$(cpu_median "$b")
  ratio=$(calc "%.1f" "$cw / $bw")
  row "report annual $label (wall; CPU)" "$(calc "%.3f s" "$cw"); $(calc "%.3f s" "$cc")" \
      "$(calc "%.3f s" "$bw"); $(calc "%.3f s" "$bc")" "${ratio}× ($(calc "%.1f" "$cc / $bc")× CPU)" "≤ 1.5×" \
      "$(verdict "$ratio" 1.5)" "$runs runs; celedger wall $(calc "%.3f" "$(minimum "$c" 1)")–$(calc "%.3f" "$(maximum "$c" 1)") s, baseline $(calc "%.3f" "$(minimum "$b" 1)")–$(calc "%.3f" "$(maximum "$b" 1)") s"
  mem=$(calc "%.1f" "$(median "$c" 4) / 1024")
  row "report annual $label peak memory" "$mem MiB" "$(calc "%.1f MiB" "$(median "$b" 4) / 1024")" "" "≤ 64 MiB" "$(verdict "$mem" 64)" ""
  RSS[report:$label]=$(median "$c" 4)
}

# The v9 migration (the name key, filled in Swift for every person) on a ledger of the previous schema
# with BENCH_MIGRATE_PERSONS persons (1,000,000): a fresh ledger taken back to v6's shape (name_key
# generated from the first initial) and filled by sqlite3 with random two- and three-character names.
# celedger: `celedger init`, which copies the ledger aside and migrates it; baseline: the sqlite3 shell
# doing the same SQL on a copy with a key SQL can compute (name_initials || name) and no trigger set aside.
downgrade_sql() {
  cat <<'SQL'
DROP INDEX person_name_key;
DROP INDEX person_unit_name;
ALTER TABLE person DROP COLUMN name_key;
ALTER TABLE person ADD COLUMN name_key TEXT GENERATED ALWAYS AS (substr(name_initials, 1, 1) || name) VIRTUAL;
CREATE INDEX person_name_key ON person(name_key);
CREATE INDEX person_unit_name ON person(unit, department, name_key);
DELETE FROM grdb_migrations WHERE identifier > 'v6';
SQL
}

bench_migrate() { # RUNS
  local runs=$1 persons=${BENCH_MIGRATE_PERSONS:-1000000} v6=$WORK/v6.sqlite i
  say "migrate: a v6 ledger of $persons persons (sqlite3, not timed)"
  rm -f "$v6"*
  "$CELEDGER" --db "$v6" init >/dev/null || die "celedger init failed"
  [ "$(sqlite3 "$v6" "SELECT max(identifier) FROM grdb_migrations")" = v9 ] || die "the current schema is not v9: update bench_migrate"
  sqlite3 "$v6" "$(downgrade_sql)" || die "could not take the ledger back to v6"
  local surnames="王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单解仇朴区查乐翟欧阳"
  local given="伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏宇浩凯婷雪琳晨欣怡佳俊峰"
  # The history trigger asks celedger for the actor, which the shell cannot answer: the persons' history
  # rows are written set-wise instead, and the trigger put back as it was.
  local trigger
  trigger=$(sqlite3 "$v6" "SELECT sql FROM sqlite_master WHERE name = 'person_insert_history'")
  [ -n "$trigger" ] || die "no person_insert_history trigger in a fresh ledger"
  sqlite3 "$v6" >/dev/null <<SQL || die "could not fill the v6 ledger"
PRAGMA journal_mode = WAL;
BEGIN;
DROP TRIGGER person_insert_history;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $persons)
INSERT INTO person (id_number, name, name_initials, gender, birth_date, created_at, updated_at)
SELECT printf('360102%011dX', i),
       substr('$surnames', abs(random()) % length('$surnames') + 1, 1)
         || substr('$given', abs(random()) % length('$given') + 1, 1)
         || CASE WHEN i % 3 = 0 THEN '' ELSE substr('$given', abs(random()) % length('$given') + 1, 1) END,
       '', 'male', '1980-01-01', 'x', 'x'
FROM n;
INSERT INTO history (at, actor, action, entity, entity_id, id_number)
SELECT '2026-01-01T00:00:00.000Z', 'bench', 'insert', 'person', id, id_number FROM person;
$trigger;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
  local c=$WORK/migrate.txt b=$WORK/migrate-base.txt one=$WORK/one.sqlite update_trigger size
  size=$(( $(stat -c %s "$v6") / 1048576 ))
  update_trigger=$(sqlite3 "$v6" "SELECT sql FROM sqlite_master WHERE name = 'person_update_history'")
  : >"$c"; : >"$b"
  for ((i = 1; i <= runs; i++)); do
    say "migrate run $i/$runs: celedger init on a v6 ledger of $persons persons"
    rm -f "$one"* "$one".backup-*
    cp "$v6" "$one"
    measure "$c" /dev/null "$CELEDGER" --db "$one" init
    [ "$(sqlite3 "$one" "SELECT count(*) FROM person WHERE name_key = ''")" = 0 ] || die "the migration left persons without a key"
    rm -f "$one"* "$one".backup-*
    say "migrate run $i/$runs: the same SQL in the sqlite3 shell (baseline)"
    cp "$v6" "$one"
    measure "$b" /dev/null sqlite3 "$one" "BEGIN; DROP INDEX person_name_key; DROP INDEX person_unit_name;
      ALTER TABLE person DROP COLUMN name_key; ALTER TABLE person ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
      DROP TRIGGER person_update_history; UPDATE person SET name_key = name_initials || name; $update_trigger;
      CREATE INDEX person_name_key ON person(name_key); CREATE INDEX person_unit_name ON person(unit, department, name_key);
      COMMIT;"
    rm -f "$one"*
  done
  rm -f "$v6"*
  local cw bw
  cw=$(median "$c" 1); bw=$(median "$b" 1)
  row "migrate v6 → v9, $persons persons (wall; CPU)" "$(calc "%.2f s" "$cw"); $(calc "%.2f s" "$(cpu_median "$c")")" \
      "$(calc "%.2f s" "$bw"); $(calc "%.2f s" "$(cpu_median "$b")")" "$(calc "%.1f" "$cw / $bw")×" "—" "" \
      "$runs runs, $(calc "%.2f" "$(minimum "$c" 1)")–$(calc "%.2f" "$(maximum "$c" 1)") s; the v6 ledger $size MiB; celedger's includes copying it aside and reading the pinyin tables; peak memory $(calc "%.0f MiB" "$(median "$c" 4) / 1024")"
}

# Runs the driver, on a pseudo-terminal through the real curses driver when BENCH_CURSES=1.
driver() { # MEASURE-FILE ARGS...
  local file=$1; shift
  if [ "${BENCH_CURSES:-0}" = 1 ]; then
    local cmd
    cmd="stty rows $TUI_HEIGHT cols $TUI_WIDTH; exec env TERM=xterm-256color $(printf '%q ' "$DRIVER" "$@") --curses"
    measure "$file" /dev/null script -qec "$cmd" /dev/null
  else
    measure "$file" /dev/null "$DRIVER" "$@" --width "$TUI_WIDTH" --height "$TUI_HEIGHT"
  fi
}

bench_tui() { # LABEL RUNS ROUNDS [LEDGER]
  local label=$1 runs=$2 rounds=$3 db=${4:-$LEDGER_DIR/ledger.sqlite} i
  local f=$WORK/first-$label.txt n=$WORK/noop-$label.txt
  : >"$f"; : >"$n"
  for ((i = 1; i <= runs; i++)); do
    say "[$label] tui: first screen, run $i/$runs"
    driver "$f" first-screen --db "$db" --year "$YEAR" --out "$WORK/first.out"
    measure "$n" /dev/null "$DRIVER" noop
  done
  local fw nw
  fw=$(calc "%.0f" "$(median "$f" 1) * 1000"); nw=$(calc "%.1f" "$(median "$n" 1) * 1000")
  row "TUI first screen $label (process wall)" "$fw ms" "$nw ms (process that exits at once)" "" "≤ 100 ms" "$(verdict "$fw" 100)" \
      "$runs runs, $(calc "%.0f" "$(minimum "$f" 1) * 1000")–$(calc "%.0f" "$(maximum "$f" 1) * 1000") ms; in the last run's process: $(awk '{ v[$1] = $2 } END { printf "rules, pinyin loader and ledger open %.0f ms, App and first draw %.0f ms, main to first draw %.0f ms", v["ledger_open_ms"], v["first_screen_after_open_ms"], v["first_screen_ms"] }' "$WORK/first.out")"

  local samples=$WORK/samples-$label.txt m=$WORK/tui-$label.txt perrun=$WORK/perrun-$label.txt ready=$WORK/ready-$label.txt
  : >"$samples"; : >"$m"; : >"$perrun"; : >"$ready"
  for ((i = 1; i <= runs; i++)); do
    say "[$label] tui: $rounds rounds of scripted keys, run $i/$runs"
    driver "$m" tui --db "$db" --year "$YEAR" --rounds "$rounds" --samples "$WORK/samples.txt" --out "$WORK/tui.out"
    cat "$WORK/samples.txt" >>"$samples"
    grep '^key ' "$WORK/tui.out" >>"$perrun"
    awk '{ v[$1] = $2 } END { printf "%s %s\n", v["search_ready_after_first_screen_ms"], v["search_later_waits_ms"] }' "$WORK/tui.out" >>"$ready"
    KEYS_PER_RUN["$label"]="$rounds rounds, $(sed -n 's/^keys //p' "$WORK/tui.out") keys"
  done
  local kind line p50 p99 max cnt spread
  for kind in move page jump search year open back palette picker sort view; do
    line=$(awk -v k="$kind" '$1 == k { print $2 }' "$samples" | sort -g | awk '
      { v[NR] = $1 }
      END {
        if (NR == 0) { print "0 nan nan nan"; exit }
        r50 = int(0.5 * NR); if (r50 < 0.5 * NR) r50++
        r99 = int(0.99 * NR); if (r99 < 0.99 * NR) r99++
        printf "%d %.2f %.2f %.2f\n", NR, v[r50], v[r99], v[NR]
      }')
    read -r cnt p50 p99 max <<<"$line"
    spread=$(awk -v k="$kind" '$2 == k { sub("p99=", "", $5); print $5 }' "$perrun" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.1f–%.1f", lo, hi }')
    row "TUI key: $kind $label (p99)" "$p99 ms (p50 $p50, max $max)" "" "" "≤ 10 ms" "$(verdict "$p99" 10)" "$cnt keys; p99 per run $spread ms"
  done
  # The search index (and the year's flags) are read in the background once the first screen is up; a
  # search typed before shows what was typed and finds when they are ready. The driver hands its first
  # search key over only then, so the search keys above are searches, and says when that was.
  row "TUI search ready $label (after the first screen)" "$(calc "%.0f ms" "$(median "$ready" 1)")" "" "" "—" "" \
      "$runs runs, $(calc "%.0f" "$(minimum "$ready" 1)")–$(calc "%.0f" "$(maximum "$ready" 1)") ms: index and year flags read on the other core; a search typed meanwhile shows at once and finds then; later waits for a year's flags $(calc "%.0f" "$(median "$ready" 2)") ms in all (median)"
  row "TUI $label peak memory" "$(calc "%.0f MiB" "$(median "$m" 4) / 1024")" "" "" "flat (see 10M)" "" ""
  RSS[tui:$label]=$(median "$m" 4)
}

# ---------------------------------------------------------------------------------------------------
# PostgreSQL (issue 18): the same 1M records on a throwaway cluster of this run's own
# (scripts/pg-cluster.sh: loopback, trust, fsync off), each figure beside psql doing the bare equivalent.

# sample statistics of column 2 of FILE: "n p50 p99 max" (nearest rank)
pctl() {
  awk '{ print $2 }' "$1" | sort -g | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "0 nan nan nan"; exit }
      r50 = int(0.5 * NR); if (r50 < 0.5 * NR) r50++
      r99 = int(0.99 * NR); if (r99 < 0.99 * NR) r99++
      printf "%d %.2f %.2f %.2f\n", NR, v[r50], v[r99], v[NR]
    }'
}

bench_pg() { # RUNS TUI-ROUNDS
  local runs=$1 rounds=$2 d=$LEDGER_DIR nr np label
  nr=$(sed -n 's/^records=//p' "$d/meta"); np=$(sed -n 's/^persons=//p' "$d/meta")
  label="$(awk -v n="$nr" 'BEGIN { printf "%.1fM", n / 1e6 }') PostgreSQL"
  command -v psql >/dev/null || die "psql is missing: apt-get install postgresql-client"
  say "[pg] starting a throwaway cluster (scripts/pg-cluster.sh)"
  local env
  env=$(bash scripts/pg-cluster.sh start) || die "could not start a PostgreSQL cluster (apt-get install postgresql)"
  eval "$env"
  PG_DIR=$CELEDGER_TEST_PG_DIR
  local server=${CELEDGER_TEST_PG%/*} version
  PSQL=(psql -X -q -v ON_ERROR_STOP=1)
  export PGOPTIONS="-c client_min_messages=warning"
  version=$("${PSQL[@]}" -At "$server/postgres" -c "SHOW server_version")
  PG_INFO="PostgreSQL $version on loopback (a throwaway cluster: fsync off, shared_buffers $("${PSQL[@]}" -At "$server/postgres" -c "SHOW shared_buffers"), other settings the defaults)"

  # A ledger holding the persons only, made once and copied for each run (CREATE DATABASE … TEMPLATE):
  # the persons of the SQLite ledger, as they are there (name keys included), by psql; their history rows
  # by the server's trigger, the totals settled by celedger opening it (not timed).
  say "[pg] a template ledger with the $np persons (not timed)"
  "${PSQL[@]}" "$server/postgres" -c "CREATE DATABASE bench_persons"
  "$CELEDGER" --db "$server/bench_persons" init >/dev/null 2>"$WORK/last.err" || { cat "$WORK/last.err" >&2; die "celedger init on the server failed"; }
  local cols="id_number, name, name_initials, gender, birth_date, unit, department, title, title_level, specialty, status, status_date, category, created_at, updated_at, name_key"
  sqlite3 -readonly -separator $'\t' -nullvalue '\N' "$d/ledger.sqlite" "SELECT $cols FROM person ORDER BY id" >"$WORK/persons.tsv"
  "${PSQL[@]}" "$server/bench_persons" -c "SET celedger.actor = 'bench-load'" -c "\\copy person ($cols) FROM '$WORK/persons.tsv'"
  rm -f "$WORK/persons.tsv"
  "$CELEDGER" --db "$server/bench_persons" report annual --year "$YEAR" --format csv >/dev/null 2>"$WORK/last.err" \
    || { cat "$WORK/last.err" >&2; die "celedger could not open the template ledger"; }
  "${PSQL[@]}" "$server/postgres" -c "VACUUM ANALYZE" >/dev/null
  "${PSQL[@]}" "$server/bench_persons" -c "VACUUM ANALYZE" >/dev/null

  # (a) import: celedger import records into a copy of the template vs psql \copy into an unindexed table
  # of text columns (one per column of the file) in a fresh database.
  local ncols
  ncols=$(head -n 1 "$d/records.csv" | awk -F, '{ print NF }')
  local c=$WORK/pg-import.txt b=$WORK/pg-import-base.txt i n
  : >"$c"; : >"$b"
  "${PSQL[@]}" "$server/postgres" -c "CREATE DATABASE bench_bare"
  for ((i = 1; i <= runs; i++)); do
    say "[pg] import run $i/$runs: celedger import records ($nr rows)"
    "${PSQL[@]}" "$server/postgres" -c "DROP DATABASE IF EXISTS bench_ledger" -c "CREATE DATABASE bench_ledger TEMPLATE bench_persons"
    import_records "$server/bench_ledger" "$c"
    n=$("${PSQL[@]}" -At "$server/bench_ledger" -c "SELECT count(*) FROM record")
    [ "$n" = "$IMPORT_EXPECTED" ] || die "celedger imported $n records on the server, expected $IMPORT_EXPECTED ($IMPORT_REFUSED refused)"
    say "[pg] import run $i/$runs: psql \\copy into an unindexed table (baseline)"
    "${PSQL[@]}" "$server/bench_bare" -c "DROP TABLE IF EXISTS record" \
      -c "CREATE TABLE record ($(seq 1 "$ncols" | sed 's/^/c/; s/$/ text/' | paste -sd, -))"
    measure "$b" /dev/null "${PSQL[@]}" "$server/bench_bare" -c "\\copy record FROM '$d/records.csv' WITH (FORMAT csv, HEADER true)"
    n=$("${PSQL[@]}" -At "$server/bench_bare" -c "SELECT count(*) FROM record")
    [ "$n" = "$nr" ] || die "psql copied $n rows, expected $nr"
  done
  "${PSQL[@]}" "$server/bench_bare" -c "DROP TABLE record"
  "${PSQL[@]}" "$server/bench_ledger" -c "VACUUM ANALYZE" >/dev/null
  local cw bw cc bc ratio
  cw=$(median "$c" 1); bw=$(median "$b" 1); cc=$(cpu_median "$c"); bc=$(cpu_median "$b")
  ratio=$(calc "%.1f" "$cw / $bw")
  row "import $label (wall; celedger's CPU)" "$(calc "%.1f s" "$cw"); $(calc "%.1f s" "$cc")" "$(calc "%.2f s" "$bw") (psql \\copy)" \
      "${ratio}×" "≤ 3×" "$(verdict "$ratio" 3)" \
      "$runs runs, celedger $(calc "%.1f" "$(minimum "$c" 1)")–$(calc "%.1f" "$(maximum "$c" 1)") s (the server's CPU not in celedger's CPU); $IMPORT_REFUSED demo rows refused as implausible; peak memory $(calc "%.0f MiB" "$(median "$c" 4) / 1024")"

  # (a') what the ledger's promises cost the database at the least, for scale beside the unindexed \copy:
  # the same records written again by psql into the ledger's own record table (its indexes and foreign key,
  # no trigger, nothing checked) and a history row each with its values, in one transaction rolled back.
  say "[pg] import floor: the rows into the ledger's indexed tables and a history row each, by psql (rolled back)"
  local json
  json="json_build_object($(for c in mode category title provider start_date end_date assessment score claimed_tenths \
    recognized_tenths recognition recognition_note reviewed_by certificate_no note basis quantity role suggested_tenths; do
    printf "'%s', r.%s, " "$c" "$c"; done | sed 's/, $//'))::text"
  cat >"$WORK/floor.sql" <<SQL
BEGIN;
ALTER TABLE record DISABLE TRIGGER USER;
CREATE TEMP TABLE again ON COMMIT DROP AS SELECT * FROM record;
DELETE FROM record;
\\timing on
INSERT INTO record SELECT * FROM again ORDER BY id;
INSERT INTO history (at, actor, action, entity, entity_id, id_number, new_values, unit)
SELECT 'now', 'bench-floor', 'insert', 'record', r.id, p.id_number, $json, p.unit
FROM again r JOIN person p ON p.id = r.person_id ORDER BY r.id;
\\timing off
ROLLBACK;
SQL
  local floor
  floor=$("${PSQL[@]}" "$server/bench_ledger" -f "$WORK/floor.sql" | awk '/^Time:/ { s += $2 } END { printf "%.3f", s / 1000 }')
  row "import floor $label (psql, the same rows into the indexed tables with a history row each)" \
      "$(calc "%.1f s" "$cw")" "$(calc "%.1f s" "$floor") (psql INSERT … SELECT, no trigger, no check)" \
      "$(calc "%.1f" "$cw / $floor")×" "—" "" \
      "the database's own part of the ledger's promises (five indexes and a foreign key on the records, four indexes on the history); the unindexed \\copy above is $(calc "%.1f" "$floor / $bw")× faster than this"

  # (b) report: celedger report annual vs psql running the bare GROUP BY over the same rows.
  local sql mine theirs
  sql=$(report_sql "$YEAR")
  say "[pg] report: checking the baseline query against celedger's report"
  "$CELEDGER" --db "$server/bench_ledger" report annual --year "$YEAR" --format json -o "$WORK/report.json" || die "celedger report on the server failed"
  mine=$(sqlite3 :memory: "SELECT count(*) || ' ' || printf('%.1f', sum(json_extract(value, '\$.total_hours'))) FROM json_each(readfile('$WORK/report.json'))")
  theirs=$("${PSQL[@]}" -At "$server/bench_ledger" -c "SELECT count(DISTINCT id_number) || ' ' || to_char(COALESCE(sum(tenths), 0) / 10.0, 'FM999999999990.0') FROM (${sql%;}) q")
  [ "$mine" = "$theirs" ] || die "report and baseline disagree on the server (persons, hours): celedger $mine, psql $theirs"
  say "[pg] report: $mine (persons, counted hours) in both"
  c=$WORK/pg-report.txt; b=$WORK/pg-report-base.txt
  : >"$c"; : >"$b"
  for ((i = 1; i <= runs; i++)); do
    say "[pg] report run $i/$runs"
    measure "$c" /dev/null "$CELEDGER" --db "$server/bench_ledger" report annual --year "$YEAR" --format json
    measure "$b" /dev/null "${PSQL[@]}" -A "$server/bench_ledger" -c "$sql"
  done
  cw=$(median "$c" 1); bw=$(median "$b" 1); cc=$(cpu_median "$c"); bc=$(cpu_median "$b")
  ratio=$(calc "%.1f" "$cw / $bw")
  row "report annual $label (wall)" "$(calc "%.3f s" "$cw")" "$(calc "%.3f s" "$bw") (psql, bare GROUP BY)" "${ratio}×" "≤ 1.5×" \
      "$(verdict "$ratio" 1.5)" "$runs runs; celedger $(calc "%.3f" "$(minimum "$c" 1)")–$(calc "%.3f" "$(maximum "$c" 1)") s, psql $(calc "%.3f" "$(minimum "$b" 1)")–$(calc "%.3f" "$(maximum "$b" 1)") s; peak memory $(calc "%.0f MiB" "$(median "$c" 4) / 1024")"

  # (c) the screens over loopback, the same key script as on the file.
  bench_tui "$label" "$runs" "$rounds" "$server/bench_ledger"

  # (d) eight scripted clerks writing at once (celedger-bench clerk: separate processes, a connection
  # each) vs eight psql sessions at once each sending as many one-row INSERTs (autocommit) into an
  # unindexed table. Afterwards every save is in the ledger and in its history, under its clerk.
  local clerks=${BENCH_CLERKS:-8} saves=${BENCH_CLERK_SAVES:-200} k
  local before_r before_h before_p
  before_r=$("${PSQL[@]}" -At "$server/bench_ledger" -c "SELECT count(*) FROM record")
  before_p=$("${PSQL[@]}" -At "$server/bench_ledger" -c "SELECT count(*) FROM person")
  before_h=$("${PSQL[@]}" -At "$server/bench_ledger" -c "SELECT count(*) FROM history")
  say "[pg] $clerks scripted clerks, $saves saves each, at once"
  rm -f "$WORK"/clerk-* "$WORK/go"
  local t0 t1 pids=()
  for ((k = 1; k <= clerks; k++)); do
    "$DRIVER" clerk --db "$server/bench_ledger" --clerk "$k" --saves "$saves" --persons-max "$np" \
      --ready "$WORK/clerk-$k.ready" --go "$WORK/go" --samples "$WORK/clerk-$k.samples" --out "$WORK/clerk-$k.out" \
      2>"$WORK/clerk-$k.err" &
    pids+=($!)
  done
  while [ "$(ls "$WORK"/clerk-*.ready 2>/dev/null | wc -l)" -lt "$clerks" ]; do
    for k in "${pids[@]}"; do kill -0 "$k" 2>/dev/null || { cat "$WORK"/clerk-*.err >&2; die "a clerk stopped before starting"; }; done
    sleep 0.1
  done
  t0=$(now); touch "$WORK/go"
  for k in "${pids[@]}"; do wait "$k" || { cat "$WORK"/clerk-*.err >&2; die "a scripted clerk failed"; }; done
  t1=$(now)
  cat "$WORK"/clerk-*.samples >"$WORK/clerk-samples.txt"
  local added_r=0 added_p=0 updated=0 conflicts=0 lost=""
  for ((k = 1; k <= clerks; k++)); do
    local o=$WORK/clerk-$k.out r p u h
    r=$(sed -n 's/^records_added //p' "$o"); p=$(sed -n 's/^persons_added //p' "$o"); u=$(sed -n 's/^persons_updated //p' "$o")
    added_r=$((added_r + r)); added_p=$((added_p + p)); updated=$((updated + u))
    conflicts=$((conflicts + $(sed -n 's/^conflicts //p' "$o")))
    # Each clerk's saves, in the ledger and in the history, under its name.
    h=$("${PSQL[@]}" -At "$server/bench_ledger" -c "SELECT
        (SELECT count(*) FROM record WHERE title LIKE '压测$k-%' AND entered_by = 'bench-clerk-$k') || ' ' ||
        (SELECT count(*) FROM history WHERE actor = 'bench-clerk-$k' AND entity = 'record' AND action = 'insert') || ' ' ||
        (SELECT count(*) FROM person WHERE name LIKE '压测员$k-%') || ' ' ||
        (SELECT count(*) FROM history WHERE actor = 'bench-clerk-$k' AND entity = 'person' AND action = 'insert') || ' ' ||
        (SELECT count(*) FROM history WHERE actor = 'bench-clerk-$k' AND entity = 'person' AND action = 'update')")
    [ "$h" = "$r $r $p $p $u" ] || lost+="clerk $k: saved $r records, $p persons, $u changes; ledger and history say $h. "
  done
  local after_r after_p after_h
  after_r=$("${PSQL[@]}" -At "$server/bench_ledger" -c "SELECT count(*) FROM record")
  after_p=$("${PSQL[@]}" -At "$server/bench_ledger" -c "SELECT count(*) FROM person")
  after_h=$("${PSQL[@]}" -At "$server/bench_ledger" -c "SELECT count(*) FROM history")
  [ $((after_r - before_r)) = "$added_r" ] || lost+="records: $((after_r - before_r)) more in the ledger, $added_r saved. "
  [ $((after_p - before_p)) = "$added_p" ] || lost+="persons: $((after_p - before_p)) more in the ledger, $added_p saved. "
  [ $((after_h - before_h)) = $((added_r + added_p + updated)) ] || lost+="history: $((after_h - before_h)) entries more, $((added_r + added_p + updated)) saves. "
  [ -z "$lost" ] || die "scripted clerks lost saves: $lost"
  local line cnt p50 p99 max
  read -r cnt p50 p99 max <<<"$(pctl "$WORK/clerk-samples.txt")"

  say "[pg] $clerks psql sessions at once, $saves one-row INSERTs each (baseline)"
  "${PSQL[@]}" "$server/bench_bare" -c "DROP TABLE IF EXISTS save" -c "CREATE TABLE save (clerk int, n int, title text, at timestamptz DEFAULT now())"
  pids=()
  for ((k = 1; k <= clerks; k++)); do
    { echo '\timing on'; for ((i = 1; i <= saves; i++)); do echo "INSERT INTO save (clerk, n, title) VALUES ($k, $i, '压测$k-$i');"; done; } >"$WORK/bare-$k.sql"
    psql -X -q "$server/bench_bare" -f "$WORK/bare-$k.sql" >"$WORK/bare-$k.out" 2>&1 &
    pids+=($!)
  done
  for k in "${pids[@]}"; do wait "$k" || die "a psql session failed"; done
  grep -h '^Time: ' "$WORK"/bare-*.out | awk '{ print "save", $2 }' >"$WORK/bare-samples.txt"
  [ "$("${PSQL[@]}" -At "$server/bench_bare" -c "SELECT count(*) FROM save")" = $((clerks * saves)) ] || die "the psql sessions lost rows"
  local bcnt bp50 bp99 bmax
  read -r bcnt bp50 bp99 bmax <<<"$(pctl "$WORK/bare-samples.txt")"
  row "$clerks clerks saving at once $label (p99 save)" "$p99 ms (p50 $p50, max $max)" "$bp99 ms (p50 $bp50, max $bmax; psql one-row INSERTs)" \
      "$(calc "%.1f" "$p99 / $bp99")×" "≤ 50 ms, nothing lost" "$(verdict "$p99" 50); nothing lost" \
      "$cnt saves in $(calc "%.1f" "$t1 - $t0") s: $added_r records, $added_p persons, $updated changes to persons ($conflicts told to read again: another clerk had just changed the person); every one in the ledger and in its history under its clerk"

  bash scripts/pg-cluster.sh stop "$PG_DIR"
  PG_DIR=""
}

bench_ledger() { # PERSONS RUNS TUI-ROUNDS
  local persons=$1 runs=$2 rounds=$3 label
  ensure_ledger "$persons"
  label=$(awk -v n="$(sed -n 's/^records=//p' "$LEDGER_DIR/meta")" 'BEGIN { if (n >= 1e6) printf "%.1fM", n / 1e6; else printf "%.0fk", n / 1e3 }')
  LABELS+=("$label")
  INFO+=("$label: $(sed -n 's/^persons=//p' "$LEDGER_DIR/meta") persons, $(sed -n 's/^records=//p' "$LEDGER_DIR/meta") records, $YEARS, seed $SEED, ledger $(( $(sed -n 's/^ledger_bytes=//p' "$LEDGER_DIR/meta") / 1048576 )) MiB, records CSV $(( $(sed -n 's/^records_csv_bytes=//p' "$LEDGER_DIR/meta") / 1048576 )) MiB, demo generation $(sed -n "s/^demo_seconds=//p" "$LEDGER_DIR/meta") s on $(sed -n "s/^generated=//p" "$LEDGER_DIR/meta")")
  if wants import; then bench_import "$label" "$runs"; fi
  if wants report; then bench_report "$label" "$runs"; fi
  if wants tui; then bench_tui "$label" "$runs" "$rounds"; fi
}

# ---------------------------------------------------------------------------------------------------

LABELS=()
INFO=()
declare -A RSS
declare -A KEYS_PER_RUN
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
if [ "${BENCH_SKIP_1M:-0}" != 1 ]; then bench_ledger "$PERSONS" "$RUNS" "$TUI_ROUNDS"; fi
PG_INFO=""
if wants pg; then
  ensure_ledger "$PERSONS"
  bench_pg "${BENCH_RUNS_PG:-3}" "${BENCH_TUI_ROUNDS_PG:-$TUI_ROUNDS}"
fi
if wants migrate; then bench_migrate "${BENCH_RUNS_MIGRATE:-3}"; fi
if [ "${BENCH_10M:-0}" = 1 ]; then
  bench_ledger "$PERSONS_10M" "$RUNS_10M" "$TUI_ROUNDS_10M"
  if [ "${#LABELS[@]}" = 2 ]; then
    small=${LABELS[0]}; big=${LABELS[1]}
    for what in import report tui; do
      a=${RSS[$what:$small]:-}; b=${RSS[$what:$big]:-}
      if [ -n "$a" ] && [ -n "$b" ]; then
        r=$(calc "%.2f" "$b / $a")
        row "$what peak memory, $big vs $small" "$(calc "%.0f" "$b / 1024") vs $(calc "%.0f" "$a / 1024") MiB" "" "${r}×" "flat: ≤ 1.25×" "$(verdict "$r" 1.25)" ""
      fi
    done
  fi
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------------------------
# The table

RESULT=$BENCH_DIR/results-$(date -u +%Y%m%dT%H%M%SZ).md
{
  echo "## make bench, $STARTED"
  echo
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM;"
  echo "$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"); $("$SWIFT" --version 2>&1 | grep -m1 -o 'Swift version [^ ]*'); sqlite3 $(sqlite3 --version | cut -d' ' -f1);"
  echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' (modified)'); load average $LOAD_BEFORE before, $LOAD_AFTER after."
  for i in "${INFO[@]}"; do echo "Ledger $i."; done
  if [ -n "$PG_INFO" ]; then echo "$PG_INFO; celedger and psql connect over TCP to 127.0.0.1."; fi
  echo "Report year $YEAR; TUI ${TUI_WIDTH}×${TUI_HEIGHT}$([ "${BENCH_CURSES:-0}" = 1 ] && echo ", drawn through curses on a pseudo-terminal" || echo ", headless (curses drawing not included)"), scripted keys per run: $(for l in "${!KEYS_PER_RUN[@]}"; do printf '%s %s; ' "$l" "${KEYS_PER_RUN[$l]}"; done | sed 's/; $//')."
  echo
  echo "| figure | celedger (median) | baseline (median) | ratio | goal | verdict | notes |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, ($3 == "" ? "—" : $3), ($4 == "" ? "—" : $4), $5, ($6 == "" ? "—" : $6), $7 }' "$ROWS"
} >"$RESULT"
cat "$RESULT"
say "results saved in $RESULT"
