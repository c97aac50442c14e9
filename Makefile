# policyc: the only build file. `make` builds libpol.a, libpol.so and
# policyc; `make check` runs every test; `make demo` runs the examples.
# Generated sources and objects go to build/ (git-ignored). V=1: verbose.

VERSION_H := include/pol_version.h
MAJOR := $(shell sed -n 's/^\#define POL_VERSION_MAJOR *\([0-9]*\).*/\1/p' $(VERSION_H))
MINOR := $(shell sed -n 's/^\#define POL_VERSION_MINOR *\([0-9]*\).*/\1/p' $(VERSION_H))
PATCH := $(shell sed -n 's/^\#define POL_VERSION_PATCH *\([0-9]*\).*/\1/p' $(VERSION_H))
VERSION := $(MAJOR).$(MINOR).$(PATCH)

CC ?= cc
B ?= build
.DEFAULT_GOAL := all

# Install locations (GNU names; DESTDIR stages an install).
PREFIX ?= /usr/local
prefix ?= $(PREFIX)
exec_prefix ?= $(prefix)
bindir ?= $(exec_prefix)/bin
libdir ?= $(exec_prefix)/lib
includedir ?= $(prefix)/include
datadir ?= $(prefix)/share
mandir ?= $(datadir)/man
man1dir ?= $(mandir)/man1
pkgconfigdir ?= $(libdir)/pkgconfig
moduledir ?= $(datadir)/policyc/modules
sheetdir ?= $(datadir)/policyc/sheets
OPT ?= -O2
CFLAGS ?= $(OPT) -g
WARN := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wundef
ifneq ($(WERROR),)
WARN += -Werror
endif
ifneq ($(SAN),)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
# TSAN=1 (make contract-san, in build-tsan/): ThreadSanitizer.
ifneq ($(TSAN),)
CFLAGS += -fsanitize=thread
LDFLAGS += -fsanitize=thread
endif
OBJCOPY ?= objcopy

ifeq ($(filter grouped-target,$(.FEATURES)),)
$(error GNU make 4.3 or later is needed (grouped targets))
endif

# ---- dependencies --------------------------------------------------------
# Before anything is built, tests/deps.sh checks for what the build needs
# (and on Debian, as root, installs what is missing); only then are the
# libraries' pkg-config flags read, into $(B)/deps.mk. make remakes an
# included makefile before any other target, so under -j no compile or
# flex/bison run can start before the install ends. Goals that build
# nothing skip it.
# nettle first: its 546 symbol relocations are bound at start (Debian
# builds it BIND_NOW) and each lookup walks the libraries in this order,
# so a cold `policyc check` costs 40 K instructions less than with nettle
# last (docs/performance.md, 2026-12-05).
PKGS := nettle libpcre2-8 libffi
NODEPS_GOALS := clean uninstall pg-uninstall asan contract-san
ifneq ($(filter-out $(NODEPS_GOALS),$(or $(MAKECMDGOALS),all)),)
include $(B)/deps.mk
endif
$(B)/deps.mk: tests/deps.sh Makefile
	$(Q)mkdir -p $(B) && sh tests/deps.sh
	$(Q)printf 'PKG_CFLAGS := %s\nPKG_LIBS := %s\n' \
	  "$$(pkg-config --cflags $(PKGS))" "$$(pkg-config --libs $(PKGS))" > $@.tmp
	$(Q)mv $@.tmp $@

ALL_CFLAGS := $(WARN) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -fPIC -fvisibility=hidden \
  -Iinclude -iquote lib -iquote $(B) $(PKG_CFLAGS) $(CFLAGS)
# flex/bison output: their own code is not ours to fix.
GEN_CFLAGS := $(ALL_CFLAGS) -Wno-unused-function -Wno-sign-compare -Wno-missing-prototypes -Wno-unused-parameter
LIBS := $(PKG_LIBS) -lm -ldl -lpthread

ifeq ($(V),)
Q := @
say = @printf '  %-7s %s\n' $(1) $(2);
else
Q :=
say =
endif
# $(call update,FILE): replace FILE by FILE.tmp only when they differ, so
# that FILE's time, and so what depends on it, changes with its text only.
update = if cmp -s $(1).tmp $(1); then rm -f $(1).tmp; \
  else mv -f $(1).tmp $(1) && printf '  %-7s %s\n' GEN $(1); fi

