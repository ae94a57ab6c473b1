#!/usr/bin/env bash
# Monkey test of the terminal UI: the real binary in tmux (own socket, fixed size, C.UTF-8) on a demo
# ledger gets tens of thousands of random keys (letters, arrows, Enter, Esc, Tab, paging, Ctrl keys, CJK
# text, mouse clicks) in batches, with random window sizes between batches, tiny ones included. It must
# never crash; at the end it must quit cleanly, give the terminal back as it found it, and leave a ledger
# that passes PRAGMA integrity_check.
#
# Usage: scripts/monkey-tmux.sh path/to/celedger
#   MONKEY_SEED=N     replay a run (the seed is printed first)
#   MONKEY_KEYS=N     keys to send at most (default 30000)
#   MONKEY_SECONDS=N  stop sending keys after N seconds whatever the count (default 54)
#   MONKEY_BATCH=N    keys per batch (default 50)
#   MONKEY_SHOW=1     print the screen at every check (every 5 batches)
#   MONKEY_BACKTRACE=1  let a crash print Swift's backtrace (slow) instead of ending at once
set -uo pipefail
if [[ $# -lt 1 || ! -x $1 ]]; then
  echo "usage: $0 path/to/celedger" >&2
  exit 2
fi
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
SOCK="$WORK/tmux.sock"
DB="$WORK/ledger.sqlite"
export LANG=C.UTF-8 LC_ALL=C.UTF-8 CELEDGER_DATA="$ROOT/data"
# A crash ends the UI at once (and is counted, and the UI restarted); Swift's backtracer needs about a
# minute on a debug build. Replay the seed with MONKEY_BACKTRACE=1 to get the backtrace.
if [[ -n ${MONKEY_BACKTRACE:-} ]]; then export SWIFT_BACKTRACE=interactive=no; else export SWIFT_BACKTRACE=enable=no; fi
unset TMUX
SEED=${MONKEY_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
KEYS=${MONKEY_KEYS:-30000}
BUDGET=${MONKEY_SECONDS:-54}
BATCH=${MONKEY_BATCH:-50}
# bash's RANDOM gives the same sequence for the same seed: the keys are replayable.
RANDOM=$SEED
START=$SECONDS
passed=0 failed=0
echo "monkey-tmux: seed $SEED (replay with MONKEY_SEED=$SEED $0 $1)"

cleanup() {
  tmux -S "$SOCK" kill-server 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

t() { tmux -S "$SOCK" -f /dev/null "$@"; }
screen() { t capture-pane -p -t m 2>/dev/null; }

check() {
  local name=$1; shift
  if "$@"; then
    echo "ok - $name"; passed=$((passed + 1))
  else
    echo "not ok - $name"; failed=$((failed + 1))
    return 1
  fi
}

# ACTIVITY: what the UI process (pid $1) has done so far: CPU ticks and bytes read, from /proc without
# forking. While it works through keys, ncurses holds its output back (input is pending), so a still
# pane alone does not mean the keys were handled.
ACTIVITY=""
activity() {
  local stat rest rchar=""
  ACTIVITY=""
  [[ -n $1 && -r /proc/$1/stat ]] || return 0
  read -r stat < "/proc/$1/stat" || return 0
  rest=${stat##*) }
  read -r -a fields <<<"$rest"
  [[ -r /proc/$1/io ]] && read -r _ rchar < "/proc/$1/io"
  ACTIVITY="${fields[11]} ${fields[12]} $rchar"
}

# settle: wait until the UI is idle (no CPU, no reads) and the pane stops changing, 10 ms apart; at most
# 3 s. Keys sent before the UI has handled the last ones would pile up.
settle() {
  local pid prev cur i
  pid=$(ui_pid)
  activity "$pid"; prev="$ACTIVITY$(screen)"
  for ((i = 0; i < 300; i++)); do
    sleep 0.01
    activity "$pid"; cur="$ACTIVITY$(screen)"
    [[ $cur == "$prev" ]] && return 0
    prev=$cur
  done
  return 1
}

# wait_exit [SECONDS]: poll until the UI has written its exit status.
wait_exit() {
  local limit=${1:-5} i
  for ((i = 0; i < limit * 50; i++)); do
    [[ -s $WORK/exit ]] && return 0
    sleep 0.02
  done
  return 1
}

# The UI in the pane; its exit status and the terminal modes before and after go to files.
UI_COMMAND="stty -a > '$WORK/stty.before'; '$BIN' --db '$DB' --year 2024; echo \$? > '$WORK/exit'; stty -a > '$WORK/stty.after'; exec sleep 100000"
start_ui() {
  rm -f "$WORK/exit" "$WORK/stty.before" "$WORK/stty.after"
  if t has-session -t m 2>/dev/null; then
    t respawn-pane -k -t m "$UI_COMMAND"
  else
    t new-session -d -s m -x 120 -y 32 "$UI_COMMAND"
  fi
  local i
  for ((i = 0; i < 250; i++)); do
    screen | grep -qF "继续教育登记簿" && return 0
    sleep 0.02
  done
  return 1
}

ui_pid() {
  local shell
  shell=$(t display -p -t m '#{pane_pid}' 2>/dev/null) || return 1
  pgrep -P "$shell" -x "$(basename "$BIN" | cut -c1-15)" | head -n 1
}

# resize_to W H: resizes the window and waits until the terminal itself has the new size (tmux applies a
# pane's new size a little later), then until the UI has redrawn.
resize_to() {
  local tty i
  t resize-window -t m -x "$1" -y "$2"
  tty=$(t display -p -t m '#{pane_tty}')
  for ((i = 0; i < 200; i++)); do
    [[ $(stty -F "$tty" size 2>/dev/null) == "$2 $1" ]] && break
    sleep 0.01
  done
  settle
}

# Something only a celedger screen shows: a screen's title, the too-small notice, a date (the person
# screen), a dialog's frame title, or the key hints at the bottom. A blank pane, leftovers of another size
# or a crash report show none of them.
shows_celedger() {
  local s
  s=$(screen)
  grep -qE "继续教育登记簿|学时认定|修改记录|窗口太小|[12][0-9]{3}-[01][0-9]-[0-3][0-9]|┌─ [^ ]+|↑↓ 移动|Esc 返回|Esc 取消|Esc 或 q 关闭" <<<"$s"
}

crash_text() { screen | grep -E "Fatal error|Program crashed|💣|Stack dump|Segmentation|Illegal instruction|Bus error|Aborted|Backtrac"; }

# --- the ledger and the UI ---------------------------------------------------------------------------
"$BIN" --db "$DB" demo --persons 120 --years 2023-2025 --seed 7 >/dev/null || { echo "monkey-tmux: demo failed"; exit 1; }
check "the UI starts on the demo ledger" start_ui

# --- keys --------------------------------------------------------------------------------------------
# No q and no C-c here: they quit (q on the home screen), and the run is about surviving. Esc, Enter,
# arrows and Tab come more often, to move between screens, forms and dialogs.
NAMED=(a e d r y x n v f s S h E p o '*' / '?' '[' ']' R Y N j k l m t u 0 1 2 5 9 . -
       Space Up Down Left Right Up Down Enter Enter Enter Escape Escape Escape Tab Tab BTab
       PPage NPage Home End BSpace BSpace DC C-s C-s C-l C-u C-k F1)
TEXTS=("张三" "欧阳明辉" "培训" "２０２４" "2024-06-01" "2023-12-31" "40" "8.1" "zs" "oymh" "王" "😀" "e\u0301" "江西省建设厅" "　")
SIZES=("120 32" "80 24" "72 16" "71 15" "100 30" "160 45" "40 10" "20 5" "10 3" "200 60" "72 40" "300 20" "90 18")

sent=0 batches=0 resizes=0 restarts=0 texts=0 clicks=0
bad_exits=0 dead_checks=0 screen_checks=0 screen_failures=0 slow=0
declare -a batch
declare -a last_batches=("" "" "")

# chr N: the character with code N (ASCII).
chr() { printf "\\$(printf '%03o' "$1")"; }

flush() {
  if ((${#batch[@]} > 0)); then
    t send-keys -t m "${batch[@]}"
    batch=()
  fi
}

# One batch of BATCH keys; named keys go together in one send-keys, text and mouse bytes literally.
send_batch() {
  local n=0 r log=""
  batch=()
  while ((n < BATCH)); do
    r=$((RANDOM % 100))
    if ((r < 5)); then
      local text=${TEXTS[RANDOM % ${#TEXTS[@]}]}
      flush
      t send-keys -t m -l "$(printf '%b' "$text")"
      log+=" «$text»"
      texts=$((texts + 1))
    elif ((r < 7)); then
      # A mouse click or wheel (X10 encoding: ESC [ M, button, column, row; each plus 32).
      local button=$((RANDOM % 2 == 0 ? 0 : 64)) x=$((RANDOM % 90)) y=$((RANDOM % 60))
      flush
      t send-keys -t m -l "$(printf '\e[M')$(chr $((32 + button)))$(chr $((33 + x)))$(chr $((33 + y)))"
      # A press is followed by its release (button 3).
      ((button == 0)) && t send-keys -t m -l "$(printf '\e[M')$(chr 35)$(chr $((33 + x)))$(chr $((33 + y)))"
      log+=" mouse($button,$x,$y)"
      clicks=$((clicks + 1))
    else
      local k=${NAMED[RANDOM % ${#NAMED[@]}]}
      batch+=("$k")
      log+=" $k"
    fi
    n=$((n + 1))
  done
  flush
  sent=$((sent + n))
  batches=$((batches + 1))
  last_batches=("${last_batches[1]}" "${last_batches[2]}" "batch $batches (window $W×$H):$log")
}

report_state() {
  echo "    after batch $batches ($sent keys), window $W×$H; last keys:"
  printf '      %s\n' "${last_batches[@]}" | cut -c1-400
  echo "    --- screen ---"; screen | sed 's/^/    | /'; echo "    --------------"
}

W=120 H=32
while ((sent < KEYS && SECONDS - START < BUDGET)); do
  send_batch
  settle || slow=$((slow + 1))

  if [[ -s $WORK/exit ]]; then
    status=$(cat "$WORK/exit")
    if [[ $status == 0 ]]; then
      # Some legitimate way out that the keys found: start again.
      echo "# the UI quit (exit 0) after batch $batches; restarting it"
    else
      bad_exits=$((bad_exits + 1))
      echo "# the UI ended with status $status after batch $batches"; report_state
    fi
    restarts=$((restarts + 1))
    resize_to 120 32; W=120 H=32
    start_ui || { echo "not ok - the UI does not start again"; failed=$((failed + 1)); break; }
    continue
  fi

  if ((batches % 5 == 0)); then
    problem=""
    [[ -z $(ui_pid) ]] && problem="no celedger process"
    [[ -n $(crash_text) ]] && problem="crash text on the screen"
    [[ -n $problem ]] && dead_checks=$((dead_checks + 1))
    # A screen of its own at a usable size (tiny windows cut every text).
    if [[ -z $problem ]] && ((W >= 72 && H >= 16)); then
      screen_checks=$((screen_checks + 1))
      if ! shows_celedger; then
        screen_failures=$((screen_failures + 1))
        problem="no celedger screen"
      fi
    fi
    if [[ -n $problem ]]; then
      echo "# $problem after batch $batches"; report_state
    elif [[ -n ${MONKEY_SHOW:-} ]]; then
      echo "# after batch $batches, window $W×$H:"; screen | sed 's/^/    | /'
    fi
  fi

  if ((RANDOM % 5 == 0)); then
    read -r W H <<<"${SIZES[RANDOM % ${#SIZES[@]}]}"
    resize_to "$W" "$H"
    resizes=$((resizes + 1))
  fi
done
echo "# sent $sent keys in $batches batches ($texts texts, $clicks mouse events), $resizes resizes, $restarts restarts, $((SECONDS - START)) s"
check "the UI never crashed or vanished during $sent keys" test "$dead_checks" -eq 0
check "a celedger screen showed at every check ($screen_checks checks)" test "$screen_failures" -eq 0
check "the UI never ended with a non-zero status" test "$bad_exits" -eq 0
((slow > 0)) && echo "# the UI was still busy 3 s after $slow batches"

# --- quit: Esc until a dialog or form is gone (y discards a form), then q ---------------------------
resize_to 120 32
quit_ui() {
  local attempt s
  for ((attempt = 0; attempt < 40; attempt++)); do
    s=$(screen)
    if grep -qF "n / Esc 否" <<<"$s"; then
      # A question (discard the form? delete?): yes, to close it.
      t send-keys -t m y
    elif ! head -n 1 <<<"$s" | grep -qF "继续教育登记簿" || grep -qE "┌─|搜索: /" <<<"$s"; then
      # Another screen, a dialog or form, or the search field: Esc goes back one step.
      t send-keys -t m Escape
    else
      t send-keys -t m q
      wait_exit 1 && return 0
    fi
    settle
  done
  return 1
}
if ! check "Esc and q quit the UI" quit_ui; then
  report_state
  t send-keys -t m C-c
  wait_exit 3 || kill -TERM "$(ui_pid)" 2>/dev/null
  wait_exit 3
fi
check "it exits with status 0" grep -qx 0 "$WORK/exit"

# --- the terminal is given back ---------------------------------------------------------------------
for ((i = 0; i < 100; i++)); do [[ -s $WORK/stty.after ]] && break; sleep 0.02; done
check "the terminal modes are as before (stty -a)" diff <(tail -n +2 "$WORK/stty.before") <(tail -n +2 "$WORK/stty.after")
flags=$(t display -p -t m '#{alternate_on} #{cursor_flag} #{mouse_any_flag} #{keypad_cursor_flag}')
check "the alternate screen is left, the cursor shown, mouse and keypad modes off ($flags)" test "$flags" = "0 1 0 0"
check "no UI is left on the screen" bash -c "! tmux -S '$SOCK' capture-pane -p -t m | grep -qF 继续教育登记簿"

# --- the ledger ---------------------------------------------------------------------------------------
if command -v sqlite3 >/dev/null; then
  check "the ledger passes PRAGMA integrity_check" test "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok
else
  echo "# sqlite3 not found: integrity not checked"
fi
check "the ledger still reads (celedger export records)" bash -c "'$BIN' --db '$DB' export records > /dev/null"

echo "# seed $SEED, $sent keys, $((SECONDS - START)) s in all"
echo "monkey-tmux: $passed passed, $failed failed"
((failed == 0))
