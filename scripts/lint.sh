#!/usr/bin/env bash
# make lint: gofmt, go vet and staticcheck (pinned, installed into the
# cache the first time). The first step of make test, so CI runs it too.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_staticcheck
out=$(gofmt -l .)
if [[ -n $out ]]; then
  printf 'gofmt needed (make fmt):\n%s\n' "$out" >&2
  exit 1
fi
go vet ./...
"$BIN/staticcheck" ./...
say "lint clean: gofmt, go vet, staticcheck $STATICCHECK_VERSION"
