#!/usr/bin/env bash
# Runs a command (default: every Go test) against throw-away Redis and MinIO
# on free loopback ports, then stops them and removes their data. The Go
# test kit embeds FerretDB itself unless TRYOUT_TEST_MONGO_URI is set.
#
#   scripts/test.sh                       # go test ./...
#   scripts/test.sh go test ./api/ -run X
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$ROOT/scripts/install.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tryout-test.XXXXXX")
cleanup() {
  "$ROOT/scripts/services.sh" stop "$tmp/services" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# A port can be taken between choosing and binding it: try fresh ones.
for attempt in 1 2 3; do
  export TRYOUT_REDIS_PORT=$(free_port)
  export TRYOUT_MINIO_PORT=$(free_port)
  export TRYOUT_MINIO_CONSOLE_PORT=$(free_port)
  if MINIO_BROWSER=off "$ROOT/scripts/services.sh" start "$tmp/services"; then break; fi
  "$ROOT/scripts/services.sh" stop "$tmp/services" >/dev/null 2>&1 || true
  ((attempt < 3)) || die "could not start the test services"
  say "retrying with other ports"
done

export TRYOUT_TEST_REDIS_ADDR="127.0.0.1:$TRYOUT_REDIS_PORT"
export TRYOUT_TEST_S3_ENDPOINT="127.0.0.1:$TRYOUT_MINIO_PORT"
export TMPDIR="$tmp"   # embedded FerretDB files and test temp dirs go away with the rest
mkdir -p "$tmp/go-tmp"; export GOTMPDIR="$tmp/go-tmp"

cd "$ROOT"
if (($#)); then
  "$@"
else
  go test -count=1 -timeout 30m ./...
fi
