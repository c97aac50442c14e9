#!/bin/sh
# deps.sh: make sure what the build needs is there. It looks for the things
# themselves (commands, pkg-config modules, the time zone database), not for
# packages, so it passes on any system where they are present. When
# something is missing: on Debian (apt-get present) as root, installs the
# Debian packages that provide it; otherwise prints what is missing and the
# apt-get line, and fails. Quiet when nothing is missing. The Makefile runs
# it once per build directory, before it builds anything.

# The build's dependencies, the only list of them: how to look for each
# (a command, a pkg-config module or a directory) and its Debian package.
needs='
cmd flex                flex
cmd bison               bison
cmd python3             python3
cmd pkg-config          pkg-config
cmd objcopy             binutils
pc  libffi              libffi-dev
pc  libpcre2-8          libpcre2-dev
pc  cmocka              libcmocka-dev
dir /usr/share/zoneinfo tzdata
'

# What some tests use when it is there, and say "skipped: why" when it is
# not: installed with the rest on Debian as root, but never a reason to
# stop the build. chromium renders the HTML report (make report-tests);
# fonts-noto-cjk gives its page Japanese and Chinese glyphs.
optional='
cmd chromium            chromium
dir /usr/share/fonts/opentype/noto fonts-noto-cjk
'

# present KIND WHAT: is it there?
present() {
  case $1 in
    cmd) command -v "$2" >/dev/null 2>&1 ;;
    pc) command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$2" ;;
    dir) [ -d "$2" ] ;;
  esac
}

# Sets $what (the missing things, described) and $pkgs (their packages).
find_missing() {
  what=""
  pkgs=""
  while read -r kind thing pkg; do
    [ -n "$kind" ] || continue
    present "$kind" "$thing" && continue
    case $kind in
      cmd) what="$what, command $thing" ;;
      pc) what="$what, pkg-config module $thing" ;;
      dir) what="$what, $thing" ;;
    esac
    pkgs="$pkgs $pkg"
  done <<EOF
$needs
EOF
  what=${what#, }
}

# Optional packages: install as root on Debian, quietly give up otherwise.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  opt=""
  while read -r kind thing pkg; do
    [ -n "$kind" ] || continue
    present "$kind" "$thing" || opt="$opt $pkg"
  done <<OPT
$optional
OPT
  if [ -n "$opt" ]; then
    echo "deps: installing the optional$opt (tests that need them skip without)"
    apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends $opt >/dev/null 2>&1 ||
      echo "deps: could not install$opt; the tests that use them will say skipped"
  fi
fi

find_missing
[ -z "$pkgs" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "deps: missing $what; installing$pkgs"
  export DEBIAN_FRONTEND=noninteractive
  # An update failure (offline mirror) is not fatal: the cache may do.
  apt-get update -qq >/dev/null 2>&1 || echo "deps: apt-get update failed; trying the cached lists"
  if ! apt-get install -y -qq --no-install-recommends $pkgs >/dev/null; then
    echo "deps: apt-get install$pkgs failed" >&2
    exit 1
  fi
  find_missing
  [ -z "$pkgs" ] && exit 0
  echo "deps: still missing after the install: $what" >&2
  exit 1
fi
echo "deps: missing $what" >&2
echo "deps: on Debian, as root: apt-get install$pkgs" >&2
exit 1