LIB_SRC := $(wildcard lib/*.c)
LIB_OBJ := $(patsubst lib/%.c,$(B)/lib/%.o,$(LIB_SRC)) $(B)/lexer.o $(B)/parser.o
CLI_SRC := $(wildcard lib/cli/*.c)
CLI_OBJ := $(patsubst lib/cli/%.c,$(B)/cli/%.o,$(CLI_SRC))
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(TEST_SRC))
TEST_HELPERS := $(filter-out $(TEST_SRC),$(wildcard tests/unit/*.c))

STATIC := $(B)/libpol.a
SHARED := $(B)/libpol.so.$(VERSION)
INTERNAL := $(B)/libpol-internal.a

.PHONY: all check demo bench bench-rules bench-agree clean unit golden stream-test hostile-test check-io-test oom-test report-tests conformance diagnostics asan valgrind docs-example install uninstall embed-test policy-tests build-test contract-test contract-san pg pg-install pg-uninstall pg-test bench-pg FORCE
all: $(B)/policyc $(STATIC) $(SHARED) $(if $(filter build,$(B)),policyc)

# ---- generated front end -------------------------------------------------
# Grouped targets (&:): one flex or bison run makes both files, also
# under -j.
$(B)/lexer.c $(B)/lexer.h &: grammar/lexer.l | $(B)
	$(call say,FLEX,$<)flex -o $(B)/lexer.c --header-file=$(B)/lexer.h $<
$(B)/parser.c $(B)/parser.h &: grammar/parser.y | $(B)
	$(call say,BISON,$<)bison -Wall -Werror -d -o $(B)/parser.c $<
# They include lib/ headers too (the parser context holds a diag_list,
# which holds an arena): a changed struct there must rebuild them.
$(B)/lexer.o: $(B)/lexer.c $(B)/parser.h $(wildcard lib/*.h) include/pol.h
	$(call say,CC,$<)$(CC) $(GEN_CFLAGS) -c -o $@ $<
$(B)/parser.o: $(B)/parser.c $(B)/lexer.h $(wildcard lib/*.h) include/pol.h
	$(call say,CC,$<)$(CC) $(GEN_CFLAGS) -c -o $@ $<

# ---- built-in policy modules ---------------------------------------------
STDLIB := $(wildcard stdlib/*.pol)
# Check-sheet mappings for `policyc import`, installed beside the modules.
SHEETS := $(wildcard stdlib/sheets/*.json)
$(B)/stdlib.inc: $(STDLIB) stdlib/embed.sh | $(B)
	$(call say,GEN,$@)sh stdlib/embed.sh $(STDLIB) > $@.tmp && mv $@.tmp $@
$(B)/lib/stdlib.o: $(B)/stdlib.inc

# ---- install locations compiled in ---------------------------------------
# $(B)/config.h holds what the library knows of its install: the module
# directory lib/api.c searches. Every run writes it, but replaces it only
# when its text changes, so `make install PREFIX=/b` after PREFIX=/a
# rebuilds the objects that include it, and nothing else.
$(B)/config.h: FORCE | $(B)
	$(Q)printf '%s\n' '/* Generated by the Makefile from the install variables. */' \
	  '#define POL_MODULE_DIR "$(moduledir)"' > $@.tmp
	$(Q)$(call update,$@)
$(B)/lib/api_report.o: $(B)/config.h

# ---- library and CLI -----------------------------------------------------
$(B) $(B)/lib $(B)/cli $(B)/tests:
	$(Q)mkdir -p $@
$(B)/lib/%.o: lib/%.c $(wildcard lib/*.h) include/pol.h include/pol_version.h $(B)/parser.h $(B)/lexer.h | $(B)/lib
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -c -o $@ $<
$(B)/cli/%.o: lib/cli/%.c $(wildcard lib/cli/*.h) include/pol.h | $(B)/cli
	$(call say,CC,$<)$(CC) $(WARN) -D_POSIX_C_SOURCE=200809L -Iinclude $(CFLAGS) -c -o $@ $<
# libpol.a holds one object: the library's objects partially linked (ld -r)
# with every hidden symbol (the internals: POL_INTERNAL, -fvisibility=hidden)
# made local. As in libpol.so, only pol_* names are global, so a host with
# its own utf8_valid or json_parse links statically without a clash.
$(B)/libpol.o: $(LIB_OBJ)
	$(call say,LD,$@)$(CC) -r -nostdlib -o $@.tmp $^
	$(Q)$(OBJCOPY) --localize-hidden $@.tmp $@ && rm -f $@.tmp
$(STATIC): $(B)/libpol.o
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $^
# The unit tests and the bench call internals: they link the plain objects.
# Never installed.
$(INTERNAL): $(LIB_OBJ)
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $^
$(SHARED): $(LIB_OBJ)
	$(call say,LD,$@)$(CC) -shared -Wl,-soname,libpol.so.$(MAJOR) $(LDFLAGS) -o $@ $^ $(LIBS)
	$(Q)ln -sf libpol.so.$(VERSION) $(B)/libpol.so.$(MAJOR) && ln -sf libpol.so.$(MAJOR) $(B)/libpol.so
$(B)/policyc: $(CLI_OBJ) $(STATIC)
	$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(STATIC) $(LIBS)
policyc: $(B)/policyc
	$(Q)cp $< $@

# ---- install -------------------------------------------------------------
# Rewritten when the install variables change, as $(B)/config.h is.
$(B)/pol.pc: lib/pol.pc.in FORCE | $(B)
	$(Q)sed -e 's|@PREFIX@|$(prefix)|' -e 's|@LIBDIR@|$(libdir)|' \
	  -e 's|@INCLUDEDIR@|$(includedir)|' -e 's|@VERSION@|$(VERSION)|' $< > $@.tmp
	$(Q)$(call update,$@)

install: all $(B)/pol.pc
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(libdir) $(DESTDIR)$(includedir) \
	  $(DESTDIR)$(man1dir) $(DESTDIR)$(pkgconfigdir) $(DESTDIR)$(moduledir)
	install -m 755 $(B)/policyc $(DESTDIR)$(bindir)/policyc
	install -m 644 $(STATIC) $(DESTDIR)$(libdir)/libpol.a
	install -m 755 $(SHARED) $(DESTDIR)$(libdir)/libpol.so.$(VERSION)
	ln -sf libpol.so.$(VERSION) $(DESTDIR)$(libdir)/libpol.so.$(MAJOR)
	ln -sf libpol.so.$(MAJOR) $(DESTDIR)$(libdir)/libpol.so
	install -m 644 include/pol.h include/pol_version.h $(DESTDIR)$(includedir)/
	install -m 644 $(B)/pol.pc $(DESTDIR)$(pkgconfigdir)/pol.pc
	install -m 644 docs/policyc.1 $(DESTDIR)$(man1dir)/policyc.1
	install -m 644 $(STDLIB) $(DESTDIR)$(moduledir)/
	install -d $(DESTDIR)$(sheetdir)
	install -m 644 $(SHEETS) $(DESTDIR)$(sheetdir)/

uninstall:
	rm -f $(DESTDIR)$(bindir)/policyc $(DESTDIR)$(libdir)/libpol.a \
	  $(DESTDIR)$(libdir)/libpol.so.$(VERSION) $(DESTDIR)$(libdir)/libpol.so.$(MAJOR) \
	  $(DESTDIR)$(libdir)/libpol.so $(DESTDIR)$(includedir)/pol.h \
	  $(DESTDIR)$(includedir)/pol_version.h \
	  $(DESTDIR)$(pkgconfigdir)/pol.pc $(DESTDIR)$(man1dir)/policyc.1 \
	  $(addprefix $(DESTDIR)$(moduledir)/,$(notdir $(STDLIB))) \
	  $(addprefix $(DESTDIR)$(sheetdir)/,$(notdir $(SHEETS)))
	-rmdir $(DESTDIR)$(moduledir) $(DESTDIR)$(sheetdir) $(DESTDIR)$(datadir)/policyc 2>/dev/null

# The embedding example, built only from a staged install through
# pkg-config, as a user's program would be, then run on the examples.
# (`+`: the script's own make shares the jobserver.)
comma := ,
embed-test: all
	+$(Q)sh examples/embed/test.sh $(B) "$(if $(SAN),-fsanitize=address$(comma)undefined)"

# The contract program (tests/contract/): the promises of pol.h checked by
# a host written from the header and docs only, built from a staged
# install through pkg-config, linked dynamically and statically.
SANFLAGS := $(if $(SAN),-fsanitize=address$(comma)undefined -fno-sanitize-recover=all)$(if $(TSAN),-fsanitize=thread)
# doc_api.sh: docs/embedding.md lists every function of pol.h.
contract-test: all
	$(Q)sh tests/contract/doc_api.sh include/pol.h docs/embedding.md
	+$(Q)sh tests/contract/run.sh $(B) "$(SANFLAGS)"
# The same under ASan+UBSan (build-san/), TSan (build-tsan/) and valgrind:
# each library built with its sanitizer. Minutes, so not in `make check`.
contract-san:
	+$(Q)$(MAKE) --no-print-directory B=build-san SAN=1 OPT=-O1 contract-test
	+$(Q)$(MAKE) --no-print-directory B=build-tsan TSAN=1 OPT=-O1 contract-test
	+$(Q)VALGRIND=1 $(MAKE) --no-print-directory contract-test

# ---- tests ---------------------------------------------------------------
$(B)/tests/%: tests/unit/%.c $(TEST_HELPERS) tests/unit/harness.h $(INTERNAL) | $(B)/tests
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes $(LDFLAGS) -o $@ $< $(TEST_HELPERS) $(INTERNAL) $(LIBS) -lcmocka
# test_records includes the CLI's record scanner fast path (header-only).
$(B)/tests/test_records: lib/cli/scan_blocks.h

# The CLI's JSON objects (import, waivers, tests): built from its sources.
$(B)/tests/test_import_json: lib/cli/import_json.c lib/cli/import_pool.c lib/cli/import.h
$(B)/tests/test_import_json: private TEST_HELPERS += lib/cli/import_json.c lib/cli/import_pool.c
# The values of check-sheet answers: built from the CLI's sources.
$(B)/tests/test_import_value: lib/cli/import_value.c lib/cli/import_pool.c lib/cli/import.h
$(B)/tests/test_import_value: private TEST_HELPERS += lib/cli/import_value.c lib/cli/import_pool.c

# The jsonb conversion core of the PostgreSQL extension is plain C over
# pol.h: its unit test runs with the others, and so under ASan and UBSan
# in `make asan`, which a stock server could not load.
$(B)/tests/test_pg_facts: pg/facts_build.c pg/facts_build.h
$(B)/tests/test_pg_facts: private TEST_HELPERS += pg/facts_build.c
$(B)/tests/test_pg_facts: private ALL_CFLAGS += -iquote pg

# A plugin (plain C, no libpol inside) for test_ffi, the plugin goldens
# and docs/host-functions.md; test_ffi gets its absolute path.
$(B)/tests/sample_plugin.so: tests/plugin/sample.c include/pol.h | $(B)/tests
	$(call say,CC,$<)$(CC) $(WARN) -Iinclude $(CFLAGS) -fPIC -shared $(LDFLAGS) -o $@ $<
# Two plugins of the wrong plugin ABI (a newer one, and none stated),
# which the loader must refuse (tests/plugin/abi.c).
ABI_PLUGINS := $(B)/tests/abi_future_plugin.so $(B)/tests/abi_none_plugin.so
$(B)/tests/abi_future_plugin.so: tests/plugin/abi.c include/pol.h | $(B)/tests
	$(call say,CC,$<)$(CC) $(WARN) -Iinclude $(CFLAGS) -DABI_FUTURE -fPIC -shared $(LDFLAGS) -o $@ $<
$(B)/tests/abi_none_plugin.so: tests/plugin/abi.c include/pol.h | $(B)/tests
	$(call say,CC,$<)$(CC) $(WARN) -Iinclude $(CFLAGS) -fPIC -shared $(LDFLAGS) -o $@ $<
$(B)/tests/test_ffi: $(B)/tests/sample_plugin.so $(ABI_PLUGINS)
$(B)/tests/test_ffi: private ALL_CFLAGS += -DPOL_SAMPLE_PLUGIN='"$(abspath $(B))/tests/sample_plugin.so"' \
  -DPOL_ABI_PLUGIN_DIR='"$(abspath $(B))/tests"'

# test_alloc proves that with a host allocator the library's objects call
# no libc allocator directly: the link sends those calls to its __wrap_
# functions, which count them (tests/unit/test_alloc.c).
ALLOC_WRAP := malloc calloc realloc reallocarray free strdup strndup \
  aligned_alloc posix_memalign
$(B)/tests/test_alloc: private LDFLAGS += $(foreach f,$(ALLOC_WRAP),-Wl,--wrap=$(f))

# The example program of docs/embedding.md, compiled against the public
# header and the static library, must print `true`.
$(B)/tests/doc_hello.c: docs/embedding.md tests/doc_example.py | $(B)/tests
	$(Q)python3 tests/doc_example.py $< $@
$(B)/tests/doc_hello: $(B)/tests/doc_hello.c $(STATIC)
	$(call say,CC,$<)$(CC) $(WARN) -Iinclude $(CFLAGS) $(LDFLAGS) -o $@ $< $(STATIC) $(LIBS)
# Its counting allocator (section "Custom allocator") must see every
# block given back.
$(B)/tests/doc_alloc.c: docs/embedding.md tests/doc_example.py | $(B)/tests
	$(Q)python3 tests/doc_example.py $< $@ alloc
$(B)/tests/doc_alloc: $(B)/tests/doc_alloc.c $(STATIC)
	$(call say,CC,$<)$(CC) $(WARN) -Iinclude $(CFLAGS) $(LDFLAGS) -o $@ $< $(STATIC) $(LIBS)
# The complete example of docs/host-functions.md prints three verdicts.
$(B)/tests/doc_screen.c: docs/host-functions.md tests/doc_example.py | $(B)/tests
	$(Q)python3 tests/doc_example.py $< $@ screen
$(B)/tests/doc_screen: $(B)/tests/doc_screen.c $(STATIC)
	$(call say,CC,$<)$(CC) $(WARN) -Iinclude $(CFLAGS) $(LDFLAGS) -o $@ $< $(STATIC) $(LIBS)
docs-example: $(B)/tests/doc_hello $(B)/tests/doc_alloc $(B)/tests/doc_screen
	$(Q)test "$$($(B)/tests/doc_hello)" = true && echo "docs/embedding.md example: ok"
	$(Q)test "$$($(B)/tests/doc_alloc)" = "0 blocks live" && echo "docs/embedding.md allocator example: ok"
	$(Q)test "$$($(B)/tests/doc_screen | tr -s ' ' | tr '\n' ,)" = "postcode PASS,risk PASS,region PASS," && echo "docs/host-functions.md example: ok"

unit: $(TEST_BIN)
	$(Q)sh tests/run_unit.sh $(TEST_BIN)
golden: $(B)/policyc $(B)/tests/sample_plugin.so $(ABI_PLUGINS) $(B)/sheets/.made
	$(Q)python3 tests/run_golden.py $(B)/policyc
# Policy unit tests of the stdlib modules and the example policies, and
# the question lists of the example vendors (tests/unknowns).
policy-tests: $(B)/policyc $(B)/sheets/.made
	$(Q)$(B)/policyc test tests/policy/*_test.json
	$(Q)sh tests/fmt_write.sh $(B)/policyc
	$(Q)python3 tests/editor_keywords.py
	$(Q)python3 tests/vocab_doc.py --check
	$(Q)python3 tests/recall.py
	$(Q)python3 tests/check_import.py $(B)/policyc $(B)/sheets
	$(Q)python3 tests/unknowns/questions_check.py $(B)/policyc
# The check sheets of seeds 002 and 004 as TSV, for the import tests; no
# sheets (and those tests skipped) where ../shared/seeds is not there.
SEEDS := ../shared/seeds
$(B)/sheets/.made: tests/seed_sheets.py | $(B)
	$(Q)if [ -d $(SEEDS) ]; then python3 tests/seed_sheets.py $(SEEDS) $(B)/sheets && touch $@; \
	else mkdir -p $(B)/sheets && touch $@; fi
# The report formats (tests/reports/check_formats.py): CSV, JUnit, SARIF
# and TAP against their rules, the HTML page in headless Chromium when
# installed, and peak memory on a 20,000-vendor stream for every format.
report-tests: $(B)/policyc $(B)/bench-gen
	$(Q)$(if $(SAN),POL_SKIP_MEMORY=sanitized )python3 tests/reports/check_formats.py $(B)/policyc $(B)/bench-gen $(B)/reports
	$(Q)python3 tests/reports/check_verify.py $(B)/policyc $(B)/verify
conformance: $(B)/policyc
	$(Q)sh tests/run_conformance.sh $(B)/policyc
# Every diagnostic code documented with an example that gives it
# (docs/errors.md); every option of every command's --help in
# docs/cli.md and docs/policyc.1 and back (tests/check_cli_doc.py); and the planted mistakes of tests/mistakes/ each
# giving exactly one diagnostic, on its line, with its hint; and the
# terminal defaults of --excerpt and --color, NO_COLOR, under a pty.
diagnostics: $(B)/policyc $(B)/tests/sample_plugin.so
	$(Q)python3 tests/check_errors_doc.py $(B)/policyc
	$(Q)python3 tests/check_cli_doc.py $(B)/policyc
	$(Q)python3 tests/run_mistakes.py $(B)/policyc
	$(Q)python3 tests/check_tty_color.py $(B)/policyc

# The build itself: a host with its own utf8_valid, json_parse and
# arena_alloc links statically against libpol.a and both work; the libraries
# export pol_* names only; a second install into another PREFIX gets its own
# pol.pc and module directory. (tests/build_loop.sh, run by hand, repeats
# clean `make -j` builds.)  `+`: the script's make shares the jobserver.
$(B)/tests/host_clash: tests/build/host_clash.c include/pol.h $(STATIC) | $(B)/tests
	$(call say,CC,$<)$(CC) $(WARN) -Iinclude $(CFLAGS) $(LDFLAGS) -o $@ $< $(STATIC) $(LIBS)
build-test: $(B)/tests/host_clash $(STATIC) $(SHARED)
	$(Q)$(B)/tests/host_clash
	$(Q)sh tests/build/symbols.sh $(STATIC) $(SHARED)
	+$(Q)sh tests/build/install_twice.sh $(B)

# ---- the PostgreSQL extension (pg/, docs/postgresql.md) ------------------
# PGXS builds it in $(B)/pg (a VPATH build), linking the static libpol.a.
# PGXS prints its compiler lines: they go to $(B)/pg/build.log, shown when
# the build fails or warns (and always with V=1). pg-install honours
# DESTDIR; pg-test and bench-pg run a throwaway cluster (pg/test/) and
# say "skipped" and why when the server packages are missing.
# pg-uninstall removes what pg-install put in place.
PG_CONFIG ?= /usr/lib/postgresql/15/bin/pg_config
PGXS_MAKE = $(MAKE) --no-print-directory -C $(B)/pg -f $(abspath pg/Makefile) \
  PG_CONFIG=$(PG_CONFIG) POL_LIB=$(abspath $(STATIC)) POL_LIBS="$(LIBS)" \
  $(if $(WERROR),WERROR=1)
pg: $(STATIC)
	$(Q)mkdir -p $(B)/pg
	+$(call say,PGXS,$(B)/pg/policyc.so)$(PGXS_MAKE) > $(B)/pg/build.log 2>&1 || \
	  { cat $(B)/pg/build.log; exit 1; }
	$(Q)if [ -n "$(V)" ] || grep -v '^make' $(B)/pg/build.log | grep -q 'warning:'; then \
	  cat $(B)/pg/build.log; fi
pg-install: pg
	+$(Q)$(PGXS_MAKE) install $(if $(DESTDIR),DESTDIR=$(abspath $(DESTDIR)))
pg-uninstall:
	+$(Q)mkdir -p $(B)/pg && $(PGXS_MAKE) uninstall $(if $(DESTDIR),DESTDIR=$(abspath $(DESTDIR)))
pg-test: all
	+$(Q)PG_CONFIG=$(PG_CONFIG) MAKE="$(MAKE)" SAN="$(SAN)" sh pg/test/run.sh $(B)
bench-pg: all $(B)/bench-gen
	+$(Q)PG_CONFIG=$(PG_CONFIG) MAKE="$(MAKE)" sh pg/test/bench.sh $(B)

# golden runs last: its closing `N passed, M failed` line ends the output.
check: all
	$(Q)$(MAKE) --no-print-directory unit
	$(Q)$(MAKE) --no-print-directory oracle
	$(Q)$(MAKE) --no-print-directory docs-example
	$(Q)$(MAKE) --no-print-directory embed-test
	$(Q)$(MAKE) --no-print-directory contract-test
	$(Q)$(MAKE) --no-print-directory build-test
	$(Q)$(MAKE) --no-print-directory policy-tests
	$(Q)$(MAKE) --no-print-directory stream-test
	$(Q)$(MAKE) --no-print-directory bench-agree
	$(Q)$(MAKE) --no-print-directory oom-test
	$(Q)$(MAKE) --no-print-directory hostile-test
	$(Q)$(MAKE) --no-print-directory check-io-test
	$(Q)$(MAKE) --no-print-directory report-tests
	$(Q)$(MAKE) --no-print-directory conformance
	$(Q)$(MAKE) --no-print-directory diagnostics
	$(Q)$(MAKE) --no-print-directory pg-test
	$(Q)$(MAKE) --no-print-directory golden

# Generated vendor streams: memory flat over 100,000 vendors, a bad record
# in the middle, --jobs 4 equal to --jobs 1 (tests/stream_test.py).
stream-test: $(B)/policyc $(B)/bench-gen
	$(Q)python3 tests/stream_test.py $(B) $(if $(SAN),--sanitized)

# Hostile inputs made at run time (issue 13): a file of exactly 64 MiB,
# a FIFO nobody writes, 10^6 top-level keys (tests/hostile_test.py).
hostile-test: $(B)/policyc
	$(Q)$(if $(SAN),POL_SANITIZED=1 )python3 tests/hostile_test.py $(B)

# check's inputs and outputs under stress that golden cases cannot hold:
# FIFOs with --lint, signals while -o streams (tests/check_io_test.py).
check-io-test: $(B)/policyc
	$(Q)python3 tests/check_io_test.py $(B)

# Out of memory in every command and report format (issue 13): policyc
# under an LD_PRELOAD shim that fails the Nth allocation, for N spread
# over the run (tests/oom_test.py). Skipped under a sanitizer, whose
# allocator the shim cannot replace.
$(B)/tests/failmalloc.so: tests/oom/failmalloc.c | $(B)/tests
	$(call say,CC,$<)$(CC) $(WARN) $(CFLAGS) -shared -fPIC -o $@ $<
oom-test: $(B)/policyc $(if $(SAN),,$(B)/tests/failmalloc.so)
	$(Q)$(if $(SAN),echo "oom-test: skipped under a sanitizer",python3 tests/oom_test.py $(B) --points $(OOM_POINTS))
OOM_POINTS ?= 16

asan:
	$(Q)$(MAKE) --no-print-directory B=build-san SAN=1 OPT=-O1 check
valgrind: all $(TEST_BIN)
	$(Q)VALGRIND=1 sh tests/run_unit.sh $(TEST_BIN)

demo: all
	$(Q)sh examples/demo.sh ./policyc $(B)/demo

# make bench: tests/bench/run.sh (workloads T1, T2, T3 and scaling).
bench: all $(B)/bench $(B)/bench-gen
	$(Q)sh tests/bench/run.sh $(B)
# make bench-rules: each rule's instructions beside the C floor's
# (tests/bench/rules.sh; valgrind, about four minutes).
bench-rules: all $(B)/bench $(B)/bench-gen
	$(Q)sh tests/bench/rules.sh $(B)
# malloc is wrapped at link time so the bench can count heap allocations.
$(B)/bench: tests/bench/bench.c tests/bench/floor.c tests/bench/floor.h $(INTERNAL)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc -o $@ tests/bench/bench.c tests/bench/floor.c $(INTERNAL) $(LIBS)

# The bench's workloads (tests/bench/README.md). bench-gen writes the
# synthetic vendors and policies: plain C11, so only $(WARN). bench-agree
# checks that libpol, the C floor and jq decide bench40.pol alike on 500
# generated vendors, and that bench40.pol is what `bench-gen policy 40`
# writes. `make check` runs it (half a second): the benchmark compares
# like with like only while all three agree.
$(B)/bench-gen: tests/bench/gen.c | $(B)
	$(call say,CC,$<)$(CC) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $<
$(B)/bench-agree: tests/bench/agree.c tests/bench/floor.c tests/bench/floor.h $(INTERNAL)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tests/bench/agree.c tests/bench/floor.c $(INTERNAL) $(LIBS)
bench-agree: all $(B)/bench-gen $(B)/bench-agree
	$(Q)$(B)/bench-gen policy 40 | cmp -s - tests/bench/bench40.pol || \
	  { echo "tests/bench/bench40.pol is stale: run $(B)/bench-gen policy 40 > tests/bench/bench40.pol"; exit 1; }
	$(Q)$(B)/bench-gen vendors 500 > $(B)/bench-agree.ndjson
	$(Q)$(B)/bench-agree tests/bench/bench40.pol $(B)/bench-agree.ndjson tests/bench/rules40.jq

# ---- fuzzing and the differential oracle ---------------------------------
# docs/limits.md, "Fuzzing and differential testing". The fuzz targets
# (tests/fuzz/fuzz_*.c, one interface: tests/fuzz/fuzz.h) run in two
# harnesses: test_fuzz (a unit test, plain cc) replays the kept inputs of
# tests/fuzz/regress/ in `make check`; `make fuzz` builds them for
# libFuzzer with clang, ASan and UBSan in build-fuzz/ and runs each for
# FUZZ_SECONDS, then runs the oracle on ORACLE_FUZZ_COUNT expressions.
# The targets over the CLI's readers (records, sheet, waivers, testspec)
# link the CLI's objects but its main, from an archive (never installed).
FUZZ_SRC := tests/fuzz/common.c tests/fuzz/tmpfile.c $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_HDR := $(wildcard tests/fuzz/*.h) $(wildcard lib/cli/*.h)
$(B)/libpolicyc-cli.a: $(filter-out $(B)/cli/main.o,$(CLI_OBJ))
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $^
$(B)/tests/test_fuzz: $(FUZZ_SRC) $(FUZZ_HDR) $(B)/libpolicyc-cli.a
$(B)/tests/test_fuzz: private TEST_HELPERS += $(FUZZ_SRC) $(B)/libpolicyc-cli.a
$(B)/tests/test_fuzz: private ALL_CFLAGS += -iquote tests/fuzz

FUZZ_TARGETS ?= json policy load eval tzif records sheet waivers testspec explain
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FZ := build-fuzz
FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -fno-omit-frame-pointer -O1 -g
# The library, instrumented for coverage and the sanitizers, by the same
# rules as every build (in its own build directory, where this rule is
# not defined: there the library's own rule makes it).
ifneq ($(B),$(FZ))
$(FZ)/libpol-internal.a $(FZ)/libpolicyc-cli.a &: FORCE $(FZ)/fuzz-deps.stamp
	+$(Q)$(MAKE) --no-print-directory B=$(FZ) CC=$(FUZZ_CC) SAN=1 \
	  OPT='-O1 -fsanitize=fuzzer-no-link' $(FZ)/libpol-internal.a \
	  $(FZ)/libpolicyc-cli.a
endif
$(FZ)/fuzz/%: tests/fuzz/main.c $(FUZZ_SRC) $(FUZZ_HDR) $(FZ)/libpol-internal.a $(FZ)/libpolicyc-cli.a
	$(Q)mkdir -p $(@D)
	$(call say,FUZZ,$@)$(FUZZ_CC) $(WARN) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	  -Iinclude -iquote lib -iquote tests/fuzz $(FUZZ_FLAGS) -DFUZZ_TARGET=fuzz_$* \
	  -o $@ tests/fuzz/main.c $(FUZZ_SRC) $(FZ)/libpolicyc-cli.a \
	  $(FZ)/libpol-internal.a $(LIBS)
# clang and libFuzzer: tests/deps.sh checks (or installs) them first.
$(FZ)/fuzz-deps.stamp: tests/deps.sh
	$(Q)mkdir -p $(FZ) && sh tests/deps.sh fuzz && touch $@
fuzz-build: $(addprefix $(FZ)/fuzz/,$(FUZZ_TARGETS))
fuzz: all fuzz-build $(B)/tests/oracle
	$(Q)python3 tests/fuzz/seeds.py $(B)/policyc $(B)/tests/oracle $(FZ)/corpus
	$(Q)sh tests/fuzz/run.sh $(FZ) $(FUZZ_SECONDS) $(FUZZ_TARGETS)
	$(Q)$(B)/tests/oracle -v --seed $(ORACLE_FUZZ_SEED) --count $(ORACLE_FUZZ_COUNT)

# The oracle (tests/oracle/) uses the public API only, so it links
# libpol.a, which exports nothing else. `make check` runs a fixed seed;
# `make fuzz` a new seed each time (it prints it: pass ORACLE_FUZZ_SEED
# to repeat a run).
ORACLE_SRC := $(wildcard tests/oracle/*.c)
ORACLE_SEED ?= 1
ORACLE_COUNT ?= 4000
ORACLE_FUZZ_SEED ?= $(shell date +%s)
ORACLE_FUZZ_COUNT ?= 200000
$(B)/tests/oracle: $(ORACLE_SRC) tests/oracle/oracle.h include/pol.h $(STATIC) | $(B)/tests
	$(call say,CC,$@)$(CC) $(WARN) -D_POSIX_C_SOURCE=200809L -Iinclude $(CFLAGS) \
	  $(LDFLAGS) -o $@ $(ORACLE_SRC) $(STATIC) $(LIBS)
oracle: $(B)/tests/oracle
	$(Q)$(B)/tests/oracle --seed $(ORACLE_SEED) --count $(ORACLE_COUNT)
.PHONY: fuzz fuzz-build oracle

clean:
	rm -rf build build-san build-tsan build-fuzz policyc
