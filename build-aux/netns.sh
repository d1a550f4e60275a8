# build-aux/netns.sh -- sourced (bash) by the scripts that build network
# namespaces: tests/live/run.sh, bench/live.sh, pcaps/make-samples.sh.

# kill_ns NS: kill every process still living in namespace NS (all of
# them were started by the calling script): SIGTERM, then SIGKILL after
# 4 s; then delete the namespace, and with it its ends of veth pairs.
# Nothing to do when NS does not exist.
kill_ns() {
    local ns=$1 pids i
    # (no grep -q: with pipefail, ip's SIGPIPE would make the test fail)
    ip netns list 2>/dev/null | grep -w "^$ns" >/dev/null || return 0
    for i in $(seq 1 50); do
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        [[ -n $pids ]] || break
        # shellcheck disable=SC2086
        if [[ $i -eq 1 ]]; then
            kill $pids 2>/dev/null || true
        elif [[ $i -eq 40 ]]; then
            kill -9 $pids 2>/dev/null || true
        fi
        sleep 0.1
    done
    ip netns del "$ns" 2>/dev/null || true
}
