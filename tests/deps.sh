#!/bin/sh
# deps.sh: make sure what the build needs is there. It looks for the things
# themselves (commands, pkg-config modules, the time zone database), not for
# packages, so it passes on any system where they are present. When
# something is missing: on Debian (apt-get present) as root, installs the
# Debian packages that provide it; otherwise prints what is missing and the
# apt-get line, and fails. Quiet when nothing is missing. The Makefile runs
# it once per build directory, before it builds anything.
#
# The PostgreSQL server (for the extension in pg/), chromium and the CJK
# fonts are wanted, not needed: installed the same way with the rest, but
# when they are missing and cannot be installed the build goes on, and the
# tests that use them say "skipped" and why. The server's headers are what
# tells that postgresql-server-dev-15 is there: Debian 12's
# postgresql-client-15 ships PGXS's makefiles (pgxs.mk, pg_regress)
# without them.

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
pc  nettle              nettle-dev
pc  cmocka              libcmocka-dev
dir /usr/share/zoneinfo tzdata
'

# Wanted: what some tests use when it is there, and say "skipped: why"
# when it is not. The PostgreSQL 15 server and its PGXS, where Debian puts
# them (make's PG_CONFIG can point elsewhere), for make pg-test; chromium
# renders the HTML report and fonts-noto-cjk gives its page Japanese
# glyphs (make report-tests).
wants='
file /usr/lib/postgresql/15/bin/postgres postgresql-15
file /usr/include/postgresql/15/server/postgres.h postgresql-server-dev-15
cmd  chromium            chromium
dir  /usr/share/fonts/opentype/noto fonts-noto-cjk
'

# `sh tests/deps.sh fuzz` looks for what `make fuzz` needs instead (and
# only it: `make check` never does): clang, and a clang that can link
# libFuzzer, whose runtime Debian 12 ships in libclang-rt-14-dev.
if [ "${1:-}" = fuzz ]; then
  needs='
cmd    clang clang
fuzzer clang libclang-rt-14-dev
'
  wants=''
fi

# present KIND WHAT: is it there?
present() {
  case $1 in
    cmd) command -v "$2" >/dev/null 2>&1 ;;
    pc) command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$2" ;;
    dir) [ -d "$2" ] ;;
    file) [ -f "$2" ] ;;
    fuzzer) printf '%s\n' 'int LLVMFuzzerTestOneInput(const char *d, long n)' \
        '{ (void)d; (void)n; return 0; }' |
      "$2" -fsanitize=fuzzer -x c -o /dev/null - >/dev/null 2>&1 ;;
  esac
}

# find_missing LIST: sets $what (the missing things of LIST, described)
# and $pkgs (their packages).
find_missing() {
  what=""
  pkgs=""
  while read -r kind thing pkg; do
    [ -n "$kind" ] || continue
    present "$kind" "$thing" && continue
    case $kind in
      cmd) what="$what, command $thing" ;;
      pc) what="$what, pkg-config module $thing" ;;
      dir|file) what="$what, $thing" ;;
      fuzzer) what="$what, libFuzzer for $thing" ;;
    esac
    pkgs="$pkgs $pkg"
  done <<EOF
$1
EOF
  what=${what#, }
}

# apt_install PKGS: apt-get install them; fails when that fails.
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "$updated" ]; then
    # An update failure (offline mirror) is not fatal: the cache may do.
    apt-get update -qq >/dev/null 2>&1 || echo "deps: apt-get update failed; trying the cached lists"
    updated=1
  fi
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

as_root=
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  as_root=1
fi

# What is wanted first: its failure only leaves pg-test to say "skipped".
find_missing "$wants"
if [ -n "$pkgs" ] && [ -n "$as_root" ]; then
  echo "deps: missing $what (wanted by optional tests); installing$pkgs"
  apt_install $pkgs || echo "deps: apt-get install$pkgs failed; the tests that use them will say skipped"
fi

find_missing "$needs"
[ -z "$pkgs" ] && exit 0
if [ -n "$as_root" ]; then
  echo "deps: missing $what; installing$pkgs"
  if ! apt_install $pkgs; then
    echo "deps: apt-get install$pkgs failed" >&2
    exit 1
  fi
  find_missing "$needs"
  [ -z "$pkgs" ] && exit 0
  echo "deps: still missing after the install: $what" >&2
  exit 1
fi
echo "deps: missing $what" >&2
echo "deps: on Debian, as root: apt-get install$pkgs" >&2
exit 1
