#!/usr/bin/env bash
# Runs Coffer's benchmarks once each: the Go benchmarks, the fleet benchmark,
# and the backup benchmark against the test S3 server.
#
# usage: scripts/bench.sh [go test flags...]
#
#   AGENTS             simulated agents for the fleet benchmark (default 1000)
#   BENCHFLEET_FLAGS   more flags for scripts/benchfleet, e.g. "-profile /tmp/p"
#   BENCHBACKUP_FLAGS  more flags for scripts/benchbackup, e.g. "-runs 3 -skip-restic"
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

# bench_packages are the baselines the backup benchmark compares Coffer with.
bench_packages=(awscli restic zstd tar gzip)

# install_bench_packages installs what is missing of bench_packages; only
# root can, so anyone else is told what to install.
install_bench_packages() {
	local missing=() pkg status
	for pkg in "${bench_packages[@]}"; do
		status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
		[[ ${status:0:2} == ii ]] || missing+=("$pkg")
	done
	[[ ${#missing[@]} -gt 0 ]] || return 0

	if [[ $(id -u) != 0 ]]; then
		echo "bench: missing ${missing[*]}; install them as root (apt-get install ${missing[*]})" >&2
		return 1
	fi
	echo "bench: installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			"${missing[@]}" >/dev/null
}

# bench_backup backs up and restores a generated ~1 GiB data set with Coffer
# (control plane, agent and the local S3 server of scripts/test-env.sh), a
# tar.gz script with the AWS CLI, restic, and tar | zstd, and reports the
# ratios. The data set is cached in var/bench/data.
bench_backup() {
	install_bench_packages || return 1
	# test-env.sh leaves running services alone; it needs root.
	if [[ $(id -u) == 0 ]]; then
		bash scripts/test-env.sh || return 1
	fi
	build_coffer
	# shellcheck disable=SC2086 # BENCHBACKUP_FLAGS is a list of flags.
	go run ./scripts/benchbackup ${BENCHBACKUP_FLAGS:-}
}

# Each benchmark runs even when another fails, so one broken package does
# not hide the other numbers; the script fails if any of them did.
status=0
go test -run '^$' -bench . -benchtime 1x "$@" ./... || status=1
bench_fleet || status=1
bench_backup || status=1
exit "$status"
