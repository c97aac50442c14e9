#!/bin/sh
# demo.sh POLICYC: check the shipped vendors against the example
# policies: the comparison matrix of the procurement policy, one
# vendor's full report, the two-line minimal policy, the questions to
# send a vendor, and a what-if (--assume). Exits 0
# whenever it ran, whatever the verdicts: the point is to show them.
policyc=${1:-./policyc}
dir=$(dirname "$0")
banner() { printf '\n==== %s\n\n' "$*"; }

banner "policyc check examples/policies/procurement.pol examples/vendors/*.json"
"$policyc" check "$dir/policies/procurement.pol" "$dir"/vendors/*.json

banner "policyc check examples/policies/minimal-vocab.pol examples/vendors/synergy-crm.json"
"$policyc" check "$dir/policies/minimal-vocab.pol" "$dir/vendors/synergy-crm.json"

banner "policyc check --questions examples/policies/procurement.pol examples/vendors/crise-cloudbot.json (first lines)"
"$policyc" check --questions "$dir/policies/procurement.pol" \
  "$dir/vendors/crise-cloudbot.json" | head -n 20

banner "policyc check --format=questions-csv --lang=en examples/policies/procurement.pol examples/vendors/synergy-crm.json"
"$policyc" check --format=questions-csv --lang=en \
  "$dir/policies/procurement.pol" "$dir/vendors/synergy-crm.json"

banner "policyc check --assume 'encryption.at_rest.all_data=true' examples/policies/procurement.pol examples/vendors/synergy-crm.json (the rules it changes)"
"$policyc" check --assume 'encryption.at_rest.all_data=true' \
  "$dir/policies/procurement.pol" "$dir/vendors/synergy-crm.json" |
  grep -B1 -A1 'was:'
exit 0
