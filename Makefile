# tsdbtop — the only build system. `make`, `make test`, `make demo`.
# Out-of-tree objects under $(BUILD); `make SAN=1` builds with ASan+UBSan
# into build/asan.

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
SAN     ?= 0

ifeq ($(SAN),1)
BUILD   ?= build/asan
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT      = -O1 -g
else
BUILD   ?= build
SANFLAGS =
OPT      = -O2 -g
endif

PKGS     = ncursesw libpq json-c inih libmicrohttpd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wvla -Wno-format-nonliteral -Wno-format-truncation
CFLAGS  ?= $(OPT)
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -D_XOPEN_SOURCE_EXTENDED \
             -DTSDBTOP_THEME_DIR='"$(PREFIX)/share/tsdbtop/themes"' \
             $(WARN) $(SANFLAGS) -Iinclude -I$(BUILD)/gen $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)
LIBS     = $(PKG_LIBS) -lev -lpthread -lm

SRCS     := $(sort $(shell find tui -name '*.c'))
MAIN     := tui/main.c
LIBSRCS  := $(filter-out $(MAIN),$(SRCS))
QUERIES  := $(sort $(wildcard sql/queries/*.sql))
GEN_Q    := $(BUILD)/gen/queries_gen.c
LIBOBJS  := $(LIBSRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/queries_gen.o
LIB      := $(BUILD)/libtsdbtop.a
BIN      := $(BUILD)/tsdbtop

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)
INTEG_SRCS := $(sort $(wildcard tests/integration/test_*.c))
INTEG_BINS := $(INTEG_SRCS:tests/integration/%.c=$(BUILD)/tests/integration/%)
TEST_HELPERS := $(sort $(wildcard tests/lib/*.c))
TEST_HELPER_OBJS := $(TEST_HELPERS:%.c=$(BUILD)/obj/%.o)

# Test helper objects are kept between runs (not intermediate).
.SECONDARY: $(TEST_HELPER_OBJS)

.PHONY: native all deps fuzz fuzz-build test test-unit test-build demo db-up db-down install uninstall clean bench lint
all: $(BIN)

$(BIN): $(BUILD)/obj/$(MAIN:.c=.o) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.c %.o %.a,$^) $(LIBS)

$(LIB): $(LIBOBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/gen/queries_gen.o: $(GEN_Q)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Monitoring queries are embedded into the binary at build time.
$(GEN_Q): $(QUERIES) tui/embed_sql.sh
	@mkdir -p $(@D)
	sh tui/embed_sql.sh $(QUERIES) > $@.tmp && mv $@.tmp $@

$(BUILD)/tests/unit/%: tests/unit/%.c $(TEST_HELPER_OBJS) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/lib $(ALL_LDFLAGS) -o $@ $(filter %.c %.o %.a,$^) $(CMOCKA_LIBS) $(LIBS)

$(BUILD)/tests/integration/%: tests/integration/%.c $(TEST_HELPER_OBJS) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/lib $(ALL_LDFLAGS) -o $@ $(filter %.c %.o %.a,$^) $(CMOCKA_LIBS) $(LIBS)

$(BUILD)/bench/%: tests/bench/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(filter %.c %.o %.a,$^) $(LIBS)

# libFuzzer harnesses (clang) over the pure parsers; built from source, not
# from the gcc library, so they carry clang's fuzzer instrumentation.
FUZZ_CC   ?= clang
FUZZ_SRCS := tui/core/theme.c tui/core/config.c tui/core/format.c tui/core/sanitize.c tui/core/health.c \
             tui/core/jobinfo.c
FUZZ_BINS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_FLAGS = -Wall -Wextra -Werror -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
             -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -D_XOPEN_SOURCE_EXTENDED -Iinclude

build/fuzz/%: tests/fuzz/%.c $(FUZZ_SRCS)
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	@$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_SRCS) -linih -lm

# result formatting: the --once printers over a snapshot built from the input;
# once.c references the engine (run_once), resolved from the gcc library
FUZZ_ONCE_SRCS := tui/headless/once.c tui/core/snapshot.c tui/core/server.c
build/fuzz/fuzz_once: tests/fuzz/fuzz_once.c $(FUZZ_SRCS) $(FUZZ_ONCE_SRCS) $(LIB)
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	@$(FUZZ_CC) $(FUZZ_FLAGS) $(PKG_CFLAGS) -o $@ $< $(FUZZ_SRCS) $(FUZZ_ONCE_SRCS) $(LIB) $(LIBS)

# deploy's statement splitter: libc only
build/fuzz/fuzz_sql_split: tests/fuzz/fuzz_sql_split.c tui/headless/deploy_split.c include/tsdbtop/deploy.h
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	@$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(filter %.c,$^)

# the Prometheus exposition: names and figures from the input, the output
# checked against the text format
build/fuzz/fuzz_prom: tests/fuzz/fuzz_prom.c tui/core/prom.c tui/core/snapshot.c tui/core/server.c include/tsdbtop/prom.h
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	@$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(filter %.c,$^) -lm

fuzz-build: $(FUZZ_BINS)

# Longer runs for whoever wants more: make fuzz FUZZ_SECONDS=600
FUZZ_SECONDS ?= 60
fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

test-build: $(BIN) $(UNIT_BINS) $(INTEG_BINS)

deps:
	@sh tests/tools/deps.sh

# Every tier; the last line is "N passed, N failed".
test: deps
	@$(MAKE) --no-print-directory test-build
	@$(MAKE) --no-print-directory SAN=1 test-build
	@$(MAKE) --no-print-directory fuzz-build
	@sh tests/run.sh

# cppcheck + clang-tidy over tui/ (checks and why: tests/lint/run.sh)
lint: $(GEN_Q)
	@sh tests/lint/run.sh

test-unit: test-build
	@TIERS=unit sh tests/run.sh

db-up: deps
	@TSDB="$(TSDB)" sh tests/tools/db-up.sh

# Build the native TimescaleDB servers (once per machine): make native [TSDB=2.28.3]
native: deps
	@TSDB="$(TSDB)" sh tests/tools/native-build.sh

db-down:
	@TSDB="$(TSDB)" sh tests/tools/db-down.sh

# Benchmarks print figures; they never fail on a time. Embedded, then native
# 2.28.3 and 2.29.2; setup output in .bench/bench.log. BENCH_CHUNKS=100000,
# BENCH_SKIP_NATIVE=1 and the rest: README, Performance.
bench: deps $(BIN) $(BUILD)/bench/bench_poll
	@sh tests/bench/run.sh

demo: deps all
	@TSDB="$(TSDB)" sh tests/tools/demo.sh

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/tsdbtop/themes
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/tsdbtop
	install -m 0644 themes/*.theme $(DESTDIR)$(PREFIX)/share/tsdbtop/themes/
	install -d $(DESTDIR)$(PREFIX)/share/tsdbtop/sql/schema $(DESTDIR)$(PREFIX)/share/tsdbtop/sql/deploy
	install -m 0644 sql/schema/*.sql $(DESTDIR)$(PREFIX)/share/tsdbtop/sql/schema/
	install -m 0644 sql/deploy/*.sql $(DESTDIR)$(PREFIX)/share/tsdbtop/sql/deploy/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0644 tui/tsdbtop.1 $(DESTDIR)$(PREFIX)/share/man/man1/tsdbtop.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/tsdbtop
	rm -f $(DESTDIR)$(PREFIX)/share/man/man1/tsdbtop.1
	rm -rf $(DESTDIR)$(PREFIX)/share/tsdbtop

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
