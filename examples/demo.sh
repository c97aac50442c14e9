#!/bin/sh
# demo.sh POLICYC: evaluate example requirements against each shipped
# vendor fact set and print a small matrix. Exits 0 whenever it ran,
# whatever the verdicts: the point is to show them.
policyc=${1:-./policyc}
dir=$(dirname "$0")
rules="$dir/demo-rules.txt"
printf '%-44s' "requirement"
for v in "$dir"/vendors/*.json; do
  n=$(basename "$v" .json)
  printf ' %-14.14s' "$n"
done
echo
grep -v '^#' "$rules" | while IFS= read -r rule; do
  [ -n "$rule" ] || continue
  printf '%-44.44s' "$rule"
  for v in "$dir"/vendors/*.json; do
    out=$("$policyc" eval --facts "$v" -- "$rule" 2>&1)
    case $?:$out in
      0:true) verdict=PASS ;;
      0:false) verdict=FAIL ;;
      1:*"no such key"*) verdict=UNKNOWN ;; # an absent fact
      *) verdict=ERROR ;;
    esac
    printf ' %-14.14s' "$verdict"
  done
  echo
done
echo
echo "(UNKNOWN: the vendor's document does not disclose a fact the rule needs)"
exit 0
