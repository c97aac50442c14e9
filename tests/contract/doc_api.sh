#!/bin/sh
# doc_api.sh HEADER DOC: every function HEADER declares with POL_API is
# named in DOC's "API reference" (docs/embedding.md lists every public
# function with its contract); print the missing ones and fail.
set -eu
header=$1
doc=$2
ref=$(sed -n '/^## API reference/,/^## /p' "$doc")
missing=""
for fn in $(sed -n 's/^POL_API[^(]*[ *]\(pol_[a-z0-9_]*\)(.*/\1/p' "$header"); do
  case "$ref" in
    *"$fn("*|*"$fn\`"*|*"$fn "*) ;;
    *) missing="$missing $fn" ;;
  esac
done
if [ -n "$missing" ]; then
  echo "$doc: API reference lacks:$missing" >&2
  exit 1
fi
echo "$doc: every function of $header is in the API reference: ok"
