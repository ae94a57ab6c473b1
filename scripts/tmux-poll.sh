# Sourced by the scripts that drive celedger in tmux (e2e-tmux.sh, capture-guide.sh); the caller defines
# screen(), which prints the pane.
#
# poll_screen present|absent TEXT [SECONDS]: poll every 50 ms until TEXT is (or is no longer) on the
# screen. After SECONDS (10) it gives up: the screen goes to stderr and the status is 1.
poll_screen() {
  local want=$1 text=$2 limit=${3:-10} start=$SECONDS shown
  while (( SECONDS - start < limit )); do
    if screen 2>/dev/null | grep -qF -- "$text"; then shown=present; else shown=absent; fi
    [[ $shown == "$want" ]] && return 0
    sleep 0.05
  done
  { echo "--- screen ---"; screen || true; echo "--------------"; } >&2
  return 1
}
