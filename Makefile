# headroom: plain Makefile; honours CC, CFLAGS, CPPFLAGS, LDFLAGS, PREFIX and DESTDIR.
#   make                 build ./headroom
#   make check           build and run every test (tests/run)
#   make SANITIZE=1 check  the same under AddressSanitizer and UndefinedBehaviorSanitizer
#   make install         install the binary, man page, shell completions, systemd unit and contrib files
#                        under $(DESTDIR)$(PREFIX) (uninstall removes them)
#   make dist            headroom-VERSION.tar.gz, the release tarball (from a git checkout; DISTDIR=where)
#   make deb             the Debian package, built with dpkg-buildpackage from a copy of the tree, into build/deb

CC ?= cc
CFLAGS ?= -O2 -g
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/headroom
# systemd reads units from /usr/local/lib/systemd/system too; Debian's package uses /lib/systemd/system
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# in zsh's $fpath on Debian for /usr/local; Debian's own packages use /usr/share/zsh/vendor-completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
# fish reads it when $(PREFIX)/share is in XDG_DATA_DIRS (always for /usr)
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
INSTALL ?= install

WARNINGS := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wvla -Wno-unused-parameter -Wno-missing-field-initializers
override CPPFLAGS += -D_GNU_SOURCE -Isrc
override CFLAGS += -std=gnu11 -pthread $(WARNINGS)

# A static binary starts faster (no dynamic loader: about 2 ms less per report, a tenth of the whole
# report at 20,000 threads) and needs no shared library on a system in trouble. STATIC=0 links
# dynamically; sanitizer builds always do; without a static C library it falls back by itself.
STATIC ?= $(shell printf 'int main(void){return 0;}' | $(CC) -x c -static -o /dev/null - 2>/dev/null && echo 1 || echo 0)
BUILD := build
ifeq ($(SANITIZE),1)
STATIC := 0
override CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
override LDFLAGS += -fsanitize=address,undefined
BUILD := build/san
endif

# zlib reads the rotated logs that logrotate compressed (syslog.2.gz): used when its headers and (for a
# static binary) libz.a are there, as zlib1g-dev provides; without it headroom says it cannot read them.
ZLIB ?= $(shell printf '\043include <zlib.h>\nint main(void){return !zlibVersion();}' | $(CC) -x c $(if $(filter 1,$(STATIC)),-static) -o /dev/null - -lz 2>/dev/null && echo 1 || echo 0)
ifeq ($(ZLIB),1)
override CPPFLAGS += -DHAVE_ZLIB
LDLIBS += -lz
endif

