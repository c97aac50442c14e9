#!/bin/sh
# run_conformance.sh POLICYC: run the shared conformance corpora (CEL and
# JSON) when ../shared/conformance exists, print their tables, and fail
# when a pass count drops below the record in tests/conformance.record.
# A user's own clone has no ../shared: then this says "skipped".
policyc=$1
dir=${CONFORMANCE_DIR:-../shared/conformance}
record=tests/conformance.record
if [ ! -f "$dir/cel_run.py" ]; then
  echo "conformance: skipped ($dir not found)"
  exit 0
fi
out=${TMPDIR:-/tmp}/policyc-conformance.$$
status=0
check() { # NAME PASSED
  want=$(sed -n "s/^$1 //p" "$record")
  if [ "$2" -lt "${want:-0}" ]; then
    echo "conformance: $1 passes $2, below the record of $want" >&2
    status=1
  else
    echo "conformance: $1 passes $2 (record $want)"
  fi
}
python3 "$dir/cel_run.py" --cmd "$policyc eval" --jobs 4 \
  --fail-log "$out.cel-failures" "$dir/cel" >"$out.cel" 2>&1
sed -e '$d' -e '/^cel_run: /d' "$out.cel"
cel=$(tail -n 1 "$out.cel" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
check cel "${cel:-0}"
python3 "$dir/json_run.py" --cmd "$policyc eval" \
  --fail-log "$out.json-failures" "$dir/json" >"$out.json" 2>&1
sed '$d' "$out.json"
json=$(tail -n 1 "$out.json" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
check json "${json:-0}"
if [ $status -eq 0 ]; then
  rm -f "$out.cel-failures" "$out.json-failures"
else
  echo "conformance: failures listed in $out.cel-failures and $out.json-failures" >&2
fi
rm -f "$out.cel" "$out.json"
exit $status
