# lumen chat in a real terminal (tmux): a prompt, a streamed answer, Ctrl-C in
# the middle of an answer returns to the prompt, /reset, Ctrl-D exits.
source "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || { echo "tmux missing"; exit 1; }
S="lumen-chat-$$"
trap 'tmux kill-session -t "$S" 2>/dev/null; rm -rf "$TMP"' EXIT
screen() { tmux capture-pane -p -t "$S" -S -200; }
wait_for() {  # wait_for TEXT SECONDS
  for _ in $(seq 1 $(( $2 * 10 ))); do screen | grep -qF -- "$1" && return 0; sleep 0.1; done
  return 1
}
step() { if wait_for "$2" "$3"; then PASSES=$((PASSES + 1)); else echo "FAIL: $1: screen lacks '$2'"; screen | tail -15; FAILS=$((FAILS + 1)); fi; }

# Answers never end on their own here (--ignore-eos, unlimited, context shift),
# so Ctrl-C is what ends each one.
tmux new-session -d -s "$S" -x 100 -y 30 "'$LUMEN' chat --temp 0 --ignore-eos -n -1 --context-shift -c 256; echo EXIT=\$?; sleep 30"
step "startup" "plain continuation mode" 10
prompt_shown() { for _ in $(seq 1 50); do screen | grep -v '^$' | tail -1 | grep -qx '> *' && return 0; sleep 0.1; done; return 1; }
if prompt_shown; then PASSES=$((PASSES + 1)); else echo "FAIL: no prompt at start"; FAILS=$((FAILS + 1)); fi
tmux send-keys -t "$S" "Once upon a time" Enter
step "streamed answer" "there was a little girl named Lily" 10
sleep 0.3
tmux send-keys -t "$S" C-c
step "Ctrl-C stops the answer" "(stopped)" 5
if prompt_shown; then PASSES=$((PASSES + 1)); else echo "FAIL: no prompt after Ctrl-C"; screen | tail -5; FAILS=$((FAILS + 1)); fi
tmux send-keys -t "$S" "/reset" Enter
step "/reset" "(conversation cleared)" 5
tmux send-keys -t "$S" C-d
step "Ctrl-D exits cleanly" "EXIT=0" 5
finish
