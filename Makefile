# crmkit: plain make.  `make` builds bin/ and nothing else; `make check`
# and `make demo` first install what is missing (tools/deps.sh), then run
# every test twice (plain, then under ASan+UBSan) or the demo.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
DATADIR	?= $(PREFIX)/share/crmkit

CC	?= cc
CFLAGS	?= -O2 -g
WARN	 = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
PKGS	 = sqlite3 libutf8proc libzip expat xlsxwriter
PKGCFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKGLIBS	:= $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsqlite3 -lutf8proc)
CPPFLAGS += -D_GNU_SOURCE -Isrc/lib -Isrc $(PKGCFLAGS)
DEPFLAGS = -MMD -MP
LDLIBS	+= -lcsv $(PKGLIBS) -lm -pthread

# BUILD holds objects and the library; OUT the programs.  The sanitizer
# build sets both (see check).
BUILD	?= build/plain
OUT	?= bin

# src/crm-*.c are the commands; src/lib/ is the shared library and every
# other folder of src/ holds the modules of one program (README: where
# things live).  All of them go into one static library.
LIBSRC	 = $(sort $(wildcard src/*/*.c))
LIBOBJ	 = $(LIBSRC:src/%.c=$(BUILD)/%.o)
PROGS	 = $(sort $(patsubst src/%.c,%,$(wildcard src/crm-*.c)))
BINS	 = $(PROGS:%=$(OUT)/%)
UNITSRC	 = $(sort $(wildcard tests/unit/*_test.c))
UNITS	 = $(UNITSRC:tests/unit/%.c=$(BUILD)/unit/%)
TOOLS	 = $(BUILD)/gen-orders
MANS	 = $(sort $(wildcard man/*.[157]))
SHARE	 = $(sort $(shell find share -type f 2>/dev/null))

SAN	 = -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined

# Objects are built through a chain of pattern rules; keep them, so make
# never deletes them after a build (and check's last line stays the
# test summary).
.SECONDARY:

.PHONY: all deps check check-plain check-san demo bench fuzz install \
	uninstall clean lint units tools FORCE

all: $(BINS)

# The set-up the README's commands run: installs what is missing.
deps:
	@sh tools/deps.sh

# The data directory is compiled into format.o: it is rebuilt whenever
# DATADIR (or the PREFIX it comes from) changes.  The value built with is
# kept in a stamp file, remade only when it differs, so that `make -n`
# tells the truth about an up-to-date tree.
ifneq ($(shell cat $(BUILD)/datadir.stamp 2>/dev/null),$(DATADIR))
$(BUILD)/datadir.stamp: FORCE
endif
$(BUILD)/datadir.stamp:
	@mkdir -p $(@D)
	@echo '$(DATADIR)' >$@
$(BUILD)/import/format.o: $(BUILD)/datadir.stamp
$(BUILD)/import/format.o: CPPFLAGS += -DCRM_DATADIR='"$(DATADIR)"'

$(BUILD)/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/libcrm.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

$(OUT)/%: $(BUILD)/%.o $(BUILD)/libcrm.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libcrm.a $(LDLIBS)

$(BUILD)/unit/%: tests/unit/%.c $(BUILD)/libcrm.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(DEPFLAGS) $(LDFLAGS) -o $@ $< \
	    $(BUILD)/libcrm.a $(LDLIBS)

$(BUILD)/gen-orders: tools/gen-orders.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $(DEPFLAGS) $(LDFLAGS) -o $@ $<

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

units: $(UNITS)
tools: $(TOOLS)

# The test suite runs against the plain build, then against a build with
# AddressSanitizer and UndefinedBehaviorSanitizer; tests/run.sh prints
# the one closing line 'N passed, N failed, N skipped' over both.
check: deps
	@$(MAKE) --no-print-directory all units tools
	@$(MAKE) --no-print-directory BUILD=build/san OUT=build/san/bin \
	    CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" all units tools
	@sh tests/run.sh plain:bin:build/plain san:build/san/bin:build/san

check-plain: deps
	@$(MAKE) --no-print-directory all units tools
	@sh tests/run.sh plain:bin:build/plain

demo: deps
	@$(MAKE) --no-print-directory all
	@sh examples/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all tools
	@sh tools/bench.sh

fuzz: deps
	@sh tools/fuzz.sh

lint:
	mandoc -Tlint -Wwarning $(MANS)

# install builds only the programs; it writes exactly the files that
# uninstall removes (uninstall also removes the folders of DATADIR it
# leaves empty, DATADIR included; never anything else).
install: $(BINS)
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	for p in $(PROGS); do install -m 755 $(OUT)/$$p $(DESTDIR)$(BINDIR); done
	for m in $(MANS); do \
		install -m 644 $$m $(DESTDIR)$(MANDIR)/man$${m##*.}; \
	done
	for f in $(SHARE); do \
		mkdir -p "$(DESTDIR)$(DATADIR)/$$(dirname $${f#share/})" && \
		install -m 644 $$f "$(DESTDIR)$(DATADIR)/$${f#share/}"; \
	done

uninstall:
	for p in $(PROGS); do rm -f $(DESTDIR)$(BINDIR)/$$p; done
	for m in $(MANS); do \
		rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m#man/}; \
	done
	for f in $(SHARE); do rm -f "$(DESTDIR)$(DATADIR)/$${f#share/}"; done
	for d in $$(cd share 2>/dev/null && find . -depth -type d); do \
		d=$${d#.}; rmdir "$(DESTDIR)$(DATADIR)$$d" 2>/dev/null || true; \
	done

clean:
	rm -rf build bin
