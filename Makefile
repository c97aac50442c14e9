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
PKGS := libffi libpcre2-8
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS := $(WARN) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -fPIC -fvisibility=hidden \
  -DPOL_MODULE_DIR='"$(moduledir)"' \
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

LIB_SRC := $(wildcard lib/*.c)
LIB_OBJ := $(patsubst lib/%.c,$(B)/lib/%.o,$(LIB_SRC)) $(B)/lexer.o $(B)/parser.o
CLI_SRC := $(wildcard lib/cli/*.c)
CLI_OBJ := $(patsubst lib/cli/%.c,$(B)/cli/%.o,$(CLI_SRC))
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(TEST_SRC))
TEST_HELPERS := $(filter-out $(TEST_SRC),$(wildcard tests/unit/*.c))

STATIC := $(B)/libpol.a
SHARED := $(B)/libpol.so.$(VERSION)

.PHONY: all check demo bench clean unit golden conformance asan valgrind docs-example install uninstall embed-test policy-tests
all: deps-ok $(B)/policyc $(STATIC) $(SHARED) $(if $(filter build,$(B)),policyc)

# ---- dependencies --------------------------------------------------------
DEB_PKGS := flex bison libffi-dev libcmocka-dev libpcre2-dev pkg-config tzdata python3
deps-ok:
	$(Q)sh tests/deps.sh $(DEB_PKGS)
.PHONY: deps-ok

# ---- generated front end -------------------------------------------------
$(B)/lexer.c $(B)/lexer.h: grammar/lexer.l | $(B)
	$(call say,FLEX,$<)flex -o $(B)/lexer.c --header-file=$(B)/lexer.h $<
$(B)/parser.c $(B)/parser.h: grammar/parser.y | $(B)
	$(call say,BISON,$<)bison -Wall -Werror -d -o $(B)/parser.c $<
$(B)/lexer.o: $(B)/lexer.c $(B)/parser.h
	$(call say,CC,$<)$(CC) $(GEN_CFLAGS) -c -o $@ $<
$(B)/parser.o: $(B)/parser.c $(B)/lexer.h
	$(call say,CC,$<)$(CC) $(GEN_CFLAGS) -c -o $@ $<

# ---- built-in policy modules ---------------------------------------------
STDLIB := $(wildcard stdlib/*.pol)
# Check-sheet mappings for `policyc import`, installed beside the modules.
SHEETS := $(wildcard stdlib/sheets/*.json)
$(B)/stdlib.inc: $(STDLIB) stdlib/embed.sh | $(B)
	$(call say,GEN,$@)sh stdlib/embed.sh $(STDLIB) > $@.tmp && mv $@.tmp $@
$(B)/lib/stdlib.o: $(B)/stdlib.inc

# ---- library and CLI -----------------------------------------------------
$(B) $(B)/lib $(B)/cli $(B)/tests:
	$(Q)mkdir -p $@
$(B)/lib/%.o: lib/%.c $(wildcard lib/*.h) include/pol.h include/pol_version.h $(B)/parser.h $(B)/lexer.h | $(B)/lib
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -c -o $@ $<
$(B)/cli/%.o: lib/cli/%.c $(wildcard lib/cli/*.h) include/pol.h | $(B)/cli
	$(call say,CC,$<)$(CC) $(WARN) -D_POSIX_C_SOURCE=200809L -Iinclude $(CFLAGS) -c -o $@ $<
$(STATIC): $(LIB_OBJ)
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $^
$(SHARED): $(LIB_OBJ)
	$(call say,LD,$@)$(CC) -shared -Wl,-soname,libpol.so.$(MAJOR) $(LDFLAGS) -o $@ $^ $(LIBS)
	$(Q)ln -sf libpol.so.$(VERSION) $(B)/libpol.so.$(MAJOR) && ln -sf libpol.so.$(MAJOR) $(B)/libpol.so
$(B)/policyc: $(CLI_OBJ) $(STATIC)
	$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(STATIC) $(LIBS)
policyc: $(B)/policyc
	$(Q)cp $< $@

# ---- install -------------------------------------------------------------
$(B)/pol.pc: lib/pol.pc.in $(VERSION_H) | $(B)
	$(call say,GEN,$@)sed -e 's|@PREFIX@|$(prefix)|' -e 's|@LIBDIR@|$(libdir)|' \
	  -e 's|@INCLUDEDIR@|$(includedir)|' -e 's|@VERSION@|$(VERSION)|' $< > $@

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
comma := ,
embed-test: all
	$(Q)sh examples/embed/test.sh $(B) "$(if $(SAN),-fsanitize=address$(comma)undefined)"

# ---- tests ---------------------------------------------------------------
$(B)/tests/%: tests/unit/%.c $(TEST_HELPERS) tests/unit/harness.h $(STATIC) | $(B)/tests
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes $(LDFLAGS) -o $@ $< $(TEST_HELPERS) $(STATIC) $(LIBS) -lcmocka

# A plugin (plain C, no libpol inside) for test_ffi, the plugin goldens
# and docs/host-functions.md; test_ffi gets its absolute path.
$(B)/tests/sample_plugin.so: tests/plugin/sample.c include/pol.h | $(B)/tests
	$(call say,CC,$<)$(CC) $(WARN) -Iinclude $(CFLAGS) -fPIC -shared $(LDFLAGS) -o $@ $<
$(B)/tests/test_ffi: $(B)/tests/sample_plugin.so
$(B)/tests/test_ffi: private ALL_CFLAGS += -DPOL_SAMPLE_PLUGIN='"$(abspath $(B))/tests/sample_plugin.so"'

# The example program of docs/embedding.md, compiled against the public
# header and the static library, must print `true`.
$(B)/tests/doc_hello.c: docs/embedding.md tests/doc_example.py | $(B)/tests
	$(Q)python3 tests/doc_example.py $< $@
$(B)/tests/doc_hello: $(B)/tests/doc_hello.c $(STATIC)
	$(call say,CC,$<)$(CC) $(WARN) -Iinclude $(CFLAGS) $(LDFLAGS) -o $@ $< $(STATIC) $(LIBS)
docs-example: $(B)/tests/doc_hello
	$(Q)test "$$($(B)/tests/doc_hello)" = true && echo "docs/embedding.md example: ok"

unit: $(TEST_BIN)
	$(Q)sh tests/run_unit.sh $(TEST_BIN)
golden: $(B)/policyc $(B)/tests/sample_plugin.so $(B)/sheets/.made
	$(Q)python3 tests/run_golden.py $(B)/policyc
# Policy unit tests of the stdlib modules and the example policies.
policy-tests: $(B)/policyc $(B)/sheets/.made
	$(Q)$(B)/policyc test tests/policy/*_test.json
	$(Q)python3 tests/vocab_doc.py --check
	$(Q)python3 tests/recall.py
	$(Q)python3 tests/check_import.py $(B)/policyc $(B)/sheets
# The check sheets of seeds 002 and 004 as TSV, for the import tests; no
# sheets (and those tests skipped) where ../shared/seeds is not there.
SEEDS := ../shared/seeds
$(B)/sheets/.made: tests/seed_sheets.py | $(B)
	$(Q)if [ -d $(SEEDS) ]; then python3 tests/seed_sheets.py $(SEEDS) $(B)/sheets && touch $@; \
	else mkdir -p $(B)/sheets && touch $@; fi
conformance: $(B)/policyc
	$(Q)sh tests/run_conformance.sh $(B)/policyc
# golden runs last: its closing `N passed, M failed` line ends the output.
check: all
	$(Q)$(MAKE) --no-print-directory unit
	$(Q)$(MAKE) --no-print-directory docs-example
	$(Q)$(MAKE) --no-print-directory embed-test
	$(Q)$(MAKE) --no-print-directory policy-tests
	$(Q)$(MAKE) --no-print-directory conformance
	$(Q)$(MAKE) --no-print-directory golden

asan:
	$(Q)$(MAKE) --no-print-directory B=build-san SAN=1 OPT=-O1 check
valgrind: all $(TEST_BIN)
	$(Q)VALGRIND=1 sh tests/run_unit.sh $(TEST_BIN)

demo: all
	$(Q)sh examples/demo.sh ./policyc

BENCH_FACTS ?= examples/vendors/crise-cloudbot.json
bench: all $(B)/bench
	$(Q)$(B)/bench $(BENCH_FACTS) tests/bench/exprs.txt examples/policies/procurement.pol
# malloc is wrapped at link time so the bench can count heap allocations.
$(B)/bench: tests/bench.c $(STATIC)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc -o $@ $< $(STATIC) $(LIBS)

clean:
	rm -rf build build-san policyc
