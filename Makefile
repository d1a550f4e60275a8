# Makefile -- tlsfloor's build driver (GNU make).
#
#   make          install missing build packages, bootstrap, configure, build
#   make demo     the above, then analyse every capture in pcaps/
#   make check    the above, then unit tests, golden pcap tests, public corpus
#   make deb      the Debian package, dist/tlsfloor_VERSION_ARCH.deb
#   make screenshot  doc/report.png: the HTML report of the sample captures
#
# ./configure writes config.mk; when it is missing (fresh clone) make runs the
# dependency check, autoreconf and configure first.  Pass configure options
# with CONFIGURE_FLAGS, e.g. make distclean; make check CONFIGURE_FLAGS=--enable-sanitizers

.DEFAULT_GOAL	:= all
SHELL		:= /bin/sh
CONFIGURE_FLAGS	?=

NOCONF_GOALS	:= clean distclean maintainer-clean bench-clean deb
ifeq ($(filter-out $(NOCONF_GOALS),$(MAKECMDGOALS))$(if $(MAKECMDGOALS),,x),)
else
include config.mk
endif

# --- sources -----------------------------------------------------------------
# Pipeline order: capture -> decode -> flow -> reasm -> mail -> tls -> verdict
# -> output.  Everything but main.c goes into libtlsfloor.a, which the unit
# tests link too.
LIB_SRCS	= src/capture.c src/input.c src/pcapng.c src/decode.c src/defrag.c \
		  src/flow.c src/reasm.c \
		  src/line.c src/mail.c src/mailproto.c src/pop3.c src/imap.c \
		  src/smtp.c \
		  src/tls.c src/cert.c src/verdict.c src/output.c src/output_json.c \
		  src/output_text.c src/output_syslog.c src/inventory.c \
		  src/store.c src/report_html.c \
		  src/dns.c src/classify.c src/fingerprint.c src/hints.c \
		  src/config.c \
		  src/daemon.c src/sandbox.c src/worker.c src/hash.c src/log.c \
		  src/stats.c src/preflight.c src/metrics.c src/session.c src/budget.c \
		  src/fields.c src/fmt.c
LIB_OBJS	= $(LIB_SRCS:.c=.o)
LIB		= src/libtlsfloor.a
PROG		= src/tlsfloor

UNIT_SRCS	= $(wildcard tests/unit/check_*.c) tests/unit/unit_main.c
PROBE		= tests/sec/sandbox_probe
UNIT_OBJS	= $(UNIT_SRCS:.c=.o)
UNIT		= tests/unit/unit_tests
# The protocol parsers' own tests (tests/unit/parsers.h): linked with the
# parsers' objects alone, no library, so a parser that calls up into
# flow.c, mail.c or tls.c fails this link.
PARSERS_SRCS	= tests/unit/parsers_main.c tests/unit/parsers_mailproto.c \
		  tests/unit/parsers_pop3.c tests/unit/parsers_imap.c \
		  tests/unit/parsers_smtp.c
PARSERS_OBJS	= $(PARSERS_SRCS:.c=.o)
PARSERS_LINK	= src/pop3.o src/imap.o src/smtp.o src/mailproto.o
PARSERS		= tests/unit/parsers

ALL_CPPFLAGS	= -iquote src -DTLSFLOOR_VERSION='"$(PACKAGE_VERSION)"' \
		  -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(CPPFLAGS)
ALL_CFLAGS	= -std=c11 -pthread $(WARN_CFLAGS) $(SAN_CFLAGS) $(CFLAGS) \
		  $(PCAP_CFLAGS) $(NDPI_CFLAGS) $(YAML_CFLAGS) $(JANSSON_CFLAGS) \
		  $(CRYPTO_CFLAGS) $(ZLIB_CFLAGS) $(ZSTD_CFLAGS) $(SQLITE_CFLAGS) \
		  $(PQ_CFLAGS) $(SECCOMP_CFLAGS)
ALL_LDFLAGS	= -pthread $(SAN_CFLAGS) $(LDFLAGS)
LIBS		= $(PCAP_LIBS) $(NDPI_LIBS) $(YAML_LIBS) $(JANSSON_LIBS) \
		  $(CRYPTO_LIBS) $(ZLIB_LIBS) $(ZSTD_LIBS) $(SQLITE_LIBS) $(PQ_LIBS) \
		  $(SECCOMP_LIBS)

.PHONY: all demo check unit layers golden corpus store report screenshot limits \
	deps clean distclean install uninstall deb

all: $(PROG)

