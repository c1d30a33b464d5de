#!/usr/bin/env bash
# Runs Coffer's benchmarks once each. A placeholder: the real benchmark suite
# (throughput of the backup path against the test S3 server) comes later.
#
# usage: scripts/bench.sh [go test flags...]
#
#   AGENTS            simulated agents for the fleet benchmark (default 1000)
#   BENCHFLEET_FLAGS  more flags for scripts/benchfleet, e.g. "-profile /tmp/p"
set -euo pipefail

cd "$(dirname "$0")/.."

# build_coffer builds bin/coffer every time: the Go build cache makes an
# up-to-date build cheap, and a stale binary would measure old code.
build_coffer() {
	if [[ -f Makefile ]] && grep -qE '^build:' Makefile; then
		make build
	else
		mkdir -p bin
		go build -o bin/coffer ./controlplane/cmd/coffer
	fi
}

# bench_fleet connects many agents to one control plane on loopback and
# reports its memory per idle agent and the time to ping them all.
bench_fleet() {
	build_coffer
	# shellcheck disable=SC2086 # BENCHFLEET_FLAGS is a list of flags.
	go run ./scripts/benchfleet -agents "${AGENTS:-1000}" ${BENCHFLEET_FLAGS:-}
}

# Each benchmark runs even when another fails, so one broken package does
# not hide the other numbers; the script fails if any of them did.
status=0
go test -run '^$' -bench . -benchtime 1x "$@" ./... || status=1
bench_fleet || status=1
exit "$status"
