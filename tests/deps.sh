#!/bin/sh
# deps.sh PKG...: make sure the Debian packages the build needs are there.
# Installs the missing ones with apt-get when run as root; otherwise says
# exactly what to install and fails. Quiet when nothing is missing.
missing=""
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "deps: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  # An update failure (offline mirror) is not fatal: the cache may do.
  apt-get update -qq >/dev/null 2>&1 || echo "deps: apt-get update failed; trying the cached lists"
  if ! apt-get install -y -qq --no-install-recommends $missing >/dev/null; then
    echo "deps: apt-get install$missing failed" >&2
    exit 1
  fi
  exit 0
fi
echo "deps: missing Debian packages:$missing" >&2
echo "deps: run as root, or: sudo apt-get install$missing" >&2
exit 1
