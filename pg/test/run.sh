#!/bin/sh
# run.sh B: the extension's SQL tests, `make pg-test` (part of make check).
# Builds the extension, starts a throwaway PostgreSQL 15 cluster
# (cluster.sh), runs pg_regress on the tests of the schedule (sql/*.sql
# against expected/*.out) and stops the cluster whatever the outcome.
# Without a server it says "skipped" and why, and succeeds: the rest of
# make check does not need PostgreSQL.
B=${1:-build}
. pg/test/cluster.sh

if [ -n "$SAN" ]; then
  echo "pg-test: skipped: a stock server cannot load an ASan build (the jsonb conversion runs under ASan in test_pg_facts)"
  exit 0
fi
why=$(cluster_missing)
if [ -n "$why" ]; then
  echo "pg-test: skipped: $why"
  exit 0
fi
cluster_missing >/dev/null # sets PG_BIN and PG_REGRESS here too
trap cluster_stop EXIT
trap 'exit 130' INT TERM

"$MAKE" --no-print-directory pg B="$B" || exit 1
cluster_start "" || exit 1
POLICYC_ROOT=$(pwd)
POLICYC_BIN=$(cd "$B" && pwd)/policyc
export POLICYC_ROOT POLICYC_BIN
mkdir -p "$PGT/out"
"$PG_REGRESS" --bindir="$PG_BIN" --host="$PGT" --port="$PGPORT" \
  --user=postgres --dbname=policyc_regress --inputdir=pg/test \
  --outputdir="$PGT/out" --schedule=pg/test/schedule
rc=$?
if [ $rc -ne 0 ]; then
  mkdir -p "$B/pg"
  rm -rf "$B/pg/results"
  cp -R "$PGT/out/results" "$B/pg/results" 2>/dev/null
  cp "$PGT/out/regression.diffs" "$B/pg/regression.diffs" 2>/dev/null &&
    echo "pg-test: the differences are in $B/pg/regression.diffs, the outputs in $B/pg/results"
  tail -n 20 "$PGT/server.log" >&2
  exit 1
fi
# memory.sql logs its measurements: show them.
sed -n 's/.*LOG:  policyc memory test: /pg-test: memory over 100,000 checks: /p' \
  "$PGT/server.log"
echo "pg-test: passed"
