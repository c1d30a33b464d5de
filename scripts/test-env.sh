#!/usr/bin/env bash
# Makes this Debian machine ready for Coffer's tests: installs what is missing
# and starts containerd, PostgreSQL, MariaDB and an S3 server (versitygw), each
# as a plain background process (no systemd needed). What already answers is
# left alone, so a second run takes a moment. Run as root.
#
# usage: scripts/test-env.sh
set -Eeuo pipefail
trap 'echo "test-env: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

export PATH="$PATH:/usr/local/go/bin:/usr/local/sbin:/usr/sbin:/sbin"
export DEBIAN_FRONTEND=noninteractive

repo=$(cd "$(dirname "$0")/.." && pwd)
log_dir=/var/log/coffer-test
state_dir=/var/lib/coffer-test

containerd_sock=/run/containerd/containerd.sock

pg_port=5432
pg_url="postgres://coffer:coffer@127.0.0.1:$pg_port/coffer_test?sslmode=disable"

mysql_port=3306

versitygw_module=github.com/versity/versitygw/cmd/versitygw@v1.8.0
s3_addr=127.0.0.1:7070
s3_root="$state_dir/s3"
s3_access=coffer-test-access
s3_secret=coffer-test-secret-key
s3_bucket=coffer-test

busybox_image="$repo/var/test/busybox.tar"

# gcc and libc6-dev serve `go test -race` (cgo); curl probes the S3 server.
packages=(
  containerd runc postgresql mariadb-server mariadb-client busybox-static zstd
  ca-certificates iproute2 curl gcc libc6-dev make tar gzip
)

say() { echo "test-env: $*"; }
die() { echo "test-env: $*" >&2; exit 1; }

# wait_for SECONDS CMD... polls CMD every 0.2 s until it succeeds.
wait_for() {
  local tries=$(($1 * 5))
  shift
  while ! "$@"; do
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || return 1
    sleep 0.2
  done
}

# spawn LOG CMD... starts CMD in its own session, detached from this script,
# appending its output to LOG. The lock descriptor is not inherited.
spawn() {
  local log=$1
  shift
  setsid -f "$@" >>"$log" 2>&1 </dev/null 9>&-
}

install_packages() {
  local missing=() pkg status
  for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
    [ "${status:0:2}" = ii ] || missing+=("$pkg")
  done
  [ "${#missing[@]}" -gt 0 ] || return 0

  say "installing ${missing[*]}"
  apt-get update -qq >"$log_dir/apt.log" 2>&1 ||
    die "apt-get update failed; see $log_dir/apt.log"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log_dir/apt.log" 2>&1 ||
    die "apt-get install ${missing[*]} failed; see $log_dir/apt.log"
}

containerd_ready() {
  [ -S "$containerd_sock" ] &&
    ctr --address "$containerd_sock" --connect-timeout 2s version >/dev/null 2>&1
}

start_containerd() {
  if ! containerd_ready; then
    spawn "$log_dir/containerd.log" containerd
    wait_for 30 containerd_ready ||
      die "containerd does not answer on $containerd_sock; see $log_dir/containerd.log"
  fi
  say "ready: containerd on $containerd_sock"
}

# pg_cluster_version prints the version of the newest cluster named main,
# creating one with the newest installed server when there is none.
pg_cluster_version() {
  local ver
  ver=$(pg_lsclusters -h | awk '$2 == "main" { print $1 }' | sort -n | tail -n 1)
  if [ -z "$ver" ]; then
    ver=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -n 1)
    [ -n "$ver" ] || die "no PostgreSQL server found under /usr/lib/postgresql"
    pg_createcluster --port "$pg_port" "$ver" main >>"$log_dir/postgresql.log" 2>&1 ||
      die "pg_createcluster $ver main failed; see $log_dir/postgresql.log"
  fi
  echo "$ver"
}

pg_ready() { pg_isready -q -h 127.0.0.1 -p "$pg_port"; }

pg_admin() {
  runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -h /var/run/postgresql -p "$pg_port" \
    -d postgres
}

start_postgres() {
  if ! pg_ready; then
    local ver
    ver=$(pg_cluster_version)
    pg_ctlcluster "$ver" main start >>"$log_dir/postgresql.log" 2>&1 9>&- ||
      die "pg_ctlcluster $ver main start failed; see $log_dir/postgresql.log" \
        "and /var/log/postgresql/postgresql-$ver-main.log"
    wait_for 30 pg_ready ||
      die "PostgreSQL $ver does not answer on 127.0.0.1:$pg_port"
  fi

  pg_admin >/dev/null <<'SQL' || die "cannot create PostgreSQL role coffer and database coffer_test"
SELECT 'CREATE ROLE coffer' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'coffer')
\gexec
ALTER ROLE coffer LOGIN CREATEDB PASSWORD 'coffer';
SELECT 'CREATE DATABASE coffer_test OWNER coffer'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'coffer_test')
\gexec
SQL
  psql -X -q -d "$pg_url" -c 'SELECT 1' >/dev/null ||
    die "cannot connect to $pg_url"
  say "ready: postgresql on 127.0.0.1:$pg_port (database coffer_test)"
}

# Pinging over the socket as root (unix_socket auth) leaves no "access denied"
# line in the server's log; the coffer login below then proves TCP works.
mysql_ready() {
  mariadb-admin --protocol=socket -u root --connect-timeout=2 ping >/dev/null 2>&1
}

