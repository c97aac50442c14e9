#!/bin/sh
# run.sh BUILD_DIR: `make bench` (docs/performance.md). Generates the
# workloads with BUILD_DIR/bench-gen (deterministic: the same bytes on any
# machine), then runs
#   T1 hot     the 40-rule policy over one vendor and over 500: the C
#              floor, the VM alone, pol_check, pol_check + NDJSON
#   scaling    ns per rule for 10, 100 and 1,000 rules; per check for
#              fact sets of 1 KB to 1 MB
#   T2 stream  policyc check --format ndjson over 1,000 to 100,000
#              vendors: MB/s, vendors/s, peak RSS; --format json and
#              --jobs 2 at 20,000; jq on the same rules as the peer
#   T3 cold    one policy, one vendor, the whole process: ms, peak RSS
# Every number is printed; nothing is checked here (no test depends on
# timing). BENCH_MAX=N caps the largest stream (default 100000);
# BENCH_REPS=N runs each T2 line N times and prints the median run
# (default 3: the machine is shared, and one run moves by a fifth).
set -eu
B=$1
D=$B/bench-data
gen=$B/bench-gen
bench=$B/bench
policyc=$(cd "$(dirname "$B/policyc")" && pwd)/policyc
pol=tests/bench/bench40.pol
max=${BENCH_MAX:-100000}
mkdir -p "$D"

# ---- data ----------------------------------------------------------------
[ -s "$D/one.json" ] || "$gen" vendor > "$D/one.json"
[ -s "$D/v500.ndjson" ] || "$gen" vendors 500 > "$D/v500.ndjson"
for n in 1000 10000 20000 100000; do
  [ "$n" -le "$max" ] || continue
  [ -s "$D/v$n.ndjson" ] || "$gen" vendors "$n" > "$D/v$n.ndjson"
done
for r in 10 100 1000; do
  [ -s "$D/p$r.pol" ] || "$gen" policy "$r" > "$D/p$r.pol"
done
for s in 1024 16384 262144 1048576; do
  [ -s "$D/s$s.json" ] || "$gen" vendor --size "$s" > "$D/s$s.json"
done

echo "machine: $(nproc) CPUs, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo

# ---- T1 ------------------------------------------------------------------
"$bench" t1 "$pol" "$D/one.json" "$D/v500.ndjson"
echo

# ---- T1 in instructions ----------------------------------------------------
# Wall-clock ns on a shared machine move by 2x from run to run; the
# instructions callgrind counts do not. Each workload runs 0 and 200 times
# after the same set-up; the difference over 200 is its cost per check.
if command -v valgrind > /dev/null 2>&1; then
  echo "T1 in instructions per check (callgrind; one vendor, the 40 rules)"
  irs() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
      "$bench" prof "$1" "$pol" "$D/one.json" "$2" 2>&1 |
      awk '/refs:/ { gsub(",", "", $NF); print $NF }'
  }
  for w in floor load eval check write; do
    base=$(irs $w 0)
    full=$(irs $w 200)
    echo "$w $(( (full - base) / 200 ))"
  done | awk '
    { ir[$1] = $2; order[NR] = $1 }
    END {
      for (i = 1; i <= NR; i++) {
        w = order[i]
        printf "  %-28s %9d instructions", w, ir[w]
        if (w == "eval" || w == "check" || w == "write")
          printf "   %5.2fx floor", ir[w] / ir["floor"]
        if (w == "check" || w == "write")
          printf "   %5.2fx eval", ir[w] / ir["eval"]
        printf "\n"
      }
    }'
else
  echo "T1 in instructions: valgrind not installed, skipped"
fi
echo

# ---- scaling -------------------------------------------------------------
echo "Scaling: pol_check, policy size (one vendor) and fact-set size (40 rules)"
for r in 10 100 1000; do
  "$bench" scale "$D/p$r.pol" "$D/one.json"
done
for s in 1024 16384 262144 1048576; do
  "$bench" scale "$pol" "$D/s$s.json"
done
echo

# ---- T2 ------------------------------------------------------------------
# run LABEL BYTES VENDORS OUT PROGRAM ARG...: REPS whole runs, one line
# (the run of median time).
reps=${BENCH_REPS:-3}
run() {
  label=$1 bytes=$2 vendors=$3 out=$4
  shift 4
  : > "$D/t2.txt"
  i=0
  while [ $i -lt "$reps" ]; do
    "$bench" run "$out" "$@" >> "$D/t2.txt"
    i=$((i + 1))
  done
  sort -n "$D/t2.txt" | awk -v l="$label" -v b="$bytes" -v n="$vendors" \
    '{ r[NR] = $0 } END { split(r[int((NR + 1) / 2)], f, " ");
      printf "  %-34s %7.2f s  %6.1f MB/s  %8.0f vendors/s  %6.1f MB RSS  cpu %.2f s  exit %d\n", l, f[1], b / f[1] / 1e6, n / f[1], f[3] / 1024, f[2], f[4] }'
}
echo "T2 stream: $pol, --format ndjson unless said, to a file; median of $reps runs (exit 1: some vendor not compliant)"
for n in 1000 10000 20000 100000; do
  [ "$n" -le "$max" ] || continue
  f=$D/v$n.ndjson
  run "$n vendors" "$(wc -c < "$f")" "$n" "$D/out.ndjson" \
    "$policyc" check --format ndjson "$pol" "$f"
done
f=$D/v20000.ndjson
if [ -s "$f" ]; then
  bytes=$(wc -c < "$f")
  run "20000 vendors, --jobs 2" "$bytes" 20000 "$D/out.ndjson" \
    "$policyc" check --jobs 2 --format ndjson "$pol" "$f"
  run "20000 vendors, --format json" "$bytes" 20000 "$D/out.json" \
    "$policyc" check --format json "$pol" "$f"
  run "20000 vendors, json, --jobs 2" "$bytes" 20000 "$D/out.json" \
    "$policyc" check --jobs 2 --format json "$pol" "$f"
  if command -v jq > /dev/null 2>&1; then
    run "20000 vendors, jq (the peer)" "$bytes" 20000 "$D/out.jq" \
      "$(command -v jq)" -r -f tests/bench/rules40.jq "$f"
  else
    echo "  jq: not installed, the peer is skipped"
  fi
fi
echo

# ---- T3 ------------------------------------------------------------------
# The policy of the workloads; a shipped baseline, which imports the fact
# vocabulary (about 300 KB of declarations) as real policies do; and the
# process start-up alone, policyc's and the system's.
t3() {
  what=$1
  shift
  i=0
  : > "$D/t3.txt"
  while [ $i -lt 21 ]; do
    "$bench" run /dev/null "$@" >> "$D/t3.txt"
    i=$((i + 1))
  done
  sort -n "$D/t3.txt" | awk -v w="$what" \
    '{ t[NR] = $1; if ($3 > m) m = $3 } END { printf "  %-38s %6.2f ms  %5.1f MB RSS\n", w, t[11] * 1000, m / 1024 }'
}
echo "T3 cold: one policy, one vendor, the whole process (median of 21)"
t3 "check bench40.pol one.json" "$policyc" check "$pol" "$D/one.json"
t3 "check ismap-baseline.pol (vocabulary)" "$policyc" check \
  examples/policies/ismap-baseline.pol examples/vendors/crise-cloudbot.json
t3 "policyc --version" "$policyc" --version
t3 "/bin/true" /bin/true
