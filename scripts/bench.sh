#!/usr/bin/env bash
# Prints one BENCH line per speed or memory figure, measured against real
# Redis and MinIO started on free loopback ports (not part of make test).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
exec "$ROOT/scripts/test.sh" go run ./cmd/tryout-bench "$@"
