#!/usr/bin/env bash
# Runs Coffer's benchmarks once each. A placeholder: the real benchmark suite
# (throughput of the backup path against the test S3 server) comes later.
#
# usage: scripts/bench.sh [go test flags...]
set -euo pipefail

cd "$(dirname "$0")/.."
go test -run '^$' -bench . -benchtime 1x "$@" ./...
