# fuzz/fuzz.mk -- libFuzzer targets (included by the top-level Makefile).
#
#   make fuzz-build             build every target into fuzz/build/
#   make fuzz                   build, then run each for FUZZ_SECONDS
#                               (default 60); fails if any target crashes
#   make fuzz-regress           replay fuzz/regressions/ and fuzz/corpus/
#                               once per target, no fuzzing (what CI runs)
#   make fuzz-<target>          build and run one target, e.g. fuzz-fuzz_tls
#   make fuzz-clean
#
# Needs clang with the libFuzzer and sanitizer runtimes (Debian: clang,
# libclang-rt-14-dev).  The project's sources are compiled again with clang
# and -fsanitize=fuzzer-no-link,address,undefined into fuzz/build/src/;
# nothing of the normal build is touched.  New inputs the fuzzer finds go to
# fuzz/build/corpus/<target>/ (not committed); crashes to
# fuzz/build/artifacts/<target>/.  See fuzz/README.
#
# Uses from the including Makefile (with fallbacks when run alone):
# LIB_SRCS, ALL_CPPFLAGS, ALL_CFLAGS (its -I/-D flags only) and LIBS.

FUZZ_CC		?= clang
FUZZ_SECONDS	?= 60
FUZZ_JOBS	?= 1
FUZZ_FLAGS	?=
FUZZ_SAN	= -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OPT	= -g -O1 -fno-omit-frame-pointer -gline-tables-only

