# mcpauth — see README.md.  `make`, `make test`, `make asan`, `make tsan`, `make bench`.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
CC ?= cc
PKGS = fcgi libcurl libcjson libcrypto libmicrohttpd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN = -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wwrite-strings \
	-Wvla -Wnull-dereference -Wundef -Werror=unused-result
ifeq ($(WERROR),1)
WARN += -Werror
endif
OPT ?= -O2 -g
CFLAGS_ALL = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	$(OPT) $(WARN) -pthread $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS_ALL = -pthread $(EXTRA_LDFLAGS)

B ?= build
SRCS = $(wildcard src/*.c)
OBJS = $(SRCS:src/%.c=$(B)/obj/%.o)
LIBOBJS = $(filter-out $(B)/obj/main.o,$(OBJS))
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
MINT = $(B)/mint
MINTOBJ = $(B)/obj/mintlib.o
FCGI_CLIENT = $(B)/fcgi_client

.PHONY: all demo demo-stop test check unit integration asan asan-check tsan tsan-check tsan-prove fuzz fuzzers bench clean install deps deb
all: $(B)/mcpauth

$(B)/obj/%.o: src/%.c src/*.h | $(B)/obj
	@echo "  CC $<"
	@$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(B)/mcpauth: $(OBJS)
	$(CC) -o $@ $(OBJS) $(LDFLAGS_ALL) $(PKG_LIBS)

$(MINTOBJ): tests/lib/mint.c tests/lib/mint.h | $(B)/obj
	$(CC) $(CFLAGS_ALL) -Itests/lib -c -o $@ $<

$(MINT): tests/tools/mint.c $(MINTOBJ)
	$(CC) $(CFLAGS_ALL) -Itests/lib -o $@ $< $(MINTOBJ) $(LDFLAGS_ALL) $(PKG_LIBS)

$(FCGI_CLIENT): tests/tools/fcgi_client.c | $(B)/obj
	$(CC) $(CFLAGS_ALL) -o $@ $< $(LDFLAGS_ALL)

$(B)/tests/%: tests/unit/%.c tests/unit/*.h $(LIBOBJS) $(MINTOBJ) | $(B)/tests
	$(CC) $(CFLAGS_ALL) -Isrc -Itests/lib -Itests/unit -o $@ $< $(LIBOBJS) \
		$(MINTOBJ) $(LDFLAGS_ALL) $(PKG_LIBS)

# Fuzz targets: libFuzzer binaries (make fuzz), and replay binaries that
# run saved inputs without libFuzzer (make test).
# One per tests/fuzz/fuzz_NAME.c; scripts/fuzz.sh and the replay test
# find them the same way.
FUZZ_TARGETS = $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 20
FUZZ_FLAGS = -Isrc -Itests/lib -Itests/fuzz
REPLAYS = $(FUZZ_TARGETS:%=$(B)/replay_%)

$(B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(LIBOBJS) $(MINTOBJ)
	$(CC) $(CFLAGS_ALL) -fsanitize=fuzzer $(FUZZ_FLAGS) -o $@ $< \
		$(LIBOBJS) $(MINTOBJ) $(LDFLAGS_ALL) -fsanitize=fuzzer $(PKG_LIBS)

$(B)/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/driver.c tests/fuzz/fuzz.h $(LIBOBJS) $(MINTOBJ)
	$(CC) $(CFLAGS_ALL) $(FUZZ_FLAGS) -o $@ $< tests/fuzz/driver.c \
		$(LIBOBJS) $(MINTOBJ) $(LDFLAGS_ALL) $(PKG_LIBS)

fuzzers: $(FUZZ_TARGETS:%=$(B)/fuzz_%) $(MINT)

fuzz: deps
	$(MAKE) B=build/fuzz CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
		EXTRA_CFLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
		EXTRA_LDFLAGS="-fsanitize=address,undefined" fuzzers
	sh scripts/fuzz.sh $(FUZZ_SECONDS) build/fuzz

$(B)/bench_verify: tests/bench/bench_verify.c tests/bench/cputime.h $(LIBOBJS) $(MINTOBJ)
	$(CC) $(CFLAGS_ALL) -Isrc -Itests/lib -Itests/bench -o $@ $< $(LIBOBJS) $(MINTOBJ) \
		$(LDFLAGS_ALL) $(PKG_LIBS)

$(B)/bench_ops: tests/bench/bench_ops.c tests/bench/cputime.h $(LIBOBJS) $(MINTOBJ)
	$(CC) $(CFLAGS_ALL) -Isrc -Itests/lib -Itests/bench -o $@ $< $(LIBOBJS) $(MINTOBJ) \
		$(LDFLAGS_ALL) $(PKG_LIBS)

$(B)/obj $(B)/tests:
	mkdir -p $@

deps:
	sh scripts/install-deps.sh

# A working local setup: issuer keys, mcpauth, nginx and an app.
demo: deps
	$(MAKE) $(B)/mcpauth $(MINT)
	sh scripts/demo.sh

demo-stop:
	sh scripts/demo.sh stop

# Every test speaks TAP: unit tests are C programs and shell scripts,
# integration tests start the real service and servers on loopback.
TEST_ENV = MCPAUTH=$(abspath $(B)/mcpauth) MINT=$(abspath $(MINT)) \
	FCGI_CLIENT=$(abspath $(FCGI_CLIENT)) BUILD=$(abspath $(B))
TOOLS = $(B)/mcpauth $(MINT) $(FCGI_CLIENT) $(REPLAYS)

unit: $(TOOLS) $(UNIT_BINS)
	$(TEST_ENV) prove -f $(UNIT_BINS) tests/unit/*.sh

integration: $(TOOLS)
	$(TEST_ENV) prove -f tests/integration/*.sh

check: $(TOOLS) $(UNIT_BINS)
	$(TEST_ENV) prove -f $(UNIT_BINS) tests/unit/*.sh tests/integration/*.sh

# make test: every test, then the same suite once more under ASan+UBSan.
test: deps
	$(MAKE) check
	$(MAKE) asan-check

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
asan: deps
	$(MAKE) asan-check

asan-check:
	$(MAKE) B=build/asan CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
		EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" \
		EXTRA_LDFLAGS="-fsanitize=address,undefined" check

# The threaded tests under ThreadSanitizer: any report fails (halt_on_error
# makes mcpauth exit 66, and finish() checks every log for "Sanitizer").
TSAN_TESTS = tests/integration/test_service.sh tests/integration/test_keysets.sh \
	tests/integration/test_faults.sh tests/integration/test_stalls.sh \
	tests/integration/test_soak.sh tests/integration/test_http.sh \
	tests/integration/test_introspection.sh
TSAN_OPTIONS = halt_on_error=1 exitcode=66 second_deadlock_stack=1 \
	suppressions=$(abspath tests/tsan.supp)
tsan: deps
	$(MAKE) tsan-check

tsan-check:
	$(MAKE) B=build/tsan CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
		EXTRA_CFLAGS="-fsanitize=thread" EXTRA_LDFLAGS="-fsanitize=thread" \
		build/tsan/mcpauth build/tsan/mint build/tsan/fcgi_client
	TSAN_OPTIONS="$(TSAN_OPTIONS)" $(MAKE) --no-print-directory B=build/tsan tsan-prove

tsan-prove:
	$(TEST_ENV) prove -f $(TSAN_TESTS)

# Benchmarks print ratios measured side by side in one run; never in
# make test.  Each script builds what it needs.
bench: deps $(B)/bench_verify $(B)/bench_ops
	@echo "== decision cost against OpenSSL's raw verify, per algorithm"
	$(B)/bench_verify
	@echo "== the cost of per-operation policy on a cached decision"
	$(B)/bench_ops
	@echo "== the service over FastCGI"
	bash tests/bench/bench_service.sh
	@echo "== end to end through nginx (wrk)"
	bash tests/bench/bench_nginx.sh

# The binary, the man pages, and the example configuration under
# share/mcpauth.
install: $(B)/mcpauth
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(PREFIX)/share/mcpauth/fcgi-conf/nginx \
		$(DESTDIR)$(PREFIX)/share/mcpauth/fcgi-conf/caddy \
		$(DESTDIR)$(PREFIX)/share/mcpauth/fcgi-conf/traefik \
		$(DESTDIR)$(PREFIX)/share/mcpauth/fcgi-conf/kubernetes
	install -m 755 $(B)/mcpauth $(DESTDIR)$(BINDIR)/mcpauth
	install -m 644 man/mcpauth.8 $(DESTDIR)$(MANDIR)/man8/mcpauth.8
	install -m 644 man/mcpauth.conf.5 $(DESTDIR)$(MANDIR)/man5/mcpauth.conf.5
	install -m 644 fcgi-conf/nginx/*.conf \
		$(DESTDIR)$(PREFIX)/share/mcpauth/fcgi-conf/nginx/
	install -m 644 fcgi-conf/apache-authnz-fcgi.conf fcgi-conf/htaccess-fcgid \
		fcgi-conf/mcpauth.service fcgi-conf/mcpauth.conf \
		$(DESTDIR)$(PREFIX)/share/mcpauth/fcgi-conf/
	install -m 755 fcgi-conf/spawn-fcgi.sh \
		$(DESTDIR)$(PREFIX)/share/mcpauth/fcgi-conf/
	install -m 644 fcgi-conf/caddy/Caddyfile \
		$(DESTDIR)$(PREFIX)/share/mcpauth/fcgi-conf/caddy/
	install -m 644 fcgi-conf/traefik/mcpauth.yml \
		$(DESTDIR)$(PREFIX)/share/mcpauth/fcgi-conf/traefik/
	install -m 644 fcgi-conf/kubernetes/mcpauth.yaml \
		$(DESTDIR)$(PREFIX)/share/mcpauth/fcgi-conf/kubernetes/

# The Debian package (debian/), built by dpkg-buildpackage in a copy of
# the tree, so that its artefacts land in build/deb/ (mcpauth_*.deb,
# .buildinfo, .changes) and never beside the checkout.
# scripts/check-deb.sh installs, tests and purges it.
deb:
	rm -rf build/deb
	mkdir -p build/deb/src
	tar --exclude=./build --exclude=./.git --exclude=node_modules -cf - . | \
		tar -xf - -C build/deb/src
	cd build/deb/src && dpkg-buildpackage -us -uc -b
	@ls build/deb/*.deb

clean:
	rm -rf build
