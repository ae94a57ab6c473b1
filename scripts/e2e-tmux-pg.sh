#!/usr/bin/env bash
# The real-terminal end-to-end test on a PostgreSQL ledger: the real binary in tmux (own socket, fixed size,
# C.UTF-8), driven with keys, read back with capture-pane, polling for text instead of sleeping; the ledger
# a new database on the server CELEDGER_TEST_PG names (make test starts a throwaway cluster).
# Usage: scripts/e2e-tmux-pg.sh path/to/celedger
set -euo pipefail
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${CELEDGER_TEST_PG:-}" ]; then
  echo "e2e-tmux-pg: skipped, CELEDGER_TEST_PG is not set (make test starts a throwaway cluster)"
  exit 0
fi
WORK=$(mktemp -d)
SOCK="$WORK/tmux.sock"
NAME="e2e_$(date +%s)_$$"
psql -q "$CELEDGER_TEST_PG" -c "CREATE DATABASE $NAME" >/dev/null
DB="${CELEDGER_TEST_PG%/*}/$NAME"
. "$ROOT/scripts/e2e-lib.sh"

# Demo colleagues with records in 2023 and 2024 only: 2022 starts empty for everyone.
"$BIN" --db "$DB" --user 演示 demo --persons 300 --years 2023-2024 --seed 5 >/dev/null
ID=$("$BIN" --db "$DB" export persons --format csv | sed -n 2p | cut -d, -f1)
total_2022() {
  "$BIN" --db "$DB" report annual --year 2022 --format csv | awk -F, -v id="$ID" '$1==id{print $8}'
}
check "before: the person has 0.0 hours in 2022" test "$(total_2022)" = "0.0"

export CELEDGER_EXPORT_DIR="$WORK/exports" CELEDGER_CONFIG_DIR="$WORK/config"
t new-session -d -s e2e -x 120 -y 32 "'$BIN' --db '$DB' --user 李会计 --year 2022; echo EXIT=\$? > '$WORK/exit'; sleep 60"
check "the persons screen opens on the server" wait_for "继续教育登记簿"
check "it names the server, not a file" wait_for "postgresql://"
check "it shows the year and counts" wait_for "2022年度"

t send-keys -t e2e /
t send-keys -t e2e -l "$ID"
check "search by ID number narrows the list to one person" wait_for "人员 1 ·"
t send-keys -t e2e Enter Enter
check "Enter opens the person" wait_for "合计 0.0 / 90"

t send-keys -t e2e a
check "a opens the record form" wait_for "新增学习记录"
t send-keys -t e2e Tab Tab Tab Tab
t send-keys -t e2e -l "BIM 应用培训"
t send-keys -t e2e Tab
t send-keys -t e2e -l "江西省建设厅"
t send-keys -t e2e Tab C-u
t send-keys -t e2e -l "2022-06-01"
t send-keys -t e2e Tab C-u
t send-keys -t e2e -l "2022-06-05"
t send-keys -t e2e Tab Tab Tab Tab
t send-keys -t e2e -l "40"
check "the form explains what the record will count" wait_for "计入2022年度 40.0 学时"
t send-keys -t e2e C-s
check "saving closes the form and the totals change at once" wait_for "合计 40.0 / 90"
check "the new record is listed" wait_for "BIM 应用培训"
check "the report from the server agrees: 40.0 hours in 2022" test "$(total_2022)" = "40.0"
check "the server's history names the clerk" sh -c "'$BIN' --db '$DB' history '$ID' | grep -q 李会计"

# Another clerk commits from another process: the open screen shows it by itself, told by the server
# (LISTEN/NOTIFY, pg7), without a key.
printf 'id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours,recognition\n%s,training,professional,另一位经办人的培训,2022-07-01,2022-07-02,10,10,recognized\n' "$ID" >"$WORK/other.csv"
"$BIN" --db "$DB" --user 王会计 import records "$WORK/other.csv" >/dev/null
check "another clerk's import shows on the open screen without a key" wait_for "另一位经办人的培训"
check "and its totals with it" wait_for "合计 50.0 / 90"

t send-keys -t e2e Escape
t send-keys -t e2e q
for _ in $(seq 1 200); do [[ -s "$WORK/exit" ]] && break; sleep 0.05; done
check "q quits with exit status 0" grep -qx "EXIT=0" "$WORK/exit"
t kill-session -t e2e 2>/dev/null || true

