#!/usr/bin/env bash
# Installs what is missing, starts Redis and MinIO, migrates, creates a first
# staff account if none exists (printing its password once) and runs
# `tryout dev`: API, web pages, staff console and worker in one process on
# the embedded database. Ctrl-C stops Tryout; `make stop` stops the services.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

"$ROOT/scripts/install.sh"
"$ROOT/scripts/services.sh" start
say "building tryout"
go build -o "$BIN/tryout" ./cmd/tryout
"$BIN/tryout" migrate
"$BIN/tryout" admin create-user --if-none --email "${TRYOUT_FIRST_ADMIN_EMAIL:-admin@tryout.local}" --role owner --name "First owner"

url=${TRYOUT_PUBLIC_URL:-http://127.0.0.1:8080}
cat >&2 <<MSG

  Tryout is starting:
    public site      $url/
    staff console    $url/admin/
    API              $url/api/campaigns
    health           $url/readyz
    MinIO console    http://127.0.0.1:${TRYOUT_MINIO_CONSOLE_PORT:-9001}/  (minioadmin / minioadmin)

MSG
exec "$BIN/tryout" dev
