#!/bin/sh
# Installs coffer-agent on this host as a systemd service and enrolls it.
#
#   COFFER_ENROLL_TOKEN=cfe_... sh install-agent.sh --server https://coffer.example.com \
#     [--binary PATH] [--name NAME]
#
# The token is read from the environment so that it never shows in a process
# list or shell history file. The binary comes from --binary (default: a
# coffer-agent next to this script).
set -eu

server=""
binary="$(dirname "$0")/coffer-agent"
name=""
state_dir=/var/lib/coffer-agent

die() { echo "install-agent: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --server) server=${2:?--server needs a URL}; shift 2 ;;
    --binary) binary=${2:?--binary needs a path}; shift 2 ;;
    --name) name=${2:?--name needs a value}; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done

[ "$(id -u)" = 0 ] || die "run as root: the agent manages containers"
[ -n "$server" ] || die "--server is required"
[ -x "$binary" ] || die "no executable agent at $binary (pass --binary)"
command -v systemctl >/dev/null || die "systemd is required"

install -m 0755 "$binary" /usr/local/bin/coffer-agent
install -d -m 0700 "$state_dir" /etc/coffer

if [ ! -f "$state_dir/identity.json" ]; then
  [ -n "${COFFER_ENROLL_TOKEN:-}" ] || die "set COFFER_ENROLL_TOKEN to a token from 'coffer enroll-token create'"
  if [ -n "$name" ]; then
    /usr/local/bin/coffer-agent enroll --server "$server" --state-dir "$state_dir" --name "$name"
  else
    /usr/local/bin/coffer-agent enroll --server "$server" --state-dir "$state_dir"
  fi
fi

unit_src="$(dirname "$0")/../deploy/systemd/coffer-agent.service"
if [ -f "$unit_src" ]; then
  install -m 0644 "$unit_src" /etc/systemd/system/coffer-agent.service
else
  cat > /etc/systemd/system/coffer-agent.service <<'UNIT'
[Unit]
Description=Coffer agent
After=network-online.target containerd.service
Wants=network-online.target

[Service]
ExecStart=/usr/local/bin/coffer-agent run --state-dir /var/lib/coffer-agent
EnvironmentFile=-/etc/coffer/agent.env
Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT
fi

systemctl daemon-reload
systemctl enable --now coffer-agent.service
echo "install-agent: coffer-agent is enrolled and running (journalctl -u coffer-agent)"
