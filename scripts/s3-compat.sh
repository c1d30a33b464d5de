#!/usr/bin/env bash
# Runs Coffer's S3 tests against a second S3 implementation, SeaweedFS, to
# catch what only one server tolerates. `make test` uses versitygw; this is
# slower (building SeaweedFS takes minutes) and is run by hand:
#
#   scripts/test-env.sh && scripts/s3-compat.sh
#
# SeaweedFS is built from the Go module proxy into var/tools, started on
# loopback with the test keys and its data in a temporary directory, and
# stopped at the end. Run as root, after scripts/test-env.sh: the tests
# also need containerd and PostgreSQL.
set -Eeuo pipefail
trap 'echo "s3-compat: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

export PATH="$PATH:/usr/local/go/bin"

repo=$(cd "$(dirname "$0")/.." && pwd)
module=github.com/seaweedfs/seaweedfs
version=v0.0.0-20261109003541-7506e5f91cd6
weed="$repo/var/tools/weed-$version"

addr=127.0.0.1:8333
access=coffer-test-access
secret=coffer-test-secret-key
bucket=coffer-test

# The packages whose tests talk to S3.
packages=(
  ./agent/transfer ./agent/backup ./controlplane/storage ./controlplane/backup/...
  ./controlplane/cli ./e2e
)
# SeaweedFS creates a missing bucket on the first write of an admin key, so
# the probe cannot tell that a bucket is missing there.
skip='^TestS3Probe$/^missing_bucket$'

say() { echo "s3-compat: $*"; }
die() { echo "s3-compat: $*" >&2; exit 1; }

# build_weed builds SeaweedFS. Its go.mod has replace directives, which go
# install refuses, so it is built inside a copy of its module.
build_weed() {
  [ -x "$weed" ] && return 0
  say "building SeaweedFS $version (a few minutes)"
  local src dir
  dir=$(cd / && go mod download -json "$module@$version" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || die "cannot download $module@$version"
  src=$(mktemp -d)
  cp -r "$dir/." "$src"
  chmod -R u+w "$src"
  mkdir -p "$(dirname "$weed")"
  (cd "$src" && go build -o "$weed.tmp" ./weed)
  mv "$weed.tmp" "$weed"
  rm -rf "$src"
}

# stop_weed stops SeaweedFS, waiting until its ports are free for the next
# run, and removes its data.
stop_weed() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
}

answers() { curl -s -o /dev/null --max-time 2 "http://$addr/"; }

main() {
  [ "$(id -u)" = 0 ] || die "run as root, as the tests need containerd"
  answers && die "something already listens on $addr"
  build_weed

  # Global, for the exit trap.
  data=$(mktemp -d)
  local config
  config="$data/s3.json"
  cat >"$config" <<EOF
{"identities": [{"name": "coffer",
  "credentials": [{"accessKey": "$access", "secretKey": "$secret"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
EOF
  "$weed" server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$data" \
    -master.port=9433 -volume.port=8480 -filer.port=8988 \
    -s3 -s3.port="${addr##*:}" -s3.config="$config" \
    -s3.port.iceberg=0 -s3.port.lance=0 >"$data/weed.log" 2>&1 &
  pid=$!
  trap stop_weed EXIT

  local tries=150
  until answers; do
    tries=$((tries - 1))
    if [ "$tries" -le 0 ]; then
      tail -n 20 "$data/weed.log" >&2
      die "SeaweedFS does not answer on $addr"
    fi
    sleep 0.2
  done
  # The filer behind the S3 gateway may still be starting: retry the bucket.
  tries=50
  until curl -sf -o /dev/null -X PUT -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' \
    --aws-sigv4 aws:amz:us-east-1:s3 --user "$access:$secret" "http://$addr/$bucket"; do
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || die "cannot create bucket $bucket on SeaweedFS"
    sleep 0.2
  done
  say "SeaweedFS answers on http://$addr (bucket $bucket)"

  cd "$repo"
  CI=true COFFER_TEST_S3_ENDPOINT="http://$addr" COFFER_TEST_S3_ACCESS_KEY="$access" \
    COFFER_TEST_S3_SECRET_KEY="$secret" COFFER_TEST_S3_BUCKET="$bucket" \
    go test -count=1 -skip "$skip" "${packages[@]}"
}

main "$@"
