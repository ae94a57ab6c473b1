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
