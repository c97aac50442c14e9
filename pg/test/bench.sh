#!/bin/sh
# bench.sh B: `make bench-pg`. Generated vendors (tests/bench/gen.c, seed
# 7) go into a jsonb table of a throwaway cluster (cluster.sh); the
# 40-rule tests/bench/bench40.pol checks them there with 1 and 2 parallel
# workers, and `policyc check --format ndjson` checks the same rows
# exported as NDJSON. Prints vendors/s for each, and fails unless the
# verdict counts are equal. BENCH_PG_N sets the number of vendors
# (default 100000); the cluster and its files go when it ends.
B=${1:-build}
N=${BENCH_PG_N:-100000}
. pg/test/cluster.sh

why=$(cluster_missing)
if [ -n "$why" ]; then
  echo "bench-pg: skipped: $why"
  exit 0
fi
cluster_missing >/dev/null
trap cluster_stop EXIT
trap 'exit 130' INT TERM
"$MAKE" --no-print-directory pg B="$B" || exit 1

# jit off: the functions are C, which the JIT cannot inline; it would only
# add its compile time to each run. Workers: the leader only gathers, so
# "N workers" is N processes checking.
cluster_start "shared_buffers = 1GB
max_wal_size = 4GB
synchronous_commit = off
jit = off
parallel_leader_participation = off" || exit 1
POLICYC=$B/policyc
POLICY=tests/bench/bench40.pol
psql="psql -X -q -v ON_ERROR_STOP=1 -d postgres"

now() { date +%s.%N; }
# CPU seconds used by the server's exited processes (backends, parallel
# workers): the postmaster's cutime + cstime, which grow as it reaps
# them. On a busy machine wall-clock time says little; CPU time says what
# a vendor costs.
TICK=$(getconf CLK_TCK)
server_cpu() {
  sleep 0.5 # let the postmaster reap the backend and its workers
  awk -v t="$TICK" '{ printf "%.3f", ($16 + $17) / t }' \
    "/proc/$(head -1 "$PGT/data/postmaster.pid")/stat"
}
# CPU seconds used by this shell's finished children, into $cpu (times
# must run in this shell, not in a subshell of its own).
my_cpu() {
  times > "$PGT/times.out"
  cpu=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/);
                       printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' \
          "$PGT/times.out")
}
# minus B A: B - A, seconds.
minus() { awk -v b="$1" -v a="$2" 'BEGIN { printf "%.3f", b - a }'; }
# rate SECONDS: vendors per second.
rate() { awk -v n="$N" -v s="$1" 'BEGIN { printf "%8.0f", n / s }'; }
# row WHAT WALL CPU
row() {
  printf '  %-40s %7.2f s %s/s %8.2f s %s/s\n' "$1" "$2" "$(rate "$2")" \
    "$3" "$(rate "$3")"
}

"$B/bench-gen" vendors "$N" > "$PGT/gen.ndjson" || exit 1
echo "bench-pg: $N vendors ($(($(wc -c < "$PGT/gen.ndjson") / 1048576)) MB of NDJSON), $POLICY"
# Wall-clock rates mean little on a busy machine: say how busy it was.
echo "  load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

t0=$(now)
$psql <<EOF || exit 1
CREATE EXTENSION policyc;
CREATE TABLE vendors (id bigserial PRIMARY KEY, facts jsonb NOT NULL);
\copy vendors (facts) FROM '$PGT/gen.ndjson' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
VACUUM ANALYZE vendors;
CREATE TABLE bench_policy AS
  SELECT pol_compile(pg_read_file('$(pwd)/$POLICY'), '$POLICY') AS p;
EOF
t1=$(now)
printf '  %-40s %7.2f s\n' "load (COPY into jsonb, VACUUM ANALYZE)" \
  "$(minus "$t1" "$t0")"
printf '  %-40s %9s %10s %10s %10s\n' "" "wall" "vendors" "CPU" "vendors"

