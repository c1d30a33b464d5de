#!/usr/bin/env bash
# Runs Coffer on this machine to try it out: a control plane on 127.0.0.1:8470
# and one agent enrolled against it. Both keep their state under var/, so a
# second run picks up where the first stopped. Ctrl-C stops both.
#
# usage: scripts/run.sh   (or: make run)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

listen=127.0.0.1:8470
url="http://$listen"
server_dir=var/server
agent_dir=var/agent
containerd_sock=/run/containerd/containerd.sock

pids=()

say() { echo "run: $*"; }

# stop sends SIGTERM to the children, the agent first, and waits for them.
stop() {
  local status=$1 i
  trap - INT TERM
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  exit "$status"
}

die() {
  echo "run: $*" >&2
  stop 1
}

wait_ready() {
  local tries=150
  until curl -fsS -o /dev/null --max-time 2 "$url/readyz" 2>/dev/null; do
    kill -0 "${pids[0]}" 2>/dev/null || die "coffer serve exited before it was ready"
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || die "coffer serve is not ready at $url/readyz after 30 s"
    sleep 0.2
  done
}

# enroll_token creates a one-time enrollment token and prints it.
enroll_token() {
  local out
  out=$(bin/coffer enroll-token create --data-dir "$server_dir" -o json) || return 1
  sed -n 's/.*"token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' <<<"$out" | head -n 1
}

start_agent() {
  if [ ! -S "$containerd_sock" ]; then
    say "warning: $containerd_sock is missing; the agent retries until containerd runs" \
      "(sudo scripts/test-env.sh starts one)"
  fi

  if [ -f "$agent_dir/identity.json" ]; then
    bin/coffer-agent run --state-dir "$agent_dir" </dev/null &
  else
    local token
    token=$(enroll_token) || die "cannot create an enrollment token"
    [ -n "$token" ] || die "the enrollment token output has no token field"
    # The token goes by environment, which stays out of ps.
    COFFER_ENROLL_TOKEN=$token bin/coffer-agent run --server "$url" --state-dir "$agent_dir" \
      </dev/null &
  fi
  pids+=("$!")
}

main() {
  command -v curl >/dev/null || { echo "run: curl is needed to wait for the server" >&2; exit 1; }
  make -s --no-print-directory build
  mkdir -p "$server_dir" "$agent_dir"

  # Job control puts each child in its own process group, so Ctrl-C reaches
  # only this script, which then stops them in order.
  set -m
  trap 'stop 0' INT TERM

  bin/coffer serve --data-dir "$server_dir" --listen "$listen" --public-url "$url" </dev/null &
  pids+=("$!")
  wait_ready
  start_agent

  say "Coffer is running at $url"
  say "admin token: $server_dir/admin.token"
  say "try: bin/coffer --data-dir $server_dir projects list"
  say "Ctrl-C stops both"

  # Either child ending on its own ends the run.
  local status=0
  wait -n "${pids[@]}" || status=$?
  say "a child exited with status $status; stopping"
  stop 1
}

main "$@"
