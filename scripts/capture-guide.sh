#!/usr/bin/env bash
# Regenerates the text screens of the user guides (docs/screens/*.txt): the real binary on a fresh demo
# ledger, driven in tmux on its own socket at a fixed size, read back with capture-pane (polling for the
# expected text, then until the screen stops changing), once in Chinese and once in English; and the
# command-line transcripts the guides quote.
#
# Usage: scripts/capture-guide.sh [path/to/celedger]     (default: .build/debug/celedger)
#
# Every screen is written to docs/screens/<name>.<zh|en>.txt with trailing spaces and trailing blank lines
# removed. What changes from day to day is replaced, so that two runs give the same files:
#   today's date                YYYY-MM-DD (also inside times: YYYY-MM-DD hh:mm:ss, YYYY-MM-DDThh:mm:ssZ,
#                               YYYYMMDDhhmmss in file names, YYYY年MM月DD日 on cards)
#   the year of a card number   JX-YYYY-000001
#   the next year               YYYY+1 (the end of the years `rules add` says a rule set judges)
# The program has no option to fix the date, hence the placeholders. Two more rewrites keep the files
# stable and readable: the temporary home folder is written ~ (the cards folder on the message line of
# `p`), and the invisible byte-order mark at the start of a CSV file shown with cat or head is left out
# (the `od` line of report-short-files shows that it is there).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-.build/debug/celedger}
[[ -x "$BIN" ]] || BIN="$ROOT/$BIN"
[[ -x "$BIN" ]] || { echo "capture-guide: no celedger binary at ${1:-.build/debug/celedger}" >&2; exit 2; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
OUT="$ROOT/docs/screens"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/celedger-guide.XXXXXX")
W=110 H=28                      # the window size of every screen in the guides
SOCKET=celedger-guide

# A fixed environment: the same output whatever the caller's locale, time zone or home.
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC
export HOME="$WORK/home"        # the message line shows the cards folder as ~/celedger-cards
export CELEDGER_DATA="$ROOT/data"
export CELEDGER_CARD_DIR="$HOME/celedger-cards"
export CELEDGER_ISSUER="江西理工大学人事处"
unset TMUX CELEDGER_DB XDG_DATA_HOME LC_MESSAGES
mkdir -p "$HOME" "$OUT"

t() { tmux -L "$SOCKET" -f /dev/null "$@"; }
cleanup() {
  t kill-server 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
t kill-server 2>/dev/null || true   # a server left by an interrupted run

# ---------------------------------------------------------------------------------------------------------
# Placeholders for what depends on the day (see the top).

TODAY=$(date +%F)
Y=${TODAY:0:4} MM=${TODAY:5:2} DD=${TODAY:8:2}
M=$((10#$MM)) D=$((10#$DD))
ZHDATE="${Y}年${M}月${D}日"
ZHPAD=$((4 - ${#M} - ${#D}))   # YYYY年MM月DD日 is this many cells wider than the date
PAD=$(printf '%*s' "$ZHPAD" '')

pp() {
  sed -E \
    -e "s|${HOME}|~|g" \
    -e 's/\xEF\xBB\xBF//g' \
    -e "s/${TODAY} [0-9]{2}:[0-9]{2}:[0-9]{2}/YYYY-MM-DD hh:mm:ss/g" \
    -e "s/${TODAY}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/YYYY-MM-DDThh:mm:ssZ/g" \
    -e "s/${Y}${MM}${DD}[0-9]{6}/YYYYMMDDhhmmss/g" \
    -e "s/${TODAY}/YYYY-MM-DD/g" \
    -e "s/JX-${Y}-/JX-YYYY-/g" \
    -e "s/–$((Y + 1))([）)])/–YYYY+1\1/g" \
    -e "s/${ZHDATE}${PAD}( )/YYYY年MM月DD日\1/g" \
    -e "s/${PAD}( +[^ ]*)${ZHDATE}\$/\1YYYY年MM月DD日/" \
    -e "s/${ZHDATE}/YYYY年MM月DD日/g" \
    -e 's/[[:space:]]+$//' |
  sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'   # no blank lines at the end
}

# ---------------------------------------------------------------------------------------------------------
# Language of a run: LG is zh or en; L picks the text of the language.

LG=zh
L() { if [[ $LG == zh ]]; then printf '%s' "$1"; else printf '%s' "$2"; fi; }

# ---------------------------------------------------------------------------------------------------------
# Command-line transcripts: cli NAME DIR 'command line' … writes "$ command line" and what it prints
# (stdout, then stderr as a terminal shows it) for each line; `echo $?` shows the status of the line before.
# `celedger` in a line is the binary under test.

cli() {
  local name=$1 dir=$2; shift 2
  (
    set +e
    cd "$dir"
    celedger() { "$BIN" "$@"; }
    status=0
    for c in "$@"; do
      printf '$ %s\n' "$c"
      if [[ $c == 'echo $?' ]]; then echo "$status"; continue; fi
      eval "$c" 2>&1
      status=$?
    done
  ) | pp > "$OUT/$name.$LG.txt"
}

# A fresh demo ledger, docs.sqlite in DIR: the ledger every screen of the guides shows.
demo() { mkdir -p "$1" && (cd "$1" && "$BIN" --lang "$LG" --db docs.sqlite demo --persons 300 --years 2020-2024 --seed 3); }

# ---------------------------------------------------------------------------------------------------------
# The terminal UI in tmux.

screen() { t capture-pane -p -t guide 2>/dev/null; }

. "$ROOT/scripts/tmux-poll.sh"
# wait_for / wait_gone TEXT [SECONDS]: poll until TEXT is on the screen / has left it; else stop the run.
wait_for() {
  poll_screen present "$1" "${2:-15}" || { echo "capture-guide: waited in vain for “$1” ($LG)" >&2; exit 1; }
}
wait_gone() {
  poll_screen absent "$1" "${2:-15}" || { echo "capture-guide: “$1” stayed on the screen ($LG)" >&2; exit 1; }
}

# settle: poll until two captures 0.1 s apart are the same (the program has finished drawing).
settle() {
  local a b n=0
  a=$(screen)
  while (( n < 100 )); do
    sleep 0.1
    b=$(screen)
    [[ "$a" == "$b" ]] && return 0
    a=$b n=$((n + 1))
  done
}

# snap NAME: the screen as it is now, to docs/screens/NAME.LG.txt.
snap() {
  settle
  screen | pp > "$OUT/$1.$LG.txt"
}

keys() { t send-keys -t guide "$@"; }
type_text() { t send-keys -t guide -l -- "$1"; }
# Esc on its own (the program waits 25 ms for a key that would make it Alt-something), then what it shows.
esc() { keys Escape; wait_for "$1"; }
escgone() { keys Escape; wait_gone "$1"; }

# ui DIR [ARGS…]: the program on DIR/docs.sqlite at 2024, as 李芳, in a fresh tmux server.
ui() {
  local dir=$1; shift
  t kill-server 2>/dev/null || true
  t new-session -d -s guide -x "$W" -y "$H" \
    "cd '$dir' && exec '$BIN' --db docs.sqlite --year 2024 --lang $LG --user 李芳 $*"
  wait_for "2024"
}

# quit: q on the persons list ends the program, and with it the tmux server.
quit() {
  keys q
  local start=$SECONDS
  while t has-session -t guide 2>/dev/null; do
    (( SECONDS - start < 15 )) || { echo "capture-guide: the program did not quit" >&2; exit 1; }
    sleep 0.05
  done
}

# open_person NAME TEXT: on the persons list, search for NAME (one person found), open them, wait for TEXT.
open_person() {
  keys /
  type_text "$1"
  wait_for "/$1"
  wait_for "$(L '人员 1 ·' '1 persons ·')"
  keys Enter
  wait_gone "$(L 'Enter 确定' 'Enter done')"
  keys Enter
  wait_for "$2"
}

# ---------------------------------------------------------------------------------------------------------
# The story of the guides, in one language.

run_language() {
  LG=$1
  local base="$WORK/$LG"
  mkdir -p "$base"
  rm -f "$OUT"/*."$LG".txt
  echo "capture-guide: $LG" >&2

  # --- 2.2 the demo ledger ---------------------------------------------------------------------------
  mkdir -p "$base/tui"
  cli demo "$base/tui" "celedger$(L '' ' --lang en') --db docs.sqlite demo --persons 300 --years 2020-2024 --seed 3"

  # --- 3.1, 3.2: the persons list, search, filters, sort -------------------------------------------------
  ui "$base/tui"
  wait_for "$(L '人员 282' '282 persons')"
  snap persons
  keys '?'; wait_for "$(L '┌─ 帮助' '┌─ Help')"
  snap persons-help
  escgone "$(L '┌─ 帮助' '┌─ Help')"

  keys /; wait_for "$(L 'Enter 确定' 'Enter done')"
  type_text zs; wait_for "/zs"; wait_for "$(L '人员 2 ·' '2 persons ·')"
  snap search
  keys Enter; wait_gone "$(L 'Enter 确定' 'Enter done')"
  esc "$(L '已清除搜索和筛选' 'search and filters cleared')"

  keys f; wait_for "$(L '按单位' 'by unit')"
  snap filter-menu
  keys j j Enter; wait_for "$(L '┌─ 状态' '┌─ Status')"
  snap filter-status
  keys j j Enter; wait_for "$(L '状态: 未达标' 'Status: short')"
  snap filter-short
  esc "$(L '已清除搜索和筛选' 'search and filters cleared')"

  keys s; wait_for "$(L '排序（再选一次反向）' 'Sort (again to reverse)')"
  snap sort-menu
  escgone "$(L '排序（再选一次反向）' 'Sort (again to reverse)')"

  # --- 3.3 the person screen: 陈珍卫 -----------------------------------------------------------------
  open_person 陈珍卫 "$(L '合计 76.0 / 90' 'total 76.0 / 90')"
  snap person
  keys j; wait_for "$(L '与建议不同' 'differs')"
  snap person-differs
  keys j j; wait_for "$(L '与已登记活动重复' 'recognition refused')"
  snap person-rejected
  keys j j; wait_for "$(L '考核不合格，不计入' 'assessment failed, not counted')"
  snap person-failed
  keys '?'; wait_for "$(L '┌─ 帮助' '┌─ Help')"
  snap person-help
  escgone "$(L '┌─ 帮助' '┌─ Help')"
  keys e; wait_for "$(L '已认定的记录已锁定' 'a recognised record is locked')"
  snap person-locked

  # --- 3.4 the record form, 4.1 a new record -----------------------------------------------------------
  keys a; wait_for "$(L '新增学习记录' 'New record')"
  snap record-form
  keys Enter; wait_for "$(L '✗ 内容为空' '✗ ')"
  snap record-form-errors
  escgone "$(L '新增学习记录' 'New record')"

  keys a; wait_for "$(L '新增学习记录' 'New record')"
  keys Space Space Space Tab Space Tab Tab Tab
  type_text "2024年度公需科目网络课程（补学）"; keys Tab
  type_text "江西省人力资源和社会保障厅"; keys Tab
  type_text 2024-11-02; keys Tab
  type_text 2024-11-11; keys Tab Tab Tab
  type_text 86; keys Tab
  type_text 30
  wait_for "$(L '计入2024年度 30.0 学时' 'counts 30.0 hours in 2024')"
  snap record-form-filled
  keys Enter; wait_for "$(L '已保存' 'saved')"; wait_for "$(L '合计 106.0 / 90' 'total 106.0 / 90')"
  snap person-added

  # --- 4.2 correct a recognised record: reopen, edit, recognise again; then the card ---------------------
  keys e; wait_for "$(L '已认定的记录已锁定' 'a recognised record is locked')"
  keys u; wait_for "$(L '重新打开：' 'Reopen: ')"
  type_text "$(L '证书上为24学时，需更正' 'the certificate says 24 hours')"
  snap reopen-prompt
  keys Enter; wait_for "$(L '已重新打开' 'reopened')"
  snap person-reopened
  keys e; wait_for "$(L '编辑学习记录' 'Edit record')"
  keys Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab C-u
  type_text 24; keys Tab Tab Tab
  type_text JX2024-BX-0117
  wait_for "$(L '实际 24' 'actual 24')"; wait_for JX2024-BX-0117
  snap record-form-edit
  keys Enter; wait_for "$(L '已保存' 'saved')"
  keys r; wait_for "$(L '┌─ 认定：' '┌─ Recognition: ')"
  snap recognise-menu-person
  keys Enter; wait_for "$(L '已将 1 条记录设为已认定' '1 record set to')"
  wait_for "$(L '合计 100.0 / 90' 'total 100.0 / 90')"
  snap person-corrected
  keys p; wait_for "$(L '已写入' 'written to')"
  snap person-card
  keys h; wait_for "$(L '修改记录  陈珍卫' 'History  陈珍卫')"
  snap history
  keys '?'; wait_for "$(L '┌─ 帮助' '┌─ Help')"
  snap history-help
  escgone "$(L '┌─ 帮助' '┌─ Help')"
  esc "$(L '近五年' '5 years')"

  # --- 3.9 deleting a record that is not recognised (the rejected one), cancelled -----------------------
  keys g j j j; wait_for "$(L '与已登记活动重复' 'recognition refused')"
  keys d; wait_for "$(L '┌─ 确认' '┌─ Confirm')"
  snap delete-record-confirm
  keys n; wait_gone "$(L '┌─ 确认' '┌─ Confirm')"
  esc "$(L '人员 1 ·' '1 persons ·')"
  esc "$(L '已清除搜索和筛选' 'search and filters cleared')"

  # --- suggested hours and an override with its reason: 程超, a presenter at a conference ---------------
  open_person 程超 "$(L '合计 88.0 / 90' 'total 88.0 / 90')"
  keys a; wait_for "$(L '新增学习记录' 'New record')"
  keys Space Space Tab Tab Tab Space Tab
  type_text 全省茶叶产业高质量发展学术研讨会; keys Tab
  type_text 江西省茶叶学会; keys Tab
  type_text 2024-11-21; keys Tab
  type_text 2024-11-22; keys Tab Tab Left Tab Tab
  type_text 16
  wait_for "$(L '计入2024年度 14.0 学时' 'counts 14.0 hours in 2024')"
  snap record-form-suggested
  keys Tab C-u; type_text 16; keys Enter
  wait_for "$(L '认定学时与规则建议' 'differ from the rule')"
  snap record-form-override
  type_text "$(L '会议通知注明报告人16学时' 'the notice grants presenters 16 hours')"
  keys Enter; wait_for "$(L '已保存' 'saved')"
  keys k; wait_gone "$(L '已保存' 'saved')"
  keys j; wait_for "$(L '认定说明：' '(recognised 16.0, differs)')"
  snap person-override
  esc "$(L '人员 1 ·' '1 persons ·')"
  esc "$(L '已清除搜索和筛选' 'search and filters cleared')"

  # --- 3.5, 4.3 the recognition screen -------------------------------------------------------------------
  keys r; wait_for "$(L '待认定 146 条' '146 pending')"
  snap recognition
  keys '?'; wait_for "$(L '┌─ 帮助' '┌─ Help')"
  snap recognition-help
  escgone "$(L '┌─ 帮助' '┌─ Help')"
  keys Space Space; wait_for "$(L '已选 2' '2 marked')"
  snap recognition-marked
  keys n; wait_for "$(L '不予认定：2 条记录' 'Reject: 2 records')"
  keys Enter; wait_for "$(L '必须填写' 'required')"
  snap reject-required
  type_text "$(L '证明材料不全，请补交结业证书' 'no certificate; please hand it in')"
  snap reject-reason
  keys Enter; wait_for "$(L '待认定 144 条' '144 pending')"
  snap recognition-rejected
  keys g y; wait_for "$(L '┌─ 确认' '┌─ Confirm')"
  snap recognise-confirm
  keys y; wait_for "$(L '待认定 143 条' '143 pending')"
  snap recognition-recognised
  keys r; wait_for "$(L '┌─ 认定：' '┌─ Recognition: ')"
  snap recognition-menu
  escgone "$(L '┌─ 认定：' '┌─ Recognition: ')"
  keys '*'; wait_for "$(L '已选 143' '143 marked')"
  keys y; wait_for "$(L '┌─ 确认' '┌─ Confirm')"
  snap recognise-all-confirm
  keys n; wait_gone "$(L '┌─ 确认' '┌─ Confirm')"
  keys '*'; wait_for "$(L '已选 0' '0 marked')"
  esc "$(L '人员 282' '282 persons')"
  open_person 赵然 "$(L '认定说明：证明材料不全' 'recognition refused, not counted')"
  snap person-reason
  esc "$(L '人员 1 ·' '1 persons ·')"
  esc "$(L '已清除搜索和筛选' 'search and filters cleared')"

  # --- 3.6 the person form; deleting a person ------------------------------------------------------------
  keys a; wait_for "$(L '新增人员' 'New person')"
  type_text 36010219850612002; wait_for "$(L '✗ 身份证号' '✗ ')"
  snap person-form-bad
  type_text 3; keys Tab
  type_text 刘晓红; keys Tab
  type_text 南昌市第一医院; keys Tab
  type_text 内科; keys Tab
  type_text 临床医学; keys Tab
  type_text 主治医师; keys Tab Space Space
  wait_for "$(L '出生日期 1985-06-12' 'born 1985-06-12')"; wait_for "$(L '‹ 中级 ›' '‹ intermediate ›')"
  snap person-form
  keys Enter; wait_for "$(L '已保存' 'saved')"; wait_for "$(L '人员 283' '283 persons')"
  keys d; wait_for "$(L '┌─ 确认' '┌─ Confirm')"
  snap delete-person-confirm
  keys y; wait_for "$(L '已删除' 'deleted')"; wait_for "$(L '人员 282' '282 persons')"
  keys g d; wait_for "$(L '不能删除' 'cannot be deleted')"
  snap delete-person-refused

  # --- statistics, and one class for several persons ------------------------------------------------------
  keys t; wait_for "$(L '继续教育统计' 'CE statistics')"; wait_for "$(L '按科目类别' 'By category')"
  snap stats
  keys '?'; wait_for "$(L '┌─ 帮助' '┌─ Help')"
  snap stats-help
  escgone "$(L '┌─ 帮助' '┌─ Help')"
  keys j j Enter; wait_for "$(L '单位: 丰城中学' 'Unit: 丰城中学')"
  snap stats-unit
  keys j m; wait_for "$(L '已标记 1 人' '1 marked')"
  keys j m m; wait_for "$(L '已标记 3 人' '3 marked')"
  snap class-marked
  keys A; wait_for "$(L '批量登记：为 3 人登记同一培训' 'Register a class for 3 persons')"
  keys Tab Tab Tab Tab
  type_text 新课程标准与大单元教学设计专题培训; keys Tab
  type_text 江西省教育厅; keys Tab
  type_text 2024-11-16; keys Tab
  type_text 2024-11-17; keys Tab Tab Tab
  type_text 16
  wait_for "$(L '计入2024年度 16.0 学时' 'counts 16.0 hours in 2024')"
  snap class-form
  keys Enter; wait_for "$(L '已为 3 人登记' 'registered for 3 persons')"
  snap class-done
  esc "$(L '已清除搜索和筛选' 'search and filters cleared')"

  # --- too small; re-reading after another program's import ---------------------------------------------
  t resize-window -t guide -x 60 -y 12; wait_for "$(L '窗口太小' 'too small')"
  snap too-small
  t resize-window -t guide -x "$W" -y "$H"; wait_for "$(L '人员 282' '282 persons')"
  cat > "$base/tui/$(L 新同事.csv new-colleague.csv)" <<'CSV'
身份证号,姓名,单位,部门,职称,职称级别,专业
360102199203150027,罗雅琴,南昌市第一医院,儿科,住院医师,初级,儿科学
CSV
  cli import-colleague "$base/tui" "celedger$(L '' ' --lang en') --db docs.sqlite import persons $(L 新同事.csv new-colleague.csv)"
  keys R; wait_for "$(L '人员 283' '283 persons')"
  snap reloaded
  quit

  # --- the card of 陈珍卫 again, from the command line: the same content keeps its number ---------------
  cli card-txt "$base/tui" \
    "celedger$(L '' ' --lang en') --db docs.sqlite --user 李芳 card 36070219840217592X --year 2024"
  cli card-html "$base/tui" \
    "celedger$(L '' ' --lang en') --db docs.sqlite --user 李芳 card 36070219840217592X --year 2024 -o $(L 陈珍卫-2024.html chen-2024.html)" \
    "ls ~/celedger-cards"
  cli card-draft "$base/tui" \
    "celedger$(L '' ' --lang en') --db docs.sqlite card 360702196505019138 --year 2024 --draft | head -4"

  # --- per-year caps: the example unit's rules added to a copy ------------------------------------------
  demo "$base/caps" >/dev/null
  cp "$ROOT/data/rules/examples/example-unit-2024.json" "$base/caps/"
  cli rules-add "$base/caps" \
    "celedger$(L '' ' --lang en') --db docs.sqlite --user 李芳 rules add example-unit-2024.json" \
    "celedger$(L '' ' --lang en') --db docs.sqlite rules list --years 2020-2024"
  cli report-caps "$base/caps" \
    "celedger$(L '' ' --lang en') --db docs.sqlite report annual --year 2024 --unit 南丰县蜜桔产业发展中心"
  cli report-caps-notes "$base/caps" \
    "celedger$(L '' ' --lang en') --db docs.sqlite report annual --year 2024 --unit 南丰县蜜桔产业发展中心 --format csv | grep 杨海宁"
  ui "$base/caps"
  open_person 杨海宁 "$(L '上限扣减 35.0' 'capped 35.0')"
  keys G; wait_for "$(L '本条扣 30.0' '30.0 trimmed here')"
  snap person-capped
  esc "$(L '人员 1 ·' '1 persons ·')"
  esc "$(L '已清除搜索和筛选' 'search and filters cleared')"
  quit

  # --- the command line on a fresh demo ledger -----------------------------------------------------------
  local c="celedger$(L '' ' --lang en') --db docs.sqlite"
  demo "$base/cli" >/dev/null
  cli report-short "$base/cli" "$c report annual --year 2024 --status short | head -12"
  cli report-short-files "$base/cli" \
    "$c report annual --year 2024 --status short -o $(L 未达标.txt short-2024.txt)" \
    "$c report annual --year 2024 --status short --format csv -o $(L 未达标.csv short-2024.csv)" \
    "$c report annual --year 2024 --status short --format xlsx -o $(L 未达标.xlsx short-2024.xlsx)" \
    "ls $(L 未达标.* short-2024.*)" \
    "head -c 3 $(L 未达标.csv short-2024.csv) | od -An -tx1"
  cli report-unit "$base/cli" "$c report annual --year 2024 --unit 上饶市人民医院"
  cli report-stats "$base/cli" "$c report stats --year 2024 | head -8"
  cli report-stats-title "$base/cli" "$c report stats --year 2024 --by title_level"
  cli report-stats-mode "$base/cli" "$c report stats --year 2024 --by mode" "$c report stats --year 2024 --by category"
  cli report-window "$base/cli" "$c report window --from 2020 --to 2024 --unit 丰城中学"
  cli report-window-incomplete "$base/cli" "$c report window --from 2020 --to 2024 --incomplete | head -6"
  cli rules-list "$base/cli" "$c rules list --years 2020-2024"
  cli rules-show "$base/cli" "$c rules show 2024"
  sed -e 's/"id": "example-unit-2024"/"id": "my-unit-2025"/' -e 's/"value": 45,/"value": 45.25,/' \
    "$ROOT/data/rules/examples/example-unit-2024.json" > "$base/cli/$(L 本单位细则.json my-unit.json)"
  cli rules-check "$base/cli" "$c rules check $(L 本单位细则.json my-unit.json)" 'echo $?'

  # Recognition from the command line, on one unit's pending records of 2024.
  cli review-list "$base/cli" "$c review list --year 2024 --unit 上饶市人民医院"
  local ids first second
  ids=$(cd "$base/cli" && "$BIN" --db docs.sqlite review list --year 2024 --unit 上饶市人民医院 --format csv | awk -F, 'NR > 1 { print $1 }')
  first=$(sed -n 1p <<<"$ids") second=$(sed -n 2p <<<"$ids")
  cli review-decide "$base/cli" \
    "$c review reject $first --reason $(L 未提供签到记录 "'no attendance record'") --reviewer 王芳" \
    "$c review recognize --all --year 2024 --unit 上饶市人民医院 --reviewer 王芳 --dry-run" \
    "$c review recognize --all --year 2024 --unit 上饶市人民医院 --reviewer 王芳" \
    "$c review list $first $second --state all"
  cli review-reopen "$base/cli" \
    "$c review reopen $second --reason $(L 证书编号录错 "'wrong certificate number'") --reviewer 王芳" \
    "$c review list $second --state all"

  # Templates.
  cli template "$base/cli" \
    "$c template persons" \
    "$c template records" \
    "$c template records --format xlsx -o $(L 学时登记模板.xlsx records-template.xlsx)" \
    "ls $(L 学时登记模板.xlsx records-template.xlsx)"

  # One class, many participants: a class file.
  cat > "$base/cli/$(L 新课标培训班.csv class-2024-11.csv)" <<'CSV'
学习方式,培训
科目类别,专业科目
内容,新课程标准与大单元教学设计专题培训
举办单位,江西省教育厅
开始日期,2024-11-16
结束日期,2024-11-17
申报学时,16
考核结果,合格

身份证号,姓名,考核结果,成绩,证明编号
360981200002103691,何铮家,优秀,95,JYT-2024-1101
361023198707021264,谭翔,,,JYT-2024-1102
360981196803027597,肖姗焕,合格,78,JYT-2024-1103
CSV
  cli import-class "$base/cli" \
    "cat $(L 新课标培训班.csv class-2024-11.csv)" \
    "$c import class $(L 新课标培训班.csv class-2024-11.csv)" \
    "$c import class $(L 新课标培训班.csv class-2024-11.csv)" \
    'echo $?'

  # Exports: UTF-8 with a byte-order mark, the stamp, formulas neutralised.
  cli export "$base/cli" \
    "$c export persons -o $(L 人员.csv persons.csv)" \
    "$c export records --year 2024 -o $(L 2024学时记录.csv records-2024.csv)" \
    "head -3 $(L 2024学时记录.csv records-2024.csv)"
  cli export-stamp "$base/cli" \
    "celedger$(L '' ' --lang en') --db docs.sqlite --user 王芳 export records --year 2024 --stamp -o $(L 2024学时记录.csv records-2024.csv)" \
    "tail -1 $(L 2024学时记录.csv records-2024.csv)" \
    "celedger$(L '' ' --lang en') --db docs.sqlite --user 王芳 export records --year 2024 --format xlsx -o $(L 2024学时记录.xlsx records-2024.xlsx)" \
    "ls $(L '2024学时记录.*' 'records-2024.*')"

  # --- a small ledger from the clerk's own spreadsheets (4.5, 4.8) ----------------------------------------
  local ce="$base/ce" e="celedger$(L '' ' --lang en')"
  local staff records broken extra
  staff=$(L 人员名单.csv staff.csv) records=$(L 2024学时登记.csv training-2024.csv)
  broken=$(L 损坏的人员名单.csv broken.csv) extra=$(L 王丽补录.csv wang-li-extra.csv)
  local rejected=${records%.csv}.rejected.csv
  mkdir -p "$ce"
  cat > "$ce/$staff" <<'CSV'
身份证号,姓名,单位,部门,职称,职称级别,专业
360102198506120023,刘晓红,南昌市第一医院,内科,主治医师,中级,临床医学
360403199003150041,王丽,南昌市第一医院,护理部,主管护师,中级,护理
360782199207080032,陈志强,南昌市第一医院,外科,医师,初级,临床医学
CSV
  cat > "$ce/$records" <<'CSV'
身份证号,学习方式,科目类别,内容,举办单位,开始日期,结束日期,考核结果,成绩,申报学时,认定学时,认定状态,证明编号,备注
360403199003150041,网络学习,公需科目,2024年度公需科目网络课程,江西省人力资源和社会保障厅,2024-03-01,2024-03-10,合格,90,30,30,已认定,JX2024-0301,
360403199003150041,培训,公需科目,职业道德与医德医风专题,本单位,2024-05-16,2024-05-16,合格,,10,10,已认定,,
360403199003150041,培训,专业科目,护理质量与患者安全管理培训班,江西省护理学会,2024-06-12,2024-06-14,合格,88,24,24,已认定,HL-2024-061,
360403199003150041,学术活动,专业科目,全省护理学术年会,江西省护理学会,2024-09-20,2024-09-21,未考核,,12,12,已认定,,
360403199003150041,网络学习,专业科目,静脉治疗护理技术规范,江西省继续医学教育中心,2024-10-08,2024-10-30,合格,,19,19,已认定,,
360102198506120023,培训,专业科目,心血管疾病诊疗新进展研修班,南昌大学第一附属医院,2024-02-30,2024-03-02,合格,,24,24,已认定,,
360102198506120023,网络学习,公需科目,2024年度公需科目网络课程,江西省人力资源和社会保障厅,2024-04-01,2024-04-10,合格,92,30,30,已认定,JX2024-0417,
360102198506120023,学术活动,专业科目,全省心血管病学学术年会,江西省医学会,2024-11-08,2024-11-09,未考核,,12,,待认定,,会议通知已交
360102198506120023,网络学习,专业科目,临床合理用药网络课程,江西省继续医学教育中心,2024-12-20,2025-01-05,合格,,20,20,已认定,,跨年：计入2025年度
360782199207080033,培训,专业科目,外科手术室感染控制培训,南昌市第一医院,2024-07-03,2024-07-04,合格,,16,16,已认定,,
CSV
  printf '身份证号,姓名\n360102198506120023,\xff\xfe\xfd\n' > "$ce/$broken"
  cli ce-init "$ce" "$e --db ce.sqlite init"
  cli ce-broken "$ce" "$e --db ce.sqlite import persons $broken"
  cli ce-files "$ce" "cat $staff" "cat $records"
  cli ce-persons "$ce" "$e --db ce.sqlite import persons $staff"
  cp "$ce/ce.sqlite" "$ce/ce2.sqlite"
  cli ce-records-bad "$ce" "$e --db ce.sqlite import records $records" 'echo $?'
  cli ce-skip "$ce" "$e --db ce.sqlite import records --skip-invalid $records" 'echo $?' "cat $rejected"
  # The clerk corrects the two cells in the rejected file.
  sed -i -e 's/,2024-02-30,/,2024-02-28,/' -e 's/^\(11,.*\)360782199207080033/\1360782199207080032/' "$ce/$rejected"
  cli ce-fixed "$ce" "cat $rejected" \
    "$e --db ce.sqlite import records --dry-run $rejected" \
    "$e --db ce.sqlite import records $rejected"
  # The other way: correct the original and import it whole again (ce2 holds the 8 good rows).
  (cd "$ce" && "$BIN" --db ce2.sqlite import records --skip-invalid "$records" >/dev/null 2>&1 || true)
  sed -e 's/,2024-02-30,/,2024-02-28,/' -e 's/^360782199207080033/360782199207080032/' "$ce/$records" > "$ce/fixed.csv"
  mv "$ce/fixed.csv" "$ce/$records"
  cli ce-again "$ce" "$e --db ce2.sqlite import records $records" 'echo $?'
  cli ce-report "$ce" "$e --db ce.sqlite report annual --year 2024" "$e --db ce.sqlite report annual --year 2025"
  cp "$ce/$staff" "$ce/utf8.csv"
  iconv -f UTF-8 -t GB18030 "$ce/utf8.csv" > "$ce/$(L 人员名单-GBK.csv staff-gbk.csv)"
  rm "$ce/utf8.csv"
  cli ce-gbk "$ce" \
    "$e --db ce.sqlite import persons $(L 人员名单-GBK.csv staff-gbk.csv)" \
    "$e --db ce.sqlite import persons --dry-run --encoding utf-8 $(L 人员名单-GBK.csv staff-gbk.csv)" \
    'echo $?'
  cli ce-xlsx "$ce" \
    "$e --db ce.sqlite export persons --format xlsx -o $(L 人员.xlsx persons.xlsx)" \
    "$e --db new.sqlite import persons $(L 人员.xlsx persons.xlsx)"
  cat > "$ce/$extra" <<'CSV'
身份证号,学习方式,科目类别,内容,举办单位,开始日期,结束日期,考核结果,申报学时,认定状态,认定说明,备注
360403199003150041,学术活动,专业科目,护理科研设计与论文写作讲座,本单位,2024-11-20,,未考核,3,不予认定,未提供签到记录,
360403199003150041,网络学习,专业科目,护士长管理能力提升网络课程,,2024-12-01,2024-12-10,合格,10,不予认定,,=1+1
CSV
  cli ce-extra "$ce" "cat $extra" "$e --db ce.sqlite --user 李芳 import records $extra"
  cli ce-formula "$ce" "$e --db ce.sqlite export records --no-bom | tail -1"
  cli ce-history "$ce" "$e --db ce.sqlite history 360403199003150041"
  cli ce-check "$ce" "$e --db ce.sqlite check" 'echo $?'
  local bk=$(L 备份-2024-12.sqlite backup-2024-12.sqlite)
  cli ce-backup "$ce" "$e --db ce.sqlite backup $bk" "$e --db ce.sqlite backup $bk" 'echo $?'
  cli ce-ready "$ce" "$e --db ce.sqlite init"
  cli ce-sqlite "$ce" "sqlite3 ce.sqlite \"UPDATE person SET title = '副主任护师' WHERE name = '王丽'\"" 'echo $?'

  # restore asks on the terminal: run it in tmux and answer yes.
  t kill-server 2>/dev/null || true
  t new-session -d -s guide -x "$W" -y "$H" \
    "cd '$ce' && printf '\$ %s\n' '$e --db ce.sqlite restore $bk' && '$BIN' --lang $LG --db ce.sqlite restore $bk; printf '\$ ls -1 ce.sqlite*\n'; ls -1 ce.sqlite*; sleep 60"
  wait_for yes
  type_text yes; keys Enter
  wait_for '$ ls -1 ce.sqlite*'; wait_for "before-restore"
  settle
  t capture-pane -p -J -t guide | pp > "$OUT/ce-restore.$LG.txt"   # -J: a long line as one, not wrapped
  t kill-server 2>/dev/null || true
}

# The history and file names depend on the day only through the placeholders; check the tools we need.
for tool in tmux iconv sqlite3 od; do
  command -v "$tool" >/dev/null || { echo "capture-guide: $tool is needed" >&2; exit 2; }
done

for lg in ${CAPTURE_LANGS:-zh en}; do run_language "$lg"; done
echo "capture-guide: $(ls "$OUT" | wc -l) files in docs/screens" >&2
