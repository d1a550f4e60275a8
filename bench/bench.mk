# bench/bench.mk -- `make bench` (issue 7), included by the top-level
# Makefile:
#
#   make bench                         # 2G capture, 5 runs, every tool
#   make bench BENCH_SIZE=512M BENCH_RUNS=3
#   make bench BENCH_PROFILE=1         # and callgrind on a 50M capture
#   make bench-clean                   # remove $(BENCH_DIR)
#   make bench-live                    # live capture at rate (root; see
#                                      # bench/live.sh and bench/README)
#   make bench-live LIVE_WORKERS=1 LIVE_RATES="500 1000 top"
#
# bench-live is a benchmark, not a test: `make check` does not run it.
# Every BENCH_* variable is described at the top of bench/run.sh, every
# LIVE_* one at the top of bench/live.sh; the ones left empty here take
# the script's defaults.  Standalone (without the top-level
# Makefile): make -f Makefile -f bench/bench.mk bench

PROG		?= src/tlsfloor
BENCH_SIZE	?= 2G
BENCH_DIR	?= /tmp/tlsfloor-bench
BENCH_RUNS	?= 5
BENCH_OTHER_RUNS ?=
BENCH_SEED	?=
BENCH_FLOWS	?=
BENCH_TIMEOUT	?=
BENCH_TOOLS	?=
BENCH_FLAT	?=
BENCH_PROFILE	?=
LIVE_SIZE	?=
LIVE_RATES	?=
LIVE_WORKERS	?=
LIVE_BUFFER	?=
LIVE_IMMEDIATE	?=
LIVE_SETTLE	?=
LIVE_DRAIN	?=
LIVE_STOP	?=
LIVE_PRELOAD	?=

BENCH_ENV	= BENCH_SIZE='$(BENCH_SIZE)' BENCH_DIR='$(BENCH_DIR)' \
		  BENCH_RUNS='$(BENCH_RUNS)' PROG='$(PROG)' CC='$(CC)' \
		  $(if $(BENCH_OTHER_RUNS),BENCH_OTHER_RUNS='$(BENCH_OTHER_RUNS)') \
		  $(if $(BENCH_SEED),BENCH_SEED='$(BENCH_SEED)') \
		  $(if $(BENCH_FLOWS),BENCH_FLOWS='$(BENCH_FLOWS)') \
		  $(if $(BENCH_TIMEOUT),BENCH_TIMEOUT='$(BENCH_TIMEOUT)') \
		  $(if $(BENCH_TOOLS),BENCH_TOOLS='$(BENCH_TOOLS)') \
		  $(if $(BENCH_FLAT),BENCH_FLAT='$(BENCH_FLAT)') \
		  $(if $(BENCH_PROFILE),BENCH_PROFILE='$(BENCH_PROFILE)')

LIVE_ENV	= BENCH_DIR='$(BENCH_DIR)' PROG='$(PROG)' CC='$(CC)' \
		  $(if $(BENCH_SEED),BENCH_SEED='$(BENCH_SEED)') \
		  $(if $(BENCH_FLOWS),BENCH_FLOWS='$(BENCH_FLOWS)') \
		  $(if $(LIVE_SIZE),LIVE_SIZE='$(LIVE_SIZE)') \
		  $(if $(LIVE_RATES),LIVE_RATES='$(LIVE_RATES)') \
		  $(if $(LIVE_WORKERS),LIVE_WORKERS='$(LIVE_WORKERS)') \
		  $(if $(LIVE_BUFFER),LIVE_BUFFER='$(LIVE_BUFFER)') \
		  $(if $(LIVE_IMMEDIATE),LIVE_IMMEDIATE='$(LIVE_IMMEDIATE)') \
		  $(if $(LIVE_SETTLE),LIVE_SETTLE='$(LIVE_SETTLE)') \
		  $(if $(LIVE_DRAIN),LIVE_DRAIN='$(LIVE_DRAIN)') \
		  $(if $(LIVE_STOP),LIVE_STOP='$(LIVE_STOP)') \
		  $(if $(LIVE_PRELOAD),LIVE_PRELOAD='$(LIVE_PRELOAD)')

.PHONY: bench bench-clean bench-live bench-slowpath

bench: $(PROG)
	$(BENCH_ENV) sh bench/run.sh

# LIVE_BPF is not passed: set it in the environment (an empty filter, ""
# captures everything, is not something make can tell from unset).
bench-live: $(PROG)
	$(LIVE_ENV) bash bench/live.sh

# The linear-time check of tests/hostile/slowpath.py with its CPU-time
# ratio (make check runs it without the timing: a time is no test result).
SLOWPATH_SCALE	?= 8
bench-slowpath: $(PROG)
	/usr/bin/python3 tests/hostile/slowpath.py --timing $(PROG) \
	    $(SLOWPATH_SCALE)

bench-clean:
	rm -rf '$(BENCH_DIR)'
