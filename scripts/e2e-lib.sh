# Shared by the real-terminal end-to-end scripts (e2e-tmux.sh, e2e-tmux-pg.sh); sourced after they set
# ROOT, WORK (a temporary folder, removed on exit) and SOCK (tmux's own socket inside it).
# Gives: t (tmux on that socket), screen (the e2e pane's text), wait_for / wait_gone TEXT [SECONDS] (poll
# until TEXT shows / is gone), check NAME COMMAND… (counts into passed / failed).
export LANG=C.UTF-8 LC_ALL=C.UTF-8 CELEDGER_DATA="$ROOT/data"
unset TMUX
passed=0 failed=0

cleanup() {
  tmux -S "$SOCK" kill-server 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

t() { tmux -S "$SOCK" -f /dev/null "$@"; }
screen() { t capture-pane -p -t e2e; }

. "$ROOT/scripts/tmux-poll.sh"
wait_for() { poll_screen present "$@"; }
wait_gone() { poll_screen absent "$@"; }

check() {
  local name=$1; shift
  if "$@"; then
    echo "ok - $name"; passed=$((passed + 1))
  else
    echo "not ok - $name"; failed=$((failed + 1))
  fi
}

# The import screen's walk, shared by both scripts: a hospital's roster (a title row, columns the ledger has
# no use for, a 合计 row and a bad ID) picked in the file chooser from the current folder (an empty home, so
# nothing else is listed), checked by a dry run, imported through `I`, and found on the persons list.
# $1: what `celedger` is started with after --db (e.g. "--year 2024"); $2: the words the checks end with
# (" on a server"); $3: a file the UI's exit status is written to, or empty.
import_roster_through_ui() {
  local args="$1" where="$2" exitfile="$3"
  mkdir -p "$WORK/roster" "$WORK/home"
  cat > "$WORK/roster/花名册.csv" <<'CSV'
XX县人民医院2024年度专业技术人员花名册,,,,
序号,姓名,身份证号,科室,职称
1,赵建国,11010519491231002X,内科,副主任医师
2,周明,36010219900101123,药剂科,药师
合计,2人,,,
CSV
  local tail="sleep 60"
  [[ -n "$exitfile" ]] && tail="echo EXIT=\$? > '$exitfile'; sleep 60"
  t respawn-pane -k -t e2e "cd '$WORK/roster' && HOME='$WORK/home' '$BIN' --db '$DB' $args; $tail"
  check "the UI opens for the import$where" wait_for "继续教育登记簿"
  t send-keys -t e2e I
  check "I asks what to import$where" wait_for "导入什么？"
  t send-keys -t e2e Enter
  check "the file chooser lists the roster of the current folder$where" wait_for "花名册.csv"
  t send-keys -t e2e Enter
  check "the dry run finds the header below the title$where" wait_for "表头：第 2 行"
  check "the preview names the bad row and its reason$where" wait_for "第 4 行 身份证号"
  check "the preview counts the good rows$where" wait_for "可导入 1 行"
  t send-keys -t e2e Enter
  check "Enter asks before importing$where" wait_for "有误的 1 行不导入"
  t send-keys -t e2e y
  check "the import says what it did$where" wait_for "已从 花名册.csv 导入人员：新增 1"
  t send-keys -t e2e / z j g
  check "the imported person is on the persons list$where" wait_for "赵建国"
}
