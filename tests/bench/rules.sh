#!/bin/sh
# rules.sh BUILD_DIR: `make bench-rules`. Instructions per check of each
# rule of tests/bench/bench40.pol alone, the C floor (floor.c) beside the
# VM (pol_eval's work), counted by callgrind: each rule runs 0 and N times
# after the same set-up, and the difference over N is its cost. Shows
# which rules hold the VM's distance from the floor (docs/performance.md).
set -eu
B=$1
D=$B/bench-data
bench=$B/bench
pol=tests/bench/bench40.pol
N=${BENCH_RULES_N:-200}
command -v valgrind > /dev/null 2>&1 ||
  { echo "bench-rules: skipped: no valgrind (Debian: apt-get install valgrind)"; exit 0; }
mkdir -p "$D"
[ -s "$D/one.json" ] || "$B/bench-gen" vendor > "$D/one.json"
irs() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    "$bench" prof "$1" "$pol" "$D/one.json" "$2" "$3" 2>&1 |
    awk '/refs:/ { gsub(",", "", $NF); print $NF }'
}
echo "Instructions per check of each rule alone (callgrind; one vendor)"
r=0
"$bench" ids "$pol" | while read -r id; do
  f=$(( ($(irs floor "$N" $r) - $(irs floor 0 $r)) / N ))
  e=$(( ($(irs eval "$N" $r) - $(irs eval 0 $r)) / N ))
  echo "$r $id $f $e"
  r=$((r + 1))
done | awk '
  { printf "  %2d %-26s floor %6d  eval %6d  %5.2fx  +%d\n", $1, $2, $3, $4,
           $4 / ($3 > 0 ? $3 : 1), $4 - $3; f += $3; e += $4 }
  END { printf "  all 40 rules                  floor %6d  eval %6d  %5.2fx  +%d\n",
               f, e, e / f, e - f }'
