#!/usr/bin/env bash
# Real-terminal end-to-end test: the real binary in tmux (own socket, fixed size, C.UTF-8), driven with
# keys, read back with capture-pane, polling for text instead of sleeping.
# Usage: scripts/e2e-tmux.sh path/to/celedger
set -euo pipefail
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
SOCK="$WORK/tmux.sock"
DB="$WORK/ledger.sqlite"
. "$ROOT/scripts/e2e-lib.sh"

# A ledger with one known person and no record in 2024, plus demo colleagues.
"$BIN" --db "$DB" demo --persons 300 --years 2023-2024 --seed 5 >/dev/null
cat > "$WORK/persons.csv" <<'CSV'
身份证号,姓名,单位,部门,职称,职称级别
34052419800101001X,欧阳明辉,江西省建筑设计研究院,结构所,工程师,中级
CSV
"$BIN" --db "$DB" import persons "$WORK/persons.csv" >/dev/null

total_2024() {
  "$BIN" --db "$DB" report annual --year 2024 --format csv | awk -F, '$1=="34052419800101001X"{print $8}'
}
check "before: 欧阳明辉 has 0.0 hours in 2024" test "$(total_2024)" = "0.0"

export CELEDGER_EXPORT_DIR="$WORK/exports" CELEDGER_CONFIG_DIR="$WORK/config"
t new-session -d -s e2e -x 120 -y 32 "'$BIN' --db '$DB' --year 2024; echo EXIT=\$? > '$WORK/exit'; sleep 60"
check "the persons screen opens" wait_for "继续教育登记簿"
check "it shows the year and counts" wait_for "2024年度"

t send-keys -t e2e / o y m h
check "search by pinyin initials finds 欧阳明辉" wait_for "欧阳明辉"
check "the search narrows the list to one person" wait_for "人员 1 ·"
t send-keys -t e2e Enter Enter
check "Enter opens the person" wait_for "合计 0.0 / 90"

t send-keys -t e2e a
check "a opens the record form" wait_for "新增学习记录"
t send-keys -t e2e Tab Tab Tab Tab
t send-keys -t e2e -l "BIM 应用培训"
t send-keys -t e2e Tab
t send-keys -t e2e -l "江西省建设厅"
t send-keys -t e2e Tab C-u
t send-keys -t e2e -l "2024-06-01"
t send-keys -t e2e Tab C-u
t send-keys -t e2e -l "2024-06-05"
t send-keys -t e2e Tab Tab Tab Tab
t send-keys -t e2e -l "40"
check "the form explains what the record will count" wait_for "计入2024年度 40.0 学时"
t send-keys -t e2e C-s
check "saving closes the form and the totals change at once" wait_for "合计 40.0 / 90"
check "the new record is listed" wait_for "BIM 应用培训"
check "the report agrees: 40.0 hours in 2024" test "$(total_2024)" = "40.0"

t resize-window -t e2e -x 60 -y 12
check "too small: asks to enlarge the window" wait_for "窗口太小"
t resize-window -t e2e -x 100 -y 30
check "resize redraws at the new size" wait_for "合计 40.0 / 90"

# Ctrl-C in a form with changes asks first (a spreadsheet user presses it to copy); n keeps the form.
t send-keys -t e2e a Tab Tab Tab Tab
t send-keys -t e2e -l "半填的表"
t send-keys -t e2e C-c
check "Ctrl-C in a half-filled form asks before quitting" wait_for "放弃修改并退出？"
t send-keys -t e2e n
check "n keeps the form with what was typed" wait_for "半填的表"
t send-keys -t e2e Escape
check "Esc asks to discard" wait_for "放弃未保存的修改？"
t send-keys -t e2e y
check "y discards the form" wait_gone "半填的表"

# x exports the person's records to the export folder and the status line names the file.
t send-keys -t e2e x
check "x names the exported file" wait_for "已导出 1 行到 $WORK/exports/"
check "the export is an owner-only XLSX in the export folder" \
  bash -c "ls '$WORK/exports/'*.xlsx >/dev/null && test \$(stat -c %a '$WORK/exports') = 700 && test \$(stat -c %a '$WORK/exports/'*.xlsx) = 600"

t send-keys -t e2e Escape
check "Esc goes back to the persons list" wait_for "人员 1 ·"

