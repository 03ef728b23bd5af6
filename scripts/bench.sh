#!/usr/bin/env bash
# Prints one BENCH line per figure. No benchmarks exist yet: they arrive
# with the issues that set their targets (upload throughput, transcode
# ladder, gallery, voting).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
echo "no benchmarks yet (see README: What is built and what is not)" >&2
