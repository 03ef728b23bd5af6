#!/usr/bin/env bash
# Starts or stops the local services Tryout runs on: Redis and MinIO, bound
# to 127.0.0.1, data, logs and pid files under a directory.
#
#   scripts/services.sh start|stop|status [DIR]      (DIR defaults to ./.data)
#
# Ports come from TRYOUT_REDIS_PORT (6379), TRYOUT_MINIO_PORT (9000) and
# TRYOUT_MINIO_CONSOLE_PORT (9001). MinIO's credentials are
# TRYOUT_S3_ACCESS_KEY / TRYOUT_S3_SECRET_KEY (minioadmin / minioadmin).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cmd=${1:-status}
DIR=$(mkdir -p "${2:-$ROOT/.data}" && cd "${2:-$ROOT/.data}" && pwd)
REDIS_PORT=${TRYOUT_REDIS_PORT:-6379}
MINIO_PORT=${TRYOUT_MINIO_PORT:-9000}
MINIO_CONSOLE_PORT=${TRYOUT_MINIO_CONSOLE_PORT:-9001}
RUN="$DIR/run"; LOG="$DIR/log"
mkdir -p "$RUN" "$LOG" "$DIR/redis" "$DIR/minio"

start_redis() {
  if pid_alive "$RUN/redis.pid"; then say "redis already running on $REDIS_PORT"; return; fi
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly yes --appendfsync always \
    --dir "$DIR/redis" --databases 256 --daemonize no --protected-mode yes \
    >"$LOG/redis.log" 2>&1 &
  echo $! >"$RUN/redis.pid"
  wait_port "$REDIS_PORT" 30 || { tail -20 "$LOG/redis.log" >&2; die "redis did not start"; }
  say "redis on 127.0.0.1:$REDIS_PORT (log $LOG/redis.log)"
}

start_minio() {
  if pid_alive "$RUN/minio.pid"; then say "minio already running on $MINIO_PORT"; return; fi
  [[ -x $BIN/minio ]] || die "minio not installed: run scripts/install.sh"
  MINIO_ROOT_USER=${TRYOUT_S3_ACCESS_KEY:-minioadmin} MINIO_ROOT_PASSWORD=${TRYOUT_S3_SECRET_KEY:-minioadmin} \
  MINIO_BROWSER=${MINIO_BROWSER:-on} MINIO_UPDATE=off \
    "$BIN/minio" server --quiet --address "127.0.0.1:$MINIO_PORT" --console-address "127.0.0.1:$MINIO_CONSOLE_PORT" "$DIR/minio" \
    >"$LOG/minio.log" 2>&1 &
  echo $! >"$RUN/minio.pid"
  wait_http "http://127.0.0.1:$MINIO_PORT/minio/health/live" 60 || { tail -20 "$LOG/minio.log" >&2; die "minio did not start"; }
  say "minio on 127.0.0.1:$MINIO_PORT, console 127.0.0.1:$MINIO_CONSOLE_PORT (log $LOG/minio.log)"
}

case $cmd in
  start) start_redis; start_minio ;;
  stop) stop_pid "$RUN/minio.pid"; stop_pid "$RUN/redis.pid"; say "services stopped" ;;
  status)
    for s in redis minio; do
      if pid_alive "$RUN/$s.pid"; then echo "$s: running (pid $(cat "$RUN/$s.pid"))"; else echo "$s: stopped"; fi
    done ;;
  *) die "usage: scripts/services.sh start|stop|status [DIR]" ;;
esac