# Another process imports while the UI is open: it is not blocked, and R shows its work.
cat > "$WORK/more.csv" <<'CSV'
身份证号,学习方式,科目类别,内容,开始日期,结束日期,申报学时,认定学时
34052419800101001X,网络学习,公需科目,公需科目网络课程,2024-09-01,2024-09-10,20,20
CSV
check "an import runs while the UI is open" "$BIN" --db "$DB" import records "$WORK/more.csv"
t send-keys -t e2e R
check "R shows the other process's import at once" wait_for "60.0 ███"

# U undoes the clerk's last change (the recognised BIM record): it is locked, so the undo asks for a reason.
t send-keys -t e2e U
check "U asks before undoing the last change" wait_for "撤销上一次修改：新增记录“BIM 应用培训”？"
t send-keys -t e2e y
check "the record is recognised, so the undo asks for the reopening's reason" wait_for "须先重新打开"
t send-keys -t e2e -l "登记错了"
t send-keys -t e2e Enter
check "the undo is done and said" wait_for "已撤销：新增记录“BIM 应用培训”"
check "the report agrees: back to the imported 20.0 hours" test "$(total_2024)" = "20.0"
check "the history keeps the record's insert, reopening and delete" \
  bash -c "'$BIN' --db '$DB' history 34052419800101001X | grep -c 'BIM 应用培训' | grep -qx 2"
# V saves the list as it is (the search for 欧阳明辉) as a named view.
t send-keys -t e2e V Enter
t send-keys -t e2e -l "欧阳"
t send-keys -t e2e Enter
check "V saves the list as a view" wait_for "已保存视图“欧阳”"
t send-keys -t e2e q
for _ in $(seq 1 200); do [[ -s "$WORK/exit" ]] && break; sleep 0.05; done
check "q quits with exit status 0" grep -qx "EXIT=0" "$WORK/exit"
check "the terminal is given back (no UI left on screen)" wait_gone "继续教育登记簿"

# SIGTERM also restores the terminal and ends the program.
t respawn-pane -k -t e2e "'$BIN' --db '$DB' --year 2024 --view 欧阳; echo EXIT=\$? > '$WORK/exit2'; sleep 60"
check "the UI opens again" wait_for "继续教育登记簿"
check "--view opens the persons list in the saved view" wait_for "搜索: /oymh"
check "the view's search is applied" wait_for "人员 1 ·"
pid=$(pgrep -f -- "--db $DB --year 2024" | head -n 1 || true)
[[ -n "$pid" ]] && kill -TERM "$pid"
for _ in $(seq 1 200); do [[ -s "$WORK/exit2" ]] && break; sleep 0.05; done
check "SIGTERM ends the UI with status 143" grep -qx "EXIT=143" "$WORK/exit2"
check "after SIGTERM the screen is restored" wait_gone "继续教育登记簿"

# Import from the screen (e2e-lib.sh), then U takes it back.
import_roster_through_ui "--year 2024" "" ""
check "the CLI sees the person too" bash -c "'$BIN' --db '$DB' report annual --year 2024 --format csv | grep -q 11010519491231002X"
# U takes the whole import back in one step, as a new change in the history.
t send-keys -t e2e Enter U
check "U asks before undoing the import" wait_for "撤销上一次修改：从 花名册.csv 导入人员"
t send-keys -t e2e y
check "the undo says what it took back and that nothing is left to undo" wait_for "没有更早的修改可撤销"
check "the imported person is gone from the ledger" \
  bash -c "! '$BIN' --db '$DB' report annual --year 2024 --format csv | grep -q 11010519491231002X"
check "the history keeps the import and its undo" \
  bash -c "'$BIN' --db '$DB' history 11010519491231002X | grep -q 新增人员 && '$BIN' --db '$DB' history 11010519491231002X | grep -q 删除人员"

