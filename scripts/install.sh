#!/usr/bin/env bash
# Installs what Tryout needs and is missing: Redis, ffmpeg, fpcalc, curl and (for
# browser tests) Chromium from Debian packages, MinIO built from source at the pinned version (about
# 6 minutes the first time, then cached) and staticcheck at its pinned version (make lint). Idempotent.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v go >/dev/null || die "Go is required (https://go.dev/dl/)"

apt_install() {
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "need root or sudo to install: $*"
    sudo="sudo"
  fi
  say "installing $* (apt)"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v redis-cli >/dev/null || missing+=(redis-tools)
{ command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null; } || missing+=(ffmpeg)
# fpcalc (Chromaprint) fingerprints the sound for the duplicate check.
command -v fpcalc >/dev/null || missing+=(libchromaprint-tools)
command -v curl >/dev/null || missing+=(curl)
command -v prlimit >/dev/null || missing+=(util-linux)
# Browser tests drive Debian's Chromium headless.
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
# The unfurl test runs open-graph-scraper (npm) under Node.
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  command -v apt-get >/dev/null || die "install these yourself: ${missing[*]}"
  apt_install "${missing[@]}"
fi

mkdir -p "$BIN" "$CACHE/bin"
minio_cached="$CACHE/bin/minio-$MINIO_VERSION"
if [[ ! -x $minio_cached ]]; then
  say "building MinIO $MINIO_VERSION (first time only, about 6 minutes)"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (
    cd "$work"
    go mod init tryout-minio-build >/dev/null 2>&1
    GOFLAGS=-mod=mod go get "github.com/minio/minio@$MINIO_VERSION" >/dev/null 2>&1
    CGO_ENABLED=0 go build -trimpath -o "$minio_cached.tmp" github.com/minio/minio
  )
  mv "$minio_cached.tmp" "$minio_cached"
fi
ln -sf "$minio_cached" "$BIN/minio"
ensure_staticcheck
"$ROOT/scripts/vendor.sh" node-tools
say "dependencies ready: redis-server $(redis-server --version | awk '{print $3}'), $(ffmpeg -version | head -1 | awk '{print $1, $3}'), minio $MINIO_VERSION"
