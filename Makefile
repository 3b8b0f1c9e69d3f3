# crmkit: plain make.  `make` builds bin/, `make check` runs every test
# twice (plain, then under ASan+UBSan), `make demo` imports examples/.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
DATADIR	?= $(PREFIX)/share/crmkit

CC	?= cc
CFLAGS	?= -O2 -g
WARN	 = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
PKGS	 = sqlite3 libutf8proc
PKGCFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKGLIBS	:= $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsqlite3 -lutf8proc)
CPPFLAGS += -D_GNU_SOURCE -DCRM_DATADIR='"$(DATADIR)"' -Isrc/lib $(PKGCFLAGS)
LDLIBS	+= -lcsv $(PKGLIBS) -lm -pthread

# BUILD holds objects and the library; OUT the programs.  The sanitizer
# build sets both (see check).
BUILD	?= build/plain
OUT	?= bin

LIBSRC	 = $(sort $(wildcard src/lib/*.c))
LIBOBJ	 = $(LIBSRC:src/lib/%.c=$(BUILD)/lib/%.o)
PROGS	 = $(sort $(patsubst src/%.c,%,$(wildcard src/crm-*.c)))
BINS	 = $(PROGS:%=$(OUT)/%)
UNITSRC	 = $(sort $(wildcard tests/unit/*_test.c))
UNITS	 = $(UNITSRC:tests/unit/%.c=$(BUILD)/unit/%)
TOOLS	 = $(BUILD)/gen-orders
HDRS	 = $(wildcard src/lib/*.h)

SAN	 = -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined

# Objects are built through a chain of pattern rules; keep them, so make
# never deletes them after a build (and check's last line stays the
# test summary).
.SECONDARY:

.PHONY: all deps check check-plain check-san demo bench fuzz install \
	uninstall clean lint units tools

all: build/.deps $(BINS) units tools

build/.deps: tools/deps.sh
	@sh tools/deps.sh
	@mkdir -p build && touch $@

deps:
	@sh tools/deps.sh

$(BUILD)/lib/%.o: src/lib/%.c $(HDRS) | build/.deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

$(BUILD)/libcrm.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

$(BUILD)/%.o: src/%.c $(HDRS) | build/.deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

$(OUT)/%: $(BUILD)/%.o $(BUILD)/libcrm.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libcrm.a $(LDLIBS)

$(BUILD)/unit/%: tests/unit/%.c $(BUILD)/libcrm.a tests/unit/unit.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< \
	    $(BUILD)/libcrm.a $(LDLIBS)

$(BUILD)/gen-orders: tools/gen-orders.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $<

# The fuzz replay test compiles the fuzzers in (tests/fuzz).
$(BUILD)/unit/fuzz_regress_test: $(wildcard tests/fuzz/*.c tests/fuzz/*.h)

units: $(UNITS)
tools: $(TOOLS)

# The test suite runs against the plain build, then against a build with
# AddressSanitizer and UndefinedBehaviorSanitizer; tests/run.sh prints
# the one closing line 'N passed, N failed' over both.
check: all
	@$(MAKE) --no-print-directory BUILD=build/san OUT=build/san/bin \
	    CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" all
	@sh tests/run.sh plain:bin:build/plain san:build/san/bin:build/san

check-plain: all
	@sh tests/run.sh plain:bin:build/plain

demo: all
	@sh examples/demo.sh

bench: all
	@sh tools/bench.sh

fuzz: build/.deps
	@sh tools/fuzz.sh

lint:
	mandoc -Tlint -Wwarning man/*.[1-9]

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
	    $(DESTDIR)$(DATADIR)
	for p in $(PROGS); do install -m 755 $(OUT)/$$p $(DESTDIR)$(BINDIR); done
	for m in man/*.1; do install -m 644 $$m $(DESTDIR)$(MANDIR)/man1; done
	for m in man/*.5; do install -m 644 $$m $(DESTDIR)$(MANDIR)/man5; done
	for m in man/*.7; do install -m 644 $$m $(DESTDIR)$(MANDIR)/man7; done
	if [ -d share ]; then cp -R share/. $(DESTDIR)$(DATADIR)/; fi

uninstall:
	for p in $(PROGS); do rm -f $(DESTDIR)$(BINDIR)/$$p; done
	for m in man/*.[157]; do \
		s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m#man/}; \
	done
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build bin