# The server backed up into a SQLite file, opened in the terminal like any ledger: the same person, the
# record added above, the same totals.
SNAP="$WORK/快照.sqlite"
check "backup of the server writes a SQLite snapshot" sh -c "'$BIN' --db '$DB' backup '$SNAP' | grep -q '已备份'"
check "check passes on the snapshot" sh -c "'$BIN' --db '$SNAP' check >/dev/null"
rm -f "$WORK/exit"
t new-session -d -s e2e -x 120 -y 32 "'$BIN' --db '$SNAP' --user 李会计 --year 2022; echo EXIT=\$? > '$WORK/exit'; sleep 60"
check "the snapshot opens as a file ledger" wait_for "快照.sqlite"
t send-keys -t e2e /
t send-keys -t e2e -l "$ID"
check "the snapshot finds the person by ID number" wait_for "人员 1 ·"
t send-keys -t e2e Enter Enter
# (40 hours added through the form, 10 by the other clerk's import above.)
check "the snapshot has the records added on the server, with their totals" wait_for "合计 50.0 / 90"
check "and lists it" wait_for "BIM 应用培训"
t send-keys -t e2e Escape
t send-keys -t e2e q
for _ in $(seq 1 200); do [[ -s "$WORK/exit" ]] && break; sleep 0.05; done
check "q quits the snapshot with exit status 0" grep -qx "EXIT=0" "$WORK/exit"

# Import from the screen on the server (e2e-lib.sh), as 李会计.
import_roster_through_ui "--user 李会计 --year 2024" " on a server" "$WORK/exit3"
check "the server's report has the person" bash -c "'$BIN' --db '$DB' report annual --year 2024 --format csv | grep -q 11010519491231002X"
check "the server's history names the clerk who imported" sh -c "'$BIN' --db '$DB' history 11010519491231002X | grep -q 李会计"
check "the bad row was not written" sh -c "! '$BIN' --db '$DB' export persons --format csv | grep -q 36010219900101123"
t send-keys -t e2e Escape
t send-keys -t e2e q
for _ in $(seq 1 200); do [[ -s "$WORK/exit3" ]] && break; sleep 0.05; done
check "q quits the import session with exit status 0" grep -qx "EXIT=0" "$WORK/exit3"

# A unit's clerk, as a login role of its own (pg6): the screens show that unit's persons only (a wider
# terminal: the header names the longer URI).
UNIT=$("$BIN" --db "$DB" export persons --format csv | awk -F, -v id="$ID" '$1==id{print $4}')
OTHER=$("$BIN" --db "$DB" export persons --format csv | awk -F, -v u="$UNIT" 'NR>1 && $4!=u{print $1; exit}')
psql -q "$CELEDGER_TEST_PG" -c "CREATE ROLE ${NAME}_adm LOGIN" -c "CREATE ROLE ${NAME}_rec LOGIN" >/dev/null
"$BIN" --db "$DB" clerk add 王管理 --role admin --db-role "${NAME}_adm" >/dev/null
"$BIN" --db "$DB" clerk add 李录入 --role recorder --unit "$UNIT" --db-role "${NAME}_rec" >/dev/null
CLERK_DB="${DB/:\/\/postgres@/://${NAME}_rec@}"
IN_UNIT=$("$BIN" --db "$CLERK_DB" report annual --year 2022 --format csv | tail -n +2 | grep -c .)
ALL=$("$BIN" --db "$DB" report annual --year 2022 --format csv | tail -n +2 | grep -c .)
check "the unit's clerk reads fewer persons than the owner ($IN_UNIT of $ALL)" test "$IN_UNIT" -lt "$ALL"
rm -f "$WORK/exit"
t kill-session -t e2e
t new-session -d -s e2e -x 160 -y 32 "'$BIN' --db '$CLERK_DB' --year 2022; echo EXIT=\$? > '$WORK/exit'; sleep 60"
check "the unit's clerk's persons screen counts its unit only" wait_for "人员 $IN_UNIT ·"
t send-keys -t e2e /
t send-keys -t e2e -l "$OTHER"
check "another unit's person is not found by ID number" wait_for "人员 0 ·"
t send-keys -t e2e C-u
t send-keys -t e2e -l "$ID"
check "the clerk's own unit's person is" wait_for "人员 1 ·"
t send-keys -t e2e Escape
t send-keys -t e2e q
for _ in $(seq 1 200); do [[ -s "$WORK/exit" ]] && break; sleep 0.05; done
check "the clerk's q quits with exit status 0" grep -qx "EXIT=0" "$WORK/exit"

echo "e2e-tmux-pg: $passed passed, $failed failed"
(( failed == 0 ))
