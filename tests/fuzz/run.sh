#!/bin/sh
# run.sh FZ SECONDS TARGET...: run each libFuzzer target of FZ/fuzz/ for
# SECONDS on its corpus FZ/corpus/TARGET (which grows as it finds new
# coverage), one after the other, and print per target the executions
# and what was found. Findings (crash-*, leak-*, timeout-*, oom-* files)
# go to FZ/findings/; the log of each run to FZ/log/TARGET.log. Fails if
# anything was found: copy a finding to tests/fuzz/regress/TARGET/ once
# it is fixed, so that `make check` replays it.
fz=$1
secs=$2
shift 2
here=$(dirname "$0")
mkdir -p "$fz/findings" "$fz/log"
found=0
printf '  %-8s %12s %10s %8s  %s\n' target executions exec/s corpus findings
for t in "$@"; do
  dict=
  [ -f "$here/$t.dict" ] && dict="-dict=$here/$t.dict"
  # explain reads a policy (its vendor, after "%%", comes from the seeds)
  [ "$t" = explain ] && dict="-dict=$here/policy.dict"
  # Text inputs stay short: a mutation of a 40 KB module costs what a
  # hundred of a short policy do, and finds no more. Longer seeds are
  # cut to this length.
  case $t in
    policy|eval|explain) max_len=8192 ;;
    waivers|testspec) max_len=16384 ;;
    *) max_len=65536 ;;
  esac
  # The CLI's readers say every bad input on stderr, which would slow the
  # run tenfold: it is closed (libFuzzer and the sanitizers report on a
  # copy of it; a fuzz_fail message shows when the finding is replayed).
  quiet=
  case $t in
    records|sheet|waivers|testspec) quiet=-close_fd_mask=2 ;;
  esac
  before=$(ls "$fz/findings" | grep -c "^$t-")
  mkdir -p "$fz/corpus/$t"
  # -timeout: an input slower than 10 s is a finding (the engine's limits
  # should stop any evaluation long before); -rss_limit_mb likewise.
  "$fz/fuzz/$t" -max_total_time="$secs" -print_final_stats=1 \
    -timeout=10 -rss_limit_mb=2048 -max_len=$max_len $dict $quiet \
    -artifact_prefix="$fz/findings/$t-" "$fz/corpus/$t" \
    > "$fz/log/$t.log" 2>&1
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$fz/log/$t.log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$fz/log/$t.log")
  after=$(ls "$fz/findings" | grep -c "^$t-")
  corpus=$(ls "$fz/corpus/$t" | wc -l)
  new=$((after - before))
  [ "$new" -gt 0 ] && found=1
  printf '  %-8s %12s %10s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" \
    "$corpus" "$new"
done
if [ "$found" = 1 ]; then
  echo "fuzz: findings in $fz/findings (logs in $fz/log)" >&2
  exit 1
fi