start_mariadb() {
  if ! mysql_ready; then
    if [ ! -d /var/lib/mysql/mysql ]; then
      install -d -o mysql -g mysql /var/lib/mysql
      mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db \
        --auth-root-authentication-method=socket >>"$log_dir/mariadb.log" 2>&1 ||
        die "mariadb-install-db failed; see $log_dir/mariadb.log"
    fi
    install -d -o mysql -g mysql /run/mysqld
    spawn "$log_dir/mariadb.log" mariadbd --user=mysql --bind-address=127.0.0.1 \
      --port="$mysql_port"
    wait_for 60 mysql_ready ||
      die "MariaDB does not answer on 127.0.0.1:$mysql_port; see $log_dir/mariadb.log"
  fi

  # PROCESS lets mariadb-dump read tablespace metadata without --no-tablespaces.
  mariadb --protocol=socket -u root <<'SQL' || die "cannot create MariaDB user coffer"
CREATE DATABASE IF NOT EXISTS coffer_test;
CREATE USER IF NOT EXISTS 'coffer'@'127.0.0.1' IDENTIFIED BY 'coffer';
CREATE USER IF NOT EXISTS 'coffer'@'localhost' IDENTIFIED BY 'coffer';
ALTER USER 'coffer'@'127.0.0.1' IDENTIFIED BY 'coffer';
ALTER USER 'coffer'@'localhost' IDENTIFIED BY 'coffer';
GRANT ALL PRIVILEGES ON `coffer\_%`.* TO 'coffer'@'127.0.0.1';
GRANT ALL PRIVILEGES ON `coffer\_%`.* TO 'coffer'@'localhost';
GRANT PROCESS ON *.* TO 'coffer'@'127.0.0.1';
GRANT PROCESS ON *.* TO 'coffer'@'localhost';
SQL
  MYSQL_PWD=coffer mariadb --protocol=tcp -h 127.0.0.1 -P "$mysql_port" -u coffer \
    -e 'SELECT 1' coffer_test >/dev/null ||
    die "cannot connect to MariaDB as coffer@127.0.0.1"
  say "ready: mariadb on 127.0.0.1:$mysql_port (database coffer_test)"
}

find_versitygw() {
  local bin
  for bin in "$(command -v versitygw || true)" /usr/local/bin/versitygw \
    "$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin/versitygw"; do
    if [ -n "$bin" ] && [ -x "$bin" ]; then
      echo "$bin"
      return 0
    fi
  done
  return 1
}

install_versitygw() {
  find_versitygw && return 0
  command -v go >/dev/null || die "go not found: it builds versitygw"

  say "installing versitygw ($versitygw_module)" >&2
  (cd / && GOBIN=/usr/local/bin GOFLAGS="" go install "$versitygw_module") \
    >>"$log_dir/versitygw-install.log" 2>&1 ||
    die "go install $versitygw_module failed; see $log_dir/versitygw-install.log"
  find_versitygw || die "versitygw was installed but cannot be found"
}

s3_answers() { curl -s -o /dev/null --max-time 2 "http://$s3_addr/"; }

# s3_bucket_status prints the HTTP status of a signed HEAD on the bucket.
s3_bucket_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 -I \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' \
    --aws-sigv4 aws:amz:us-east-1:s3 --user "$s3_access:$s3_secret" \
    "http://$s3_addr/$s3_bucket" || true
}

start_s3() {
  # The posix backend serves each top-level directory as a bucket.
  mkdir -p "$s3_root/$s3_bucket"

  if ! s3_answers; then
    local bin
    bin=$(install_versitygw)
    ROOT_ACCESS_KEY_ID=$s3_access ROOT_SECRET_ACCESS_KEY=$s3_secret \
      spawn "$log_dir/versitygw.log" "$bin" --port "$s3_addr" --quiet posix "$s3_root"
    wait_for 30 s3_answers ||
      die "versitygw does not answer on $s3_addr; see $log_dir/versitygw.log"
  fi

  local status
  status=$(s3_bucket_status)
  case $status in
    200) ;;
    403) die "the S3 server on $s3_addr refuses key $s3_access: is another server there?" ;;
    404) die "the S3 server on $s3_addr has no bucket $s3_bucket: is its root not $s3_root?" ;;
    *) die "the S3 server on $s3_addr answered $status to HEAD /$s3_bucket" ;;
  esac
  say "ready: s3 (versitygw) on http://$s3_addr (bucket $s3_bucket)"
}

build_busybox_image() {
  if [ ! -s "$busybox_image" ]; then
    mkdir -p "$(dirname "$busybox_image")"
    bash "$repo/scripts/images/busybox.sh" "$busybox_image.tmp" ||
      die "cannot build the busybox image; see the output above"
    mv "$busybox_image.tmp" "$busybox_image"
  fi
  say "ready: busybox image $busybox_image"
}

main() {
  [ "$(id -u)" = 0 ] || die "run as root: it installs packages and starts services"
  mkdir -p "$log_dir" "$state_dir"

  # Two runs at once would start every service twice.
  exec 9>"$state_dir/test-env.lock"
  flock 9

  install_packages
  start_containerd
  start_postgres
  start_mariadb
  start_s3
  build_busybox_image
}

main "$@"