LIB_SRCS := $(sort $(wildcard src/core/*.c src/parse/*.c src/probe/*.c src/model/*.c src/diagnose/*.c src/render/*.c src/repro/*.c src/watch/*.c src/top/*.c src/cli/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libheadroom.a

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%-replay)
HELPER_SRCS := $(sort $(wildcard tests/helpers/*.c))
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(BUILD)/helpers/%)

# The sanitizer flags live in the object directory: a plain and a sanitized build never mix.
FLAGS_STAMP := $(BUILD)/.flags
# ./headroom is shared by both: it is relinked whenever the last build was of the other kind.
FLAVOR_STAMP := build/.flavor

.PHONY: all check vm-check unit-tests fuzz-replay helpers alloc-count install uninstall clean fuzz dist deb completions

all: headroom

$(FLAGS_STAMP): FORCE
	@mkdir -p $(BUILD)
	@echo '$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(STATIC)' | cmp -s - $@ || echo '$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(STATIC)' > $@

$(FLAVOR_STAMP): FORCE
	@mkdir -p build
	@echo '$(BUILD) $(STATIC)' | cmp -s - $@ || echo '$(BUILD) $(STATIC)' > $@

$(BUILD)/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

ifeq ($(STATIC),1)
HEADROOM_LDFLAGS := -static
endif

headroom: $(BUILD)/src/main.o $(LIB) $(FLAGS_STAMP) $(FLAVOR_STAMP)
	$(CC) $(CFLAGS) $(LDFLAGS) $(HEADROOM_LDFLAGS) -o $@ $(BUILD)/src/main.o $(LIB) $(LDLIBS) -pthread

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(LIB) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# The fuzz targets, linked with a small driver that runs each corpus file once: "make check" replays
# the corpus with the normal compiler. "make fuzz" builds the libFuzzer binaries (clang).
$(BUILD)/fuzz/%-replay: tests/fuzz/%.c tests/fuzz/replay.c $(LIB) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(LIB) $(LDLIBS)

$(BUILD)/helpers/%: tests/helpers/%.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -pthread -o $@ $<

# For the test that headroom watch allocates nothing after start-up: a dynamically linked headroom
# and a malloc interposer that counts (tests/shim/alloc_count.c). The sanitizer build counts through
# the sanitizer's malloc hooks instead, as an interposer cannot come before its runtime.
$(BUILD)/headroom-dynamic: $(BUILD)/src/main.o $(LIB) $(FLAGS_STAMP)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(BUILD)/src/main.o $(LIB) $(LDLIBS) -pthread

$(BUILD)/shim/alloc_count.so: tests/shim/alloc_count.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -fPIC -shared -o $@ $<

ifeq ($(SANITIZE),1)
ALLOC_COUNT :=
else
ALLOC_COUNT := $(BUILD)/headroom-dynamic $(BUILD)/shim/alloc_count.so
endif
alloc-count: $(ALLOC_COUNT)

unit-tests: $(UNIT_BINS)
fuzz-replay: $(FUZZ_REPLAY)
helpers: $(HELPER_BINS)

check: headroom unit-tests fuzz-replay helpers alloc-count
	BUILD=$(BUILD) SANITIZE=$(SANITIZE) tests/run

# the live tests inside other kernels under qemu (tests/vm/run): needs root, fetches and caches the kernels
vm-check: headroom helpers alloc-count
	BUILD=$(BUILD) tests/vm/run

FUZZ_CC ?= clang
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz-lf/%)
build/fuzz-lf/%: tests/fuzz/%.c $(LIB_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 -D_GNU_SOURCE -Isrc -g -O1 -pthread -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined $(filter -DHAVE_ZLIB,$(CPPFLAGS)) -o $@ $< $(LIB_SRCS) $(LDLIBS)
fuzz: $(FUZZ_BINS)

# The completion scripts, generated by the binary from the option tables it parses with.
COMPLETIONS := build/completion/headroom build/completion/_headroom build/completion/headroom.fish
completions: $(COMPLETIONS)
build/completion/headroom: headroom
	@mkdir -p $(dir $@)
	./headroom completion bash >$@
build/completion/_headroom: headroom
	@mkdir -p $(dir $@)
	./headroom completion zsh >$@
build/completion/headroom.fish: headroom
	@mkdir -p $(dir $@)
	./headroom completion fish >$@

CONTRIB_FILES := prometheus/headroom-alerts.yml prometheus/headroom-alerts.test.yml grafana/headroom-dashboard.json \
	kubernetes/headroom-daemonset.yaml

# The unit is contrib/'s, with ExecStart at the installed binary.
install: headroom $(COMPLETIONS)
	sed 's|/usr/local/bin/headroom|$(BINDIR)/headroom|g' contrib/systemd/headroom-watch.service >build/headroom-watch.service
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(SYSTEMDUNITDIR) \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR) \
		$(DESTDIR)$(DATADIR)/prometheus $(DESTDIR)$(DATADIR)/grafana $(DESTDIR)$(DATADIR)/kubernetes
	$(INSTALL) -m 0755 headroom $(DESTDIR)$(BINDIR)/headroom
	$(INSTALL) -m 0644 man/headroom.1 $(DESTDIR)$(MANDIR)/man1/headroom.1
	$(INSTALL) -m 0644 build/completion/headroom $(DESTDIR)$(BASHCOMPDIR)/headroom
	$(INSTALL) -m 0644 build/completion/_headroom $(DESTDIR)$(ZSHCOMPDIR)/_headroom
	$(INSTALL) -m 0644 build/completion/headroom.fish $(DESTDIR)$(FISHCOMPDIR)/headroom.fish
	$(INSTALL) -m 0644 build/headroom-watch.service $(DESTDIR)$(SYSTEMDUNITDIR)/headroom-watch.service
	for f in $(CONTRIB_FILES); do $(INSTALL) -m 0644 contrib/$$f $(DESTDIR)$(DATADIR)/$$f || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/headroom $(DESTDIR)$(MANDIR)/man1/headroom.1 $(DESTDIR)$(BASHCOMPDIR)/headroom \
		$(DESTDIR)$(ZSHCOMPDIR)/_headroom $(DESTDIR)$(FISHCOMPDIR)/headroom.fish \
		$(DESTDIR)$(SYSTEMDUNITDIR)/headroom-watch.service
	rm -rf $(DESTDIR)$(DATADIR)

# The Debian package (debian/), from a copy of the tree so that dpkg-buildpackage writes nothing beside
# it: build/deb/headroom_VERSION_ARCH.deb and its .changes. Needs dpkg-dev and debhelper.
deb:
	rm -rf build/deb && mkdir -p build/deb/headroom-$(VERSION)
	tar -cf - --exclude=./build --exclude=./headroom --exclude=./.git . | tar -xf - -C build/deb/headroom-$(VERSION)
	cd build/deb/headroom-$(VERSION) && dpkg-buildpackage -us -uc -b >../build.log 2>&1 || \
		{ tail -n 30 ../build.log >&2; exit 1; }
	rm -rf build/deb/headroom-$(VERSION)
	@ls build/deb/*.deb

# The release tarball, headroom-VERSION.tar.gz: every tracked file of the checkout's HEAD, which builds
# offline with make alone. The version is the binary's (src/version.h).
VERSION := $(shell sed -n 's/^\#define HEADROOM_VERSION "\(.*\)"$$/\1/p' src/version.h)
DISTDIR ?= .
dist:
	@git rev-parse --git-dir >/dev/null 2>&1 || { echo "make dist: needs a git checkout" >&2; exit 1; }
	git archive --format=tar.gz --prefix=headroom-$(VERSION)/ -o $(DISTDIR)/headroom-$(VERSION).tar.gz HEAD
	@echo "$(DISTDIR)/headroom-$(VERSION).tar.gz"

clean:
	rm -rf build headroom

FORCE:

-include $(shell find build -path build/deb -prune -o -name '*.d' -type f -print 2>/dev/null)