FUZZ_B		= fuzz/build
FUZZ_PKG	= libpcap libndpi yaml-0.1 jansson zlib libzstd
FUZZ_LIB_SRCS	= $(if $(LIB_SRCS),$(LIB_SRCS),\
		    $(filter-out src/main.c,$(wildcard src/*.c)))
FUZZ_LIB_OBJS	= $(patsubst src/%.c,$(FUZZ_B)/src/%.o,$(FUZZ_LIB_SRCS))
FUZZ_CPPFLAGS	= $(if $(ALL_CPPFLAGS),$(ALL_CPPFLAGS),-iquote src \
		    -DTLSFLOOR_VERSION='"fuzz"' -D_DEFAULT_SOURCE \
		    -D_POSIX_C_SOURCE=200809L)
# Include and define flags of the libraries: those of the Makefile's
# ALL_CFLAGS (whatever libraries it grows), else pkg-config's.
FUZZ_PKG_CFLAGS	= $(if $(LIBS),$(filter -I% -D% -pthread,$(ALL_CFLAGS)),\
		    $(shell pkg-config --cflags $(FUZZ_PKG)))
FUZZ_PKG_LIBS	= $(if $(LIBS),$(LIBS),\
		    $(shell pkg-config --libs $(FUZZ_PKG)) -lcrypto)
FUZZ_CFLAGS	= -std=c11 $(FUZZ_OPT) $(FUZZ_SAN) $(FUZZ_PKG_CFLAGS)
# The project's own warnings for src/, ours for fuzz/.
FUZZ_SRC_WARN	= $(WARN_CFLAGS)
FUZZ_OWN_WARN	= -Wall -Wextra -Wshadow -Wstrict-prototypes

# fuzz_config only once src/config.c defines config_load() (the YAML file).
FUZZ_HAVE_CONFIG_LOAD := $(shell grep -qs '^config_load' src/*.c && \
		    echo yes)

FUZZ_TARGETS	= fuzz_packet fuzz_packet_link fuzz_pcap fuzz_pcapng fuzz_stream \
		  fuzz_mail_pop3 fuzz_mail_imap fuzz_mail_smtp fuzz_tls fuzz_cert \
		  $(if $(FUZZ_HAVE_CONFIG_LOAD),fuzz_config) \
		  $(if $(wildcard src/dns.h),fuzz_dns)
FUZZ_BINS	= $(addprefix $(FUZZ_B)/,$(FUZZ_TARGETS))

# Which source each target is built from, and its extra flags.
FUZZ_SRC_fuzz_packet		= fuzz/fuzz_packet.c
FUZZ_SRC_fuzz_packet_link	= fuzz/fuzz_packet.c
FUZZ_DEF_fuzz_packet_link	= -DFUZZ_LINK_BYTE
FUZZ_SRC_fuzz_pcap		= fuzz/fuzz_pcap.c
FUZZ_SRC_fuzz_pcapng		= fuzz/fuzz_pcapng.c
FUZZ_SRC_fuzz_stream		= fuzz/fuzz_stream.c
FUZZ_LDX_fuzz_stream		= -Wl,--wrap=mail_input -Wl,--wrap=mail_gap
FUZZ_SRC_fuzz_mail_pop3		= fuzz/fuzz_mail.c
FUZZ_DEF_fuzz_mail_pop3		= -DFUZZ_PROTO=PROTO_POP3
FUZZ_SRC_fuzz_mail_imap		= fuzz/fuzz_mail.c
FUZZ_DEF_fuzz_mail_imap		= -DFUZZ_PROTO=PROTO_IMAP
FUZZ_SRC_fuzz_mail_smtp		= fuzz/fuzz_mail.c
FUZZ_DEF_fuzz_mail_smtp		= -DFUZZ_PROTO=PROTO_SMTP
FUZZ_SRC_fuzz_tls		= fuzz/fuzz_tls.c
FUZZ_SRC_fuzz_cert		= fuzz/fuzz_cert.c
FUZZ_SRC_fuzz_config		= fuzz/fuzz_config.c
FUZZ_SRC_fuzz_dns		= fuzz/fuzz_dns.c

# Dictionaries per target (libFuzzer takes one: they are concatenated).
FUZZ_DICT_fuzz_packet		= fuzz/net.dict fuzz/tls.dict fuzz/mail.dict \
				  fuzz/dns.dict
FUZZ_DICT_fuzz_packet_link	= $(FUZZ_DICT_fuzz_packet)
FUZZ_DICT_fuzz_pcap		= fuzz/pcap.dict $(FUZZ_DICT_fuzz_packet)
FUZZ_DICT_fuzz_pcapng		= fuzz/pcap.dict
FUZZ_DICT_fuzz_stream		= fuzz/mail.dict fuzz/tls.dict
FUZZ_DICT_fuzz_mail_pop3	= fuzz/mail.dict fuzz/tls.dict
FUZZ_DICT_fuzz_mail_imap	= fuzz/mail.dict fuzz/tls.dict
FUZZ_DICT_fuzz_mail_smtp	= fuzz/mail.dict fuzz/tls.dict
FUZZ_DICT_fuzz_tls		= fuzz/tls.dict
FUZZ_DICT_fuzz_cert		= fuzz/cert.dict
FUZZ_DICT_fuzz_config		= fuzz/config.dict
FUZZ_DICT_fuzz_dns		= fuzz/dns.dict

# Longest input tried (the default is the longest corpus file, >= 4096).
FUZZ_MAXLEN_fuzz_pcap		= 32768
FUZZ_MAXLEN_fuzz_pcapng		= 32768
FUZZ_MAXLEN_fuzz_stream		= 8192
FUZZ_MAXLEN_fuzz_mail_pop3	= 8192
FUZZ_MAXLEN_fuzz_mail_imap	= 8192
FUZZ_MAXLEN_fuzz_mail_smtp	= 8192
FUZZ_MAXLEN_fuzz_cert		= 8192

# The pcap target's rejected files make libpcap complain on stderr.
FUZZ_RUNFLAGS_fuzz_pcap		= -close_fd_mask=2
# Flows outlive an input in the packet targets, so nearly every input
# allocates more than it frees, and libFuzzer's per-input leak check (a
# LeakSanitizer scan of the whole heap each time) would take nine tenths of
# the time.  Leaks are caught by the targets that end every flow per input.
FUZZ_RUNFLAGS_fuzz_packet	= -detect_leaks=0
FUZZ_RUNFLAGS_fuzz_packet_link	= -detect_leaks=0

FUZZ_COMMON_OBJ	= $(FUZZ_B)/fuzz_common.o

.PHONY: fuzz fuzz-deps fuzz-build fuzz-regress fuzz-clean \
	$(addprefix fuzz-,$(FUZZ_TARGETS))

fuzz-deps:
	build-aux/deps.sh fuzz

fuzz-build: fuzz-deps
	$(MAKE) $(FUZZ_BINS) $(addsuffix .dict,$(FUZZ_BINS))

fuzz: fuzz-build
	$(MAKE) $(addprefix fuzz-,$(FUZZ_TARGETS))

fuzz-regress: fuzz-build
	fuzz/regress.sh $(FUZZ_TARGETS)

fuzz-clean:
	rm -rf $(FUZZ_B)

$(FUZZ_B)/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) $(FUZZ_SRC_WARN) \
	    -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_B)/fuzz_common.o: fuzz/fuzz_common.c fuzz/fuzz.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) -Ifuzz $(FUZZ_CFLAGS) $(FUZZ_OWN_WARN) \
	    -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

# One object per target (the same source is built with other -D's), the
# binary, and its dictionary: explicit rules made from a template.
define FUZZ_TARGET_RULES
$(FUZZ_B)/$(1).main.o: $(FUZZ_SRC_$(1)) fuzz/fuzz.h
	@mkdir -p $$(@D)
	$$(FUZZ_CC) $$(FUZZ_CPPFLAGS) -Ifuzz $$(FUZZ_CFLAGS) $$(FUZZ_OWN_WARN) \
	    $$(FUZZ_DEF_$(1)) \
	    -fsanitize=fuzzer-no-link -MMD -MP -c -o $$@ $(FUZZ_SRC_$(1))

$(FUZZ_B)/$(1): $(FUZZ_B)/$(1).main.o $$(FUZZ_COMMON_OBJ) $$(FUZZ_LIB_OBJS)
	$$(FUZZ_CC) $$(FUZZ_OPT) $$(FUZZ_SAN) -fsanitize=fuzzer \
	    $$(FUZZ_LDX_$(1)) -o $$@ $(FUZZ_B)/$(1).main.o \
	    $$(FUZZ_COMMON_OBJ) $$(FUZZ_LIB_OBJS) $$(FUZZ_PKG_LIBS)

$(FUZZ_B)/$(1).dict: $(FUZZ_DICT_$(1))
	@mkdir -p $$(@D)
	cat $(FUZZ_DICT_$(1)) > $$@
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_TARGET_RULES,$(t))))

# Run one target for FUZZ_SECONDS over its committed seeds and its working
# corpus; new inputs go to the working corpus (libFuzzer writes to the first
# directory only: never put fuzz/corpus first), crashes to artifacts/.
$(addprefix fuzz-,$(FUZZ_TARGETS)): fuzz-%: $(FUZZ_B)/% $(FUZZ_B)/%.dict
	@mkdir -p $(FUZZ_B)/corpus/$* $(FUZZ_B)/artifacts/$* fuzz/corpus/$*
	$(FUZZ_B)/$* -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -timeout=10 -rss_limit_mb=2048 -dict=$(FUZZ_B)/$*.dict \
	    $(if $(FUZZ_MAXLEN_$*),-max_len=$(FUZZ_MAXLEN_$*)) \
	    $(if $(filter-out 1,$(FUZZ_JOBS)),-jobs=$(FUZZ_JOBS) \
	    -workers=$(FUZZ_JOBS)) \
	    $(FUZZ_RUNFLAGS_$*) $(FUZZ_FLAGS) \
	    -artifact_prefix=$(FUZZ_B)/artifacts/$*/ \
	    $(FUZZ_B)/corpus/$* fuzz/corpus/$*

-include $(wildcard $(FUZZ_B)/*.d $(FUZZ_B)/src/*.d)
