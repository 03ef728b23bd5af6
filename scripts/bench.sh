#!/usr/bin/env bash
# Prints one BENCH line per speed or memory figure, measured against real
# Redis and MinIO started on free loopback ports (not part of make test).
# With ../shared/docdb beside the checkout every group runs on FerretDB 2
# (PostgreSQL/DocumentDB), as the suite does; TRYOUT_TEST_BACKEND=embedded
# runs them on the embedded FerretDB 1.24 instead. Each line says which
# (backend=).
#
#   scripts/bench.sh [gallery|votes|upload|mail|transcode|dup|...]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [[ -z ${TRYOUT_TEST_BACKEND:-} && -x "$ROOT/../shared/docdb/docdb.sh" ]]; then
  export TRYOUT_TEST_BACKEND=docdb
fi
exec "$ROOT/scripts/test.sh" go run ./cmd/tryout-bench "$@"