# SIGKILL at varied moments right after Ctrl-S saves a record: the ledger is always sound and the record
# is either wholly there or not there at all.
records() { sqlite3 "$DB" "SELECT count(*) FROM record"; }
for delay in 0 0.002 0.005 0.01 0.03 0.1; do
  before=$(records)
  t respawn-pane -k -t e2e "'$BIN' --db '$DB' --year 2024; sleep 60"
  wait_for "继续教育登记簿" >/dev/null || true
  t send-keys -t e2e / o y m h
  wait_for "人员 1 ·" >/dev/null || true
  t send-keys -t e2e Enter Enter
  wait_for "合计 60.0 / 90" >/dev/null || true
  t send-keys -t e2e a Tab Tab Tab Tab
  t send-keys -t e2e -l "中断测试 $delay"
  t send-keys -t e2e Tab Tab C-u
  t send-keys -t e2e -l "2024-07-01"
  t send-keys -t e2e Tab C-u
  t send-keys -t e2e -l "2024-07-01"
  t send-keys -t e2e Tab Tab Tab Tab
  t send-keys -t e2e -l "8"
  wait_for "计入2024年度 8.0 学时" >/dev/null || true
  pid=$(pgrep -f -- "--db $DB --year 2024" | head -n 1 || true)
  t send-keys -t e2e C-s
  sleep "$delay"
  [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.02; done
  after=$(records)
  check "killed ${delay}s after saving: integrity ok" test "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = "ok"
  check "killed ${delay}s after saving: the record is all there or not at all ($before → $after)" \
    test "$after" = "$before" -o "$after" = "$((before + 1))"
done
t respawn-pane -k -t e2e "sleep 60"
check "after the kills, celedger check finds the ledger sound" "$BIN" --db "$DB" check

# Clerks on one ledger (issue 17): a stale save is refused naming the other clerk, and an open screen shows
# another process's change by itself.
DB2="$WORK/clerks.sqlite"
"$BIN" --db "$DB2" init >/dev/null
"$BIN" --db "$DB2" import persons "$WORK/persons.csv" --user 管理员 >/dev/null
"$BIN" --db "$DB2" clerk add 管理员 --role admin --user 管理员 >/dev/null
"$BIN" --db "$DB2" clerk add 王芳 --role reviewer --user 管理员 >/dev/null
"$BIN" --db "$DB2" clerk add 李明 --role recorder --user 管理员 >/dev/null
moved() {
  printf '身份证号,姓名,部门\n34052419800101001X,欧阳明辉,%s\n' "$1" > "$WORK/moved.csv"
  "$BIN" --db "$DB2" import persons "$WORK/moved.csv" --user 王芳 >/dev/null
}
t resize-window -t e2e -x 140 -y 32  # wide enough for the unit/department column in full
t respawn-pane -k -t e2e "'$BIN' --db '$DB2' --year 2024 --user 李明; sleep 60"
check "clerks: the UI opens as 李明" wait_for "欧阳明辉"
t send-keys -t e2e e
check "clerks: e opens 欧阳明辉's form" wait_for "编辑人员"
t send-keys -t e2e Tab Tab Tab Tab Tab
t send-keys -t e2e -l "高级工程师"
moved "结构二所"
t send-keys -t e2e C-s
check "clerks: the stale save is refused, naming the other clerk" wait_for "王芳 于"
check "clerks: the box says what changed" wait_for "部门: 结构所 → 结构二所"
check "clerks: nothing of the stale save was written" \
  bash -c "'$BIN' --db '$DB2' export persons | grep -q '工程师' && ! '$BIN' --db '$DB2' export persons | grep -q '高级工程师'"
t send-keys -t e2e r
check "clerks: r reloads the form with the other clerk's change" wait_for "部门     结构二所"
t send-keys -t e2e Escape
check "clerks: Esc closes the reloaded form" wait_gone "编辑人员"
check "clerks: the list shows the department" wait_for "结构二所"
moved "结构三所"
check "clerks: the screen shows another process's change without a key" wait_for "结构三所"
t respawn-pane -k -t e2e "XDG_CONFIG_HOME='$WORK/xdg' CELEDGER_CONFIG_DIR= '$BIN' --db '$DB2' --year 2024; sleep 60"
check "clerks: without a name the UI asks which clerk, once" wait_for "你是哪一位"
t send-keys -t e2e Enter
check "clerks: the chosen clerk is said" wait_for "经办人：李明"
check "clerks: the choice is remembered for the ledger" grep -q "李明" "$WORK/xdg/celedger/clerks"
t respawn-pane -k -t e2e "sleep 60"

echo "e2e-tmux: $passed passed, $failed failed"
(( failed == 0 ))
