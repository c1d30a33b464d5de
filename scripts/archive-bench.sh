#!/usr/bin/env bash
# Measures the volume archive path and fuzzes its extractor.
#
#   scripts/archive-bench.sh [bench] [BENCHTIME]   Write+Compress, tar only, Extract
#   scripts/archive-bench.sh fuzz [FUZZTIME]       FuzzExtract
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-bench}" in
bench)
	go test -run '^$' -bench . -benchtime "${2:-3x}" ./agent/archive/
	;;
fuzz)
	# Each input gets fresh temp directories; on a filesystem mounted with
	# "discard" every delete waits for the disk, so tmpfs is used. Coverage
	# in the standard library flickers between runs, and the default 60 s
	# minimization of each flicker would stall the run: bound it by count.
	TMPDIR="${FUZZ_TMPDIR:-/dev/shm}" go test -run '^$' -fuzz FuzzExtract \
		-fuzztime "${2:-60s}" -fuzzminimizetime 100x ./agent/archive/
	;;
*)
	echo "usage: $0 [bench [BENCHTIME] | fuzz [FUZZTIME]]" >&2
	exit 2
	;;
esac
