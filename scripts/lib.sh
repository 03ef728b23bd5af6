# Shared helpers for Tryout's scripts. Source it; do not run it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.bin"
# Built service binaries are cached outside the checkout too, so a fresh
# clone on the same machine (CI) starts in seconds.
CACHE="${TRYOUT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tryout}"
MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"
STATICCHECK_VERSION="v0.8.2"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# free_port prints a TCP port nothing on 127.0.0.1 is listening on, below
# Linux's ephemeral range (32768+) so no outgoing connection holds it.
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 12700 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"; return 0
    fi
  done
  die "no free port found"
}

# wait_port waits until something listens on 127.0.0.1:$1 (at most $2 seconds).
wait_port() {
  local port=$1 secs=${2:-60}
  for _ in $(seq 1 $((secs * 10))); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

# wait_http waits until URL answers 200 (at most $2 seconds).
wait_http() {
  local url=$1 secs=${2:-60}
  for _ in $(seq 1 $((secs * 10))); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

# pid_alive FILE succeeds when FILE holds the pid of a running process.
pid_alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# stop_pid FILE stops the process in FILE: TERM, then KILL after 10 s.
stop_pid() {
  local f=$1 pid
  pid_alive "$f" || { rm -f "$f"; return 0; }
  pid=$(cat "$f")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$f"
}

# ensure_staticcheck installs the pinned staticcheck into the cache (once)
# and links it as .bin/staticcheck.
ensure_staticcheck() {
  local cached="$CACHE/bin/staticcheck-$STATICCHECK_VERSION"
  mkdir -p "$BIN" "$CACHE/bin"
  if [[ ! -x $cached ]]; then
    say "installing staticcheck $STATICCHECK_VERSION (first time only)"
    local gobin
    gobin=$(mktemp -d)
    GOBIN="$gobin" go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
    mv "$gobin/staticcheck" "$cached"
    rm -rf "$gobin"
  fi
  ln -sf "$cached" "$BIN/staticcheck"
}
