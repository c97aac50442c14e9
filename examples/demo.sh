#!/bin/sh
# demo.sh POLICYC [OUTDIR]: check the shipped vendors against the
# example policies: the comparison matrix of the procurement policy, one
# vendor's full report, the two-line minimal policy, the questions to
# send a vendor, a what-if (--assume), and the HTML report of all five
# written to OUTDIR/report.html (default build/demo). Exits 0 whenever
# it ran, whatever the verdicts: the point is to show them.
policyc=${1:-./policyc}
outdir=${2:-build/demo}
dir=$(dirname "$0")
banner() { printf '\n==== %s\n\n' "$*"; }

banner "policyc check examples/policies/procurement.pol examples/vendors/*.json"
"$policyc" check "$dir/policies/procurement.pol" "$dir"/vendors/*.json

banner "policyc check examples/policies/minimal-vocab.pol examples/vendors/synergy-crm.json"
"$policyc" check "$dir/policies/minimal-vocab.pol" "$dir/vendors/synergy-crm.json"

banner "policyc check --questions --lang=ja examples/policies/procurement.pol examples/vendors/crise-cloudbot.json (first lines)"
"$policyc" check --questions --lang=ja "$dir/policies/procurement.pol" \
  "$dir/vendors/crise-cloudbot.json" | head -n 20

banner "policyc check --format=questions-csv --lang=en examples/policies/procurement.pol examples/vendors/synergy-crm.json"
"$policyc" check --format=questions-csv --lang=en \
  "$dir/policies/procurement.pol" "$dir/vendors/synergy-crm.json"

banner "policyc check --assume 'encryption.at_rest.all_data=true' examples/policies/procurement.pol examples/vendors/synergy-crm.json (the rules it changes)"
"$policyc" check --assume 'encryption.at_rest.all_data=true' \
  "$dir/policies/procurement.pol" "$dir/vendors/synergy-crm.json" |
  grep -B1 -A1 'was:'

banner "policyc check --format=html -o $outdir/report.html examples/policies/procurement.pol examples/vendors/*.json"
mkdir -p "$outdir"
"$policyc" check --format=html -o "$outdir/report.html" \
  "$dir/policies/procurement.pol" "$dir"/vendors/*.json
if [ -s "$outdir/report.html" ]; then
  echo "The HTML report is in $outdir/report.html (open it in a browser; it prints on A4)."
else
  echo "demo: $outdir/report.html was not written" >&2
fi
exit 0
