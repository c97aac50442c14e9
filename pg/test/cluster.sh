# cluster.sh: a throwaway PostgreSQL 15 cluster for the extension's tests
# and benchmark, sourced by pg/test/run.sh and pg/test/bench.sh.
#
# Nothing outside one temporary directory is touched: the extension is
# installed (make pg-install DESTDIR=...) into a copy of the server's
# installation there, since the server finds extensions only in its own
# share directory, and the server's binaries are copied next to it
# (PostgreSQL locates its share and lib directories relative to its own
# executable; the libraries are symlinked). initdb makes the cluster in
# the same directory, the server listens on a unix socket there only,
# and cluster_stop (installed as an EXIT trap) stops it and removes the
# directory whatever happened. As root, the server runs as the user
# postgres, because initdb refuses to run as root.
#
# Needs: $PG_CONFIG (default: Debian's PostgreSQL 15), $MAKE, $B (the
# build directory).

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
MAKE=${MAKE:-make}
PGPORT=5432
PGUSER=postgres
export PGPORT PGUSER

# Why a cluster cannot run here, on stdout; nothing when it can.
cluster_missing() {
  if [ ! -x "$PG_CONFIG" ]; then
    echo "no $PG_CONFIG (Debian: apt-get install postgresql-15 postgresql-server-dev-15; make does this when run as root)"
    return
  fi
  PG_BIN=$("$PG_CONFIG" --bindir)
  for p in postgres initdb pg_ctl psql; do
    if [ ! -x "$PG_BIN/$p" ]; then
      echo "no $PG_BIN/$p (Debian: apt-get install postgresql-15)"
      return
    fi
  done
  PG_REGRESS=$(dirname "$("$PG_CONFIG" --pgxs)")/../test/regress/pg_regress
  if [ ! -x "$PG_REGRESS" ]; then
    echo "no pg_regress (Debian: apt-get install postgresql-server-dev-15)"
    return
  fi
  # postgresql-client-15 alone brings pg_config, pgxs.mk and pg_regress
  # but not the headers the extension is compiled against
  if [ ! -f "$("$PG_CONFIG" --includedir-server)/postgres.h" ]; then
    echo "no $("$PG_CONFIG" --includedir-server)/postgres.h (Debian: apt-get install postgresql-server-dev-15)"
    return
  fi
  if [ "$(id -u)" = 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      echo "running as root, and there is no user postgres to run the server as (initdb refuses root)"
    elif ! command -v runuser >/dev/null 2>&1; then
      echo "running as root without runuser to start the server as postgres"
    fi
  fi
}

# Run a command as the owner of the cluster.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cluster_stop() {
  if [ -n "$PGT" ] && [ -f "$PGT/data/postmaster.pid" ]; then
    as_owner "$PGT/inst$PG_BIN/pg_ctl" -D "$PGT/data" -m immediate -w \
      stop >/dev/null 2>&1 || true
  fi
  if [ -n "$PGT" ] && [ -z "$KEEP_CLUSTER" ]; then
    rm -rf "$PGT"
  fi
}

# The server's installation, copied into $PGT/inst, with the extension.
cluster_install() {
  share=$("$PG_CONFIG" --sharedir)
  pkglib=$("$PG_CONFIG" --pkglibdir)
  inst=$PGT/inst
  "$MAKE" --no-print-directory pg-install DESTDIR="$inst" B="$B" >/dev/null || return 1
  mkdir -p "$inst$PG_BIN" "$inst$pkglib" "$inst$share"
  for p in postgres initdb pg_ctl; do
    cp "$PG_BIN/$p" "$inst$PG_BIN/" || return 1
  done
  cp -R "$share/." "$inst$share/" || return 1
  for f in "$pkglib"/*; do
    [ -e "$inst$pkglib/${f##*/}" ] || ln -s "$f" "$inst$pkglib/"
  done
}

# Make and start the cluster; [extra] lines are appended to its config.
# (jit is off: compiling a plan's expressions costs more than the
# tests' small queries, and bench.sh measures with and without it.)
cluster_start() {
  extra=$1
  PGT=$(mktemp -d "${TMPDIR:-/tmp}/policyc-pg.XXXXXX") || return 1
  PGHOST=$PGT
  export PGHOST
  cluster_install || { echo "pg: installing into $PGT/inst failed" >&2; return 1; }
  [ "$(id -u)" = 0 ] && chown -R postgres "$PGT"
  if ! as_owner "$PGT/inst$PG_BIN/initdb" -D "$PGT/data" -U postgres \
      -A trust -E UTF8 --no-locale --no-sync >"$PGT/initdb.log" 2>&1; then
    cat "$PGT/initdb.log" >&2
    return 1
  fi
  cat >>"$PGT/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$PGT'
port = $PGPORT
fsync = off
jit = off
max_worker_processes = 8
max_parallel_workers = 8
$extra
EOF
  if ! as_owner "$PGT/inst$PG_BIN/pg_ctl" -D "$PGT/data" -l "$PGT/server.log" \
      -w -t 60 start >/dev/null; then
    cat "$PGT/server.log" >&2
    return 1
  fi
}
