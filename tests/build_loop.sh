#!/bin/sh
# build_loop.sh [RUNS]: clone this repository's HEAD into a temporary
# directory and run RUNS (default 10) clean parallel builds there in a row,
# `make clean` between them, reporting each. Exits 1 if any build failed,
# keeping its log. Run by hand, not by `make check` (it takes minutes):
#
#     sh tests/build_loop.sh          # 10 x `make -j`
#     JOBS=2 sh tests/build_loop.sh   # 10 x `make -j2`, on a shared machine
#
# Only committed files are built: commit first.
set -u
runs=${1:-10}
jobs=${JOBS:-}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel) || exit 2
head=$(git -C "$repo" rev-parse HEAD) || exit 2
dir=$(mktemp -d "${TMPDIR:-/tmp}/policyc-loop.XXXXXX")
# The clone's own HEAD may be another branch's (a worktree's repository):
# check out this worktree's commit.
git clone -q "$repo" "$dir/src" && git -C "$dir/src" checkout -q "$head" ||
  exit 2
cd "$dir/src" || exit 2
echo "build_loop: $(git log -1 --format='%h %s'), $runs x make -j$jobs in $dir/src"
failed=0
i=1
while [ "$i" -le "$runs" ]; do
  make clean >/dev/null 2>&1
  start=$(date +%s)
  if make -j$jobs >"$dir/build$i.log" 2>&1; then
    echo "build $i: ok ($(($(date +%s) - start)) s)"
    rm -f "$dir/build$i.log"
  else
    echo "build $i: FAILED, log in $dir/build$i.log"
    tail -n 5 "$dir/build$i.log" | sed 's/^/  /'
    failed=$((failed + 1))
  fi
  i=$((i + 1))
done
echo "build_loop: $((runs - failed)) of $runs builds succeeded"
if [ "$failed" -ne 0 ]; then
  exit 1
fi
rm -rf "$dir"
