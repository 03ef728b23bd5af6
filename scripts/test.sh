#!/usr/bin/env bash
# Runs Tryout's tests against throw-away services on free loopback ports:
# Redis and MinIO always; the database depends on what is there.
#
#   scripts/test.sh              the suite, in legs:
#       - with ../shared/docdb beside the checkout (CI has it): the whole
#         suite on FerretDB 2 / PostgreSQL / DocumentDB (concurrent, full
#         pool, every index: the production code path), then the embedded
#         leg on FerretDB 1.24 (one writer): every store's tests and the
#         local default end to end (`tryout dev`: migrate, upload to live,
#         vote, message);
#       - without it: the whole suite on the embedded FerretDB 1.24;
#       - with TRYOUT_TEST_MONGO_URI set: the whole suite on that server.
#   scripts/test.sh CMD...       CMD with the services and TRYOUT_TEST_* set
#                                (embedded database unless TRYOUT_TEST_MONGO_URI
#                                is set or TRYOUT_TEST_BACKEND=docdb)
#
# TRYOUT_TEST_BACKEND=embedded skips the concurrent leg; =docdb runs only it.
# Everything started is stopped and removed on exit.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$ROOT/scripts/install.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tryout-test.XXXXXX")
DOCDB="$ROOT/../shared/docdb/docdb.sh"
docdb_started=""
cleanup() {
  "$ROOT/scripts/services.sh" stop "$tmp/services" >/dev/null 2>&1 || true
  [[ -n $docdb_started ]] && "$DOCDB" stop "$tmp/docdb" >/dev/null 2>&1
  rm -rf "$tmp" 2>/dev/null || true
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

# The duplicate corpus (about 60 clips made by ffmpeg, the same every run)
# is kept in the cache under a name that changes with the file that makes
# it: only the fingerprinting, the part under test, runs again.
export TRYOUT_CORPUS_DIR="${TRYOUT_CORPUS_DIR:-$CACHE/dup-corpus-$(sha256sum internal/testkit/corpus.go | cut -c1-12)}"
mkdir -p "$TRYOUT_CORPUS_DIR"
# Other generated clips likewise, keyed by their ffmpeg arguments
# (internal/testkit/video.go).
export TRYOUT_FIXTURE_DIR="${TRYOUT_FIXTURE_DIR:-$CACHE/fixtures}"

# Tests that wait on services more than on the CPU run side by side
# (t.Parallel: each has its own database, Redis DB and buckets): four at a
# time keep two cores busy without starving the slow ones. Packages run two
# at a time (Go's default here); four were slower (11 min against 8).
GOTEST=(go test -count=1 -p "${TRYOUT_TEST_PACKAGES:-2}" -parallel "${TRYOUT_TEST_PARALLEL:-4}")

# start_docdb starts FerretDB 2 on PostgreSQL/DocumentDB (installing it the
# first time, about 3 minutes) and prints its URI.
start_docdb() {
  [[ -x $DOCDB ]] || die "TRYOUT_TEST_BACKEND=docdb needs ../shared/docdb beside the checkout"
  local uri attempt port
  # On a busy machine FerretDB can take longer to listen than docdb.sh
  # waits: try again on the same cluster.
  # FerretDB's debug handler listens on 127.0.0.1:8088 by default and
  # FerretDB exits when that port is taken (another test run, a bench):
  # give it a free one.
  export FERRETDB_DEBUG_ADDR="127.0.0.1:$(free_port)"
  for attempt in 1 2 3; do
    if uri=$("$DOCDB" start "$tmp/docdb"); then
      port=${uri##*:}; port=${port%/}
      sleep 1 # it must still be there a moment later
      if wait_port "$port" 5; then echo "$uri"; return 0; fi
    fi
    say "FerretDB 2 did not start (attempt $attempt): $(tail -2 "$tmp/docdb/ferretdb.log" 2>/dev/null)"
    "$DOCDB" stop "$tmp/docdb" >/dev/null 2>&1 || true
  done
  die "FerretDB 2 (../shared/docdb) did not start; see $tmp/docdb/*.log"
}

# The embedded leg: every package's tests but the long end-to-end ones
# (internal/app, worker, media: they do not depend on the database's kind
# and run in the concurrent leg), and the local default end to end. Two
# tests that do not depend on the database's kind either are left to the
# concurrent leg too: the duplicate corpus (ffmpeg and fpcalc, no database)
# and the 100k-row export's memory bound (a property of the streaming code).
embedded_leg() {
  local pkgs
  pkgs=$(go list ./... | grep -v -e '/internal/app$' -e '/worker$' -e '/internal/media$')
  say "embedded leg: FerretDB 1.24 in-process (one writer)"
  # shellcheck disable=SC2086
  env -u TRYOUT_TEST_MONGO_URI "${GOTEST[@]}" -timeout 20m \
    -skip '^(TestDuplicateCorpus|TestBallotExportOf100kRowsHasBoundedMemory)$' $pkgs
}

if (($#)); then
  if [[ ${TRYOUT_TEST_BACKEND:-} == docdb && -z ${TRYOUT_TEST_MONGO_URI:-} ]]; then
    docdb_started=1 # (start_docdb runs in a subshell)
    TRYOUT_TEST_MONGO_URI=$(start_docdb); export TRYOUT_TEST_MONGO_URI
  fi
  "$@"
  exit
fi

if [[ -n ${TRYOUT_TEST_MONGO_URI:-} ]]; then
  say "whole suite on $TRYOUT_TEST_MONGO_URI"
  "${GOTEST[@]}" -timeout 45m ./...
elif [[ -x $DOCDB && ${TRYOUT_TEST_BACKEND:-} != embedded ]]; then
  docdb_started=1 # (start_docdb runs in a subshell)
  TRYOUT_TEST_MONGO_URI=$(start_docdb); export TRYOUT_TEST_MONGO_URI
  say "concurrent leg: whole suite on FerretDB 2 / DocumentDB ($TRYOUT_TEST_MONGO_URI)"
  "${GOTEST[@]}" -timeout 45m ./...
  unset TRYOUT_TEST_MONGO_URI
  [[ ${TRYOUT_TEST_BACKEND:-} == docdb ]] || embedded_leg
else
  say "whole suite on the embedded FerretDB 1.24 (no ../shared/docdb here)"
  "${GOTEST[@]}" -timeout 45m ./...
fi
