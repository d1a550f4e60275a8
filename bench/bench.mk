# bench/bench.mk -- `make bench` (issue 7), included by the top-level
# Makefile:
#
#   make bench                         # 2G capture, 5 runs, every tool
#   make bench BENCH_SIZE=512M BENCH_RUNS=3
#   make bench BENCH_PROFILE=1         # and callgrind on a 50M capture
#   make bench-clean                   # remove $(BENCH_DIR)
#
# Every BENCH_* variable is described at the top of bench/run.sh; the ones
# left empty here take run.sh's defaults.  Standalone (without the top-level
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

BENCH_ENV	= BENCH_SIZE='$(BENCH_SIZE)' BENCH_DIR='$(BENCH_DIR)' \
		  BENCH_RUNS='$(BENCH_RUNS)' PROG='$(PROG)' CC='$(CC)' \
		  $(if $(BENCH_OTHER_RUNS),BENCH_OTHER_RUNS='$(BENCH_OTHER_RUNS)') \
		  $(if $(BENCH_SEED),BENCH_SEED='$(BENCH_SEED)') \
		  $(if $(BENCH_FLOWS),BENCH_FLOWS='$(BENCH_FLOWS)') \
		  $(if $(BENCH_TIMEOUT),BENCH_TIMEOUT='$(BENCH_TIMEOUT)') \
		  $(if $(BENCH_TOOLS),BENCH_TOOLS='$(BENCH_TOOLS)') \
		  $(if $(BENCH_FLAT),BENCH_FLAT='$(BENCH_FLAT)') \
		  $(if $(BENCH_PROFILE),BENCH_PROFILE='$(BENCH_PROFILE)')

.PHONY: bench bench-clean

bench: $(PROG)
	$(BENCH_ENV) sh bench/run.sh

bench-clean:
	rm -rf '$(BENCH_DIR)'