# query WORKERS SQL: run SQL (the policy is $1) with WORKERS parallel
# workers; prints the wall and CPU seconds, leaves the rows in
# $PGT/sql.out and the plan in $PGT/plan.out. One worker is a Gather running the whole plan in
# one worker (force_parallel_mode): with the leader not scanning, a
# one-worker parallel scan costs the planner what a serial one does, and
# it keeps the serial plan.
query() {
  if [ "$1" = 1 ]; then
    set -- "1;
SET force_parallel_mode = on" "$2"
  fi
  cat > "$PGT/q.sql" <<EOF
SET max_parallel_workers_per_gather = $1;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET plan_cache_mode = force_generic_plan;
SELECT p AS policy FROM bench_policy \gset
PREPARE q(bytea) AS $2;
EXPLAIN (COSTS OFF) EXECUTE q(:'policy');
EOF
  $psql -f "$PGT/q.sql" > "$PGT/plan.out" || exit 1
  sed -i 's/^EXPLAIN.*//' "$PGT/q.sql"
  echo "EXECUTE q(:'policy');" >> "$PGT/q.sql"
  c0=$(server_cpu)
  s=$(now)
  $psql -At -f "$PGT/q.sql" > "$PGT/sql.out" || exit 1
  e=$(now)
  c1=$(server_cpu)
  echo "$(minus "$e" "$s") $(minus "$c1" "$c0")"
}

VERDICTS="SELECT r.verdict, count(*) FROM vendors, LATERAL pol_verdicts(\$1, facts) r GROUP BY 1 ORDER BY 1"
COMPLIANT="SELECT 'compliant', count(*) FROM vendors WHERE pol_compliant(\$1, facts)"
for w in 1 2; do
  t=$(query $w "$VERDICTS")
  grep -q "Workers Planned: $w" "$PGT/plan.out" ||
    { echo "bench-pg: no parallel plan with $w workers:"; cat "$PGT/plan.out"; exit 1; }
  row "SQL pol_verdicts, $w worker(s)" $t
  sort "$PGT/sql.out" > "$PGT/sql-verdicts-$w"
  t=$(query $w "$COMPLIANT")
  row "SQL pol_compliant, $w worker(s)" $t
  cat "$PGT/sql.out" >> "$PGT/sql-verdicts-$w"
done
echo "  plan (2 workers):"
sed -n 's/^/    /p' "$PGT/plan.out" | grep -v '^ *$'

# The same rows as NDJSON, in table order.
$psql -At -c "SELECT facts FROM vendors ORDER BY id" > "$PGT/export.ndjson" || exit 1
for j in 1 2; do
  my_cpu
  c0=$cpu
  s=$(now)
  "$POLICYC" check --format ndjson --jobs $j "$POLICY" "$PGT/export.ndjson" \
    > /dev/null
  e=$(now)
  my_cpu
  c1=$cpu
  row "policyc check --format ndjson --jobs $j" "$(minus "$e" "$s")" \
    "$(minus "$c1" "$c0")"
done

# Counts from policyc's reports, as "VERDICT<tab>COUNT" lines.
"$POLICYC" check --format ndjson "$POLICY" "$PGT/export.ndjson" | python3 -c '
import json, sys
counts = {}
compliant = 0
for line in sys.stdin:
    r = json.loads(line)
    for v, n in r["summary"].items():
        counts[v] = counts.get(v, 0) + n
    compliant += r["compliant"]
for v in sorted(counts):
    if counts[v]:
        print("%s|%d" % (v, counts[v]))
print("compliant|%d" % compliant)
' > "$PGT/policyc-verdicts"
sort -o "$PGT/policyc-verdicts" "$PGT/policyc-verdicts"
sort -o "$PGT/sql-verdicts-1" "$PGT/sql-verdicts-1"
sort -o "$PGT/sql-verdicts-2" "$PGT/sql-verdicts-2"
echo "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  counts (SQL 1 worker = SQL 2 workers = policyc):"
sed 's/|/ /; s/^/    /' "$PGT/policyc-verdicts"
if cmp -s "$PGT/sql-verdicts-1" "$PGT/policyc-verdicts" &&
   cmp -s "$PGT/sql-verdicts-2" "$PGT/policyc-verdicts"; then
  echo "bench-pg: counts equal"
else
  echo "bench-pg: counts differ"
  diff "$PGT/sql-verdicts-1" "$PGT/policyc-verdicts"
  diff "$PGT/sql-verdicts-2" "$PGT/policyc-verdicts"
  exit 1
fi