%.o: %.c config.mk
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJS)
	rm -f $@
	$(AR) rc $@ $(LIB_OBJS)
	$(RANLIB) $@

$(PROG): src/main.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ src/main.o $(LIB) $(LIBS)

tests/unit/%.o: tests/unit/%.c config.mk
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(CHECK_CFLAGS) -MMD -MP -c -o $@ $<

$(UNIT): $(UNIT_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(UNIT_OBJS) $(LIB) $(LIBS) $(CHECK_LIBS)

$(PARSERS): $(PARSERS_OBJS) $(PARSERS_LINK)
	$(CC) $(ALL_LDFLAGS) -o $@ $(PARSERS_OBJS) $(PARSERS_LINK) $(CHECK_LIBS)

$(PROBE): $(PROBE).o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(PROBE).o $(LIB) $(LIBS)

-include $(LIB_SRCS:.c=.d) src/main.d $(UNIT_SRCS:.c=.d) $(PROBE).d \
    $(PARSERS_SRCS:.c=.d)

# --- bootstrap ---------------------------------------------------------------
configure: configure.ac
	build-aux/deps.sh build
	autoreconf -fi

config.mk: configure config.mk.in
	build-aux/deps.sh build
	./configure $(CONFIGURE_FLAGS)

deps:
	build-aux/deps.sh check

# --- the two commands of the README -------------------------------------------
demo: $(PROG)
	@tests/demo.sh

SANITIZED	= $(if $(SAN_CFLAGS),1,0)

check: deps $(PROG) $(UNIT) $(PARSERS) $(PROBE)
	build-aux/layers.sh src
	tests/layers/run.sh
	$(UNIT)
	$(PARSERS)
	tests/golden/run.sh
	tests/golden/check_tables.py $(PROG) pcaps/README pcaps/crafted/README \
	    pcaps/dns/README
	tests/golden/check_options.py $(PROG)
	tests/corpus/run.sh
	tests/input/run.sh $(PROG)
	tests/store/run.sh $(PROG)
	build-aux/skippable.sh tests/report/run.sh $(PROG)
	tests/fingerprints/check.py $(PROG)
	build-aux/skippable.sh tests/mailinfo/check.py $(PROG)
	tests/siem/check.py $(PROG)
	build-aux/skippable.sh tests/cert/check.py $(PROG)
	tests/hints/check.py $(PROG)
	tests/docs/check.sh
	build-aux/skippable.sh tests/package/security.sh
	build-aux/skippable.sh tests/package/paths.sh
	test $(SANITIZED) = 1 || build-aux/skippable.sh \
	    tests/package/hardened.sh $(PROG)
	tests/startup/run.sh $(PROG)
	build-aux/skippable.sh tests/startup/notify.py $(PROG)
	tests/metrics/run.sh $(PROG)
	build-aux/skippable.sh tests/syslog/run.sh $(PROG)
	build-aux/skippable.sh tests/syslog/tls.sh $(PROG)
	build-aux/skippable.sh tests/syslog/relp.sh $(PROG)
	build-aux/skippable.sh tests/syslog/examples.sh
	build-aux/skippable.sh tests/live/run.sh $(PROG)
	TLSFLOOR_SANITIZED=$(SANITIZED) tests/limits/flood.py $(PROG)
	TLSFLOOR_SANITIZED=$(SANITIZED) tests/limits/store_flood.py $(PROG)
	tests/hostile/run.sh $(PROG)
	build-aux/skippable.sh tests/sec/run.sh $(PROG)
	test $(SANITIZED) = 1 || tests/limits/valgrind.sh $(PROG)

# The floors of src/ and a check that no dependency goes up (no cycle).
layers: $(PROG)
	build-aux/layers.sh -v src

unit: $(UNIT) $(PARSERS)
	$(UNIT)
	$(PARSERS)
golden: $(PROG)
	tests/golden/run.sh
corpus: $(PROG)
	tests/corpus/run.sh
store: $(PROG)
	tests/store/run.sh $(PROG)
report: $(PROG)
	tests/report/run.sh $(PROG)
# The README's picture: the report of the sample captures as Chromium draws
# it (first 1280x1000 pixels), optimised losslessly.
screenshot: $(PROG)
	build-aux/deps.sh screenshot
	tests/report/screenshot.sh $(PROG) doc/report.png
limits: $(PROG)
	TLSFLOOR_SANITIZED=$(SANITIZED) tests/limits/flood.py $(PROG)
	TLSFLOOR_SANITIZED=$(SANITIZED) tests/limits/store_flood.py $(PROG)

include bench/bench.mk
include fuzz/fuzz.mk

# --- install -----------------------------------------------------------------
# Under the configured prefix (./configure --prefix, --sysconfdir; autoconf's
# defaults: /usr/local and /usr/local/etc): the binary, the man pages, the
# documented default configuration (kept if one is there), the systemd unit,
# the sysusers.d and tmpfiles.d entries (the tlsfloor user; /run/tlsfloor,
# /var/lib/tlsfloor, /var/log/tlsfloor) and the logrotate file.  systemd
# reads units, sysusers.d and tmpfiles.d under /usr/local/lib too; logrotate
# reads /etc/logrotate.d only.  The Debian package (make deb) installs the
# same files with prefix /usr, sysconfdir /etc.
unitdir		?= $(prefix)/lib/systemd/system
sysusersdir	?= $(prefix)/lib/sysusers.d
tmpfilesdir	?= $(prefix)/lib/tmpfiles.d
logrotatedir	?= $(sysconfdir)/logrotate.d

install: $(PROG)
	$(INSTALL) -d $(DESTDIR)$(sbindir) $(DESTDIR)$(mandir)/man8 \
	    $(DESTDIR)$(mandir)/man5 $(DESTDIR)$(sysconfdir)/tlsfloor \
	    $(DESTDIR)$(unitdir) $(DESTDIR)$(sysusersdir) \
	    $(DESTDIR)$(tmpfilesdir) $(DESTDIR)$(logrotatedir)
	$(INSTALL) -m 755 $(PROG) $(DESTDIR)$(sbindir)/tlsfloor
	$(INSTALL) -m 644 man/tlsfloor.8 $(DESTDIR)$(mandir)/man8/tlsfloor.8
	$(INSTALL) -m 644 man/tlsfloor.yaml.5 \
	    $(DESTDIR)$(mandir)/man5/tlsfloor.yaml.5
	test -e $(DESTDIR)$(sysconfdir)/tlsfloor/tlsfloor.yaml || \
	    $(INSTALL) -m 644 conf/tlsfloor.yaml \
	    $(DESTDIR)$(sysconfdir)/tlsfloor/tlsfloor.yaml
	sed -e 's|@SBINDIR@|$(sbindir)|g' -e 's|@SYSCONFDIR@|$(sysconfdir)|g' \
	    conf/tlsfloor.service >$(DESTDIR)$(unitdir)/tlsfloor.service
	chmod 644 $(DESTDIR)$(unitdir)/tlsfloor.service
	$(INSTALL) -m 644 conf/tlsfloor.sysusers \
	    $(DESTDIR)$(sysusersdir)/tlsfloor.conf
	$(INSTALL) -m 644 conf/tlsfloor.tmpfiles \
	    $(DESTDIR)$(tmpfilesdir)/tlsfloor.conf
	$(INSTALL) -m 644 conf/tlsfloor.logrotate \
	    $(DESTDIR)$(logrotatedir)/tlsfloor

# The configuration is the operator's: uninstall leaves it.
uninstall:
	rm -f $(DESTDIR)$(sbindir)/tlsfloor \
	    $(DESTDIR)$(mandir)/man8/tlsfloor.8 \
	    $(DESTDIR)$(mandir)/man5/tlsfloor.yaml.5 \
	    $(DESTDIR)$(unitdir)/tlsfloor.service \
	    $(DESTDIR)$(sysusersdir)/tlsfloor.conf \
	    $(DESTDIR)$(tmpfilesdir)/tlsfloor.conf \
	    $(DESTDIR)$(logrotatedir)/tlsfloor

# --- Debian package ------------------------------------------------------------
# dist/tlsfloor_VERSION_ARCH.deb, built by dpkg-buildpackage from a copy of
# this tree (debian/; the packages it needs come from deps.sh deb), then
# checked by lintian.  tests/package/run.sh installs it in a fresh root.
deb:
	build-aux/deps.sh deb
	build-aux/deb.sh

clean:
	rm -f src/*.o src/*.d $(LIB) $(PROG) tests/unit/*.o tests/unit/*.d $(UNIT) \
	    $(PARSERS)
	rm -f $(PROBE) $(PROBE).o $(PROBE).d
	rm -rf tests/out

distclean: clean
	rm -f config.mk config.log config.status
	rm -rf dist
	rm -rf autom4te.cache

maintainer-clean: distclean
	rm -f configure aclocal.m4 build-aux/install-sh build-aux/config.guess \
	    build-aux/config.sub
