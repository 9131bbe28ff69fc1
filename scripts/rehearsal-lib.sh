#!/usr/bin/env bash
# Shared by scripts/rollout-rehearsal.sh and scripts/multinode-rehearsal.sh:
# replicas of `ohlcv-rag serve` on loopback behind nginx (the endpoints
# controller played by this script), a real ChromaDB server, PostgreSQL 15
# started as the postgres user, wrk load counted by
# deploy/wrk/count-failures.lua, and PASS/FAIL bookkeeping.
#
# The sourcing script sets ROOT, WORK, REPLICAS, KEY, TICKERS, CONNS,
# STARTUP_TIMEOUT before calling these, and defines setup_env/start_replica
# (what differs: one shared data directory, or one per node).
# shellcheck shell=bash

passed=0
failed=0
figures=()
declare -a PORT PID IN_LB
CHROMA_PID=""
WRK_PID=""
LB_PORT=""
LB_GEN=0
PG_BIN=${OHLCV_PG_BIN:-/usr/lib/postgresql/15/bin}

log() { echo "[$(date -u +%H:%M:%S)] $*"; }
now_ms() { date +%s%3N; }
check() {  # NAME CONDITION_RC DETAIL
  if [[ $2 -eq 0 ]]; then
    passed=$((passed + 1))
    log "PASS $1${3:+: $3}"
  else
    failed=$((failed + 1))
    log "FAIL $1${3:+: $3}"
  fi
}
figure() { figures+=("$(printf '%-46s %s' "$1" "$2")"); }
die() {
  log "FAIL $*"
  failed=$((failed + 1))
  exit 1
}
as_pg() {  # runs a PostgreSQL binary as the postgres user when we are root
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Stops everything this library started: wrk, the replicas (a second SIGTERM
# skips the drain; SIGKILL only for what is left after 5 s), nginx, ChromaDB
# and PostgreSQL.
stop_all() {
  set +e  # at exit: stop everything even where a step fails
  [[ -n "$WRK_PID" ]] && kill "$WRK_PID" 2> /dev/null
  local alive=() i
  for i in $(seq 1 "$REPLICAS"); do
    [[ -n "${PID[i]:-}" ]] && kill -0 "${PID[i]}" 2> /dev/null && alive+=("${PID[i]}")
  done
  if [[ ${#alive[@]} -gt 0 ]]; then
    kill -TERM "${alive[@]}" 2> /dev/null
    sleep 0.2
    kill -TERM "${alive[@]}" 2> /dev/null
    for _ in $(seq 1 50); do kill -0 "${alive[@]}" 2> /dev/null || break; sleep 0.1; done
    kill -KILL "${alive[@]}" 2> /dev/null
  fi
  if [[ -f "$WORK/nginx/nginx.pid" ]]; then
    kill -TERM "$(cat "$WORK/nginx/nginx.pid")" 2> /dev/null
  fi
  stop_chroma
  if [[ -f "$WORK/pg/postmaster.pid" ]]; then
    as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate -w stop > /dev/null 2>&1
  fi
  wait 2> /dev/null
}

# Prints the figures and the tally, removes WORK on success (unless
# OHLCV_REHEARSAL_KEEP=1); exits 1 unless everything passed. NAME RC [EXTRA]
finish() {
  echo
  echo "figures:"
  printf '  %s\n' "${figures[@]}"
  echo "$1: ${passed} passed, ${failed} failed${3:+, $3} ($((SECONDS - T_START)) s)"
  if [[ $failed -eq 0 && $2 -eq 0 && "${OHLCV_REHEARSAL_KEEP:-0}" != 1 ]]; then
    rm -rf "$WORK"
  else
    echo "logs kept in $WORK"
  fi
  [[ $failed -eq 0 && $2 -eq 0 ]] || exit 1
}

# ---------------------------------------------------------------- preflight
find_binary() {  # [SETTING_FLAG the binary must offer]
  # build/ is scripts/test.sh's Release build; other build-*/ dirs may be
  # sanitizer builds, too slow to put under load, so they come last.
  BIN=${OHLCV_BIN:-$ROOT/build/ohlcv-rag}
  [[ -x "$BIN" ]] || BIN=$(ls -t "$ROOT"/build-*/ohlcv-rag 2> /dev/null | head -n 1)
  [[ -x "${BIN:-}" ]] || die "no ohlcv-rag binary (build it, or set OHLCV_BIN)"
  # Captured first: `grep -q` closing the pipe early would SIGPIPE the
  # binary, and pipefail would call that a failure at random.
  local help
  help=$("$BIN" serve --help-settings 2> /dev/null)
  [[ -n "$help" ]] || die "$BIN has no serve command"
  [[ -z "${1:-}" ]] || grep -q -- "$1" <<< "$help" || die "$BIN has no $1 setting"
}

ensure_tools() {  # [EXTRA_DEBIAN_PACKAGE...] installed when missing (as root)
  local need=("$@")
  command -v nginx > /dev/null || need+=(nginx)
  command -v wrk > /dev/null || need+=(wrk)
  command -v curl > /dev/null || need+=(curl)
  if [[ ${#need[@]} -gt 0 && $(id -u) == 0 ]]; then
    log "installing ${need[*]} (Debian)"
    apt-get update -qq > /dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null 2>&1
  fi
  for t in nginx wrk curl node; do command -v "$t" > /dev/null || die "$t is not installed"; done
  CHROMA_DIR=${OHLCV_CHROMA_DIR:-${OHLCV_CACHE_DIR:-$ROOT/.cache}/chroma}
  [[ -f "$CHROMA_DIR/node_modules/chromadb/dist/cli.mjs" ]] ||
    die "no ChromaDB npm server in $CHROMA_DIR (run scripts/chroma-setup.sh)"
}

# Ports the kernel reports unused, from a random base so parallel runs rarely meet.
NEXT_PORT=$((20000 + RANDOM % 20000))
take_port() {  # -> $GOT_PORT (not run in a subshell: NEXT_PORT must advance)
  while command -v ss > /dev/null && ss -Htan "( sport = :$NEXT_PORT )" 2> /dev/null | grep -q .; do
    NEXT_PORT=$((NEXT_PORT + 1))
  done
  GOT_PORT=$NEXT_PORT
  NEXT_PORT=$((NEXT_PORT + 1))
}

http_code() { curl -s -o /dev/null -w '%{http_code}' -m "${2:-2}" "$1"; }

# ---------------------------------------------------------------- PostgreSQL
init_pg() {
  [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] || die "no PostgreSQL 15 server binaries in $PG_BIN"
  if [[ $(id -u) == 0 ]]; then id postgres > /dev/null 2>&1 || die "no postgres user (PostgreSQL refuses to run as root)"; fi
  take_port
  PG_PORT=$GOT_PORT
  mkdir -p "$WORK/pg"
  [[ $(id -u) == 0 ]] && chown postgres: "$WORK/pg"
  chmod 700 "$WORK/pg"
  as_pg "$PG_BIN/initdb" -D "$WORK/pg" -A trust -U ohlcv > "$WORK/pg-initdb.log" 2>&1 ||
    die "initdb failed: $(tail -n 5 "$WORK/pg-initdb.log")"
}

start_pg() {  # -> PG_START_MS
  local t0
  t0=$(now_ms)
  # The server log lives inside the postgres-owned dir (the postgres user cannot write ours).
  as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/server.log" \
    -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1" -w -t 30 start > /dev/null 2>&1 ||
    die "PostgreSQL did not start: $(tail -n 5 "$WORK/pg/server.log" 2> /dev/null)"
  PG_START_MS=$(($(now_ms) - t0))
}

stop_pg() { as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast -w -t 30 stop > /dev/null 2>&1; }

create_db() {  # NAME
  local psql=$PG_BIN/psql
  [[ -x "$psql" ]] || psql=psql
  as_pg "$psql" -h "$WORK/pg" -p "$PG_PORT" -U ohlcv -d postgres -qAt -c "CREATE DATABASE $1" \
    > "$WORK/pg-createdb.log" 2>&1 || die "could not create database $1: $(cat "$WORK/pg-createdb.log")"
}

# ---------------------------------------------------------------- ChromaDB
start_chroma() {  # -> CHROMA_PORT, CHROMA_START_MS; a restart reuses the port and data
  [[ -n "${CHROMA_PORT:-}" ]] || {
    take_port
    CHROMA_PORT=$GOT_PORT
  }
  (cd "$CHROMA_DIR" && exec setsid node node_modules/chromadb/dist/cli.mjs run \
    --path "$WORK/chroma" --host 127.0.0.1 --port "$CHROMA_PORT") >> "$WORK/chroma.log" 2>&1 &
  CHROMA_PID=$!
  local t0
  t0=$(now_ms)
  for _ in $(seq 1 300); do
    [[ $(http_code "http://127.0.0.1:$CHROMA_PORT/api/v2/heartbeat" 1) == 200 ]] && {
      CHROMA_START_MS=$(($(now_ms) - t0))
      return 0
    }
    kill -0 "$CHROMA_PID" 2> /dev/null || break
    sleep 0.2
  done
  tail -n 20 "$WORK/chroma.log"
  die "ChromaDB did not answer its heartbeat within 60 s"
}

stop_chroma() {
  [[ -n "$CHROMA_PID" ]] || return 0
  # setsid made the server its own process group: end node and its children.
  # A kill of a group already gone, and the wait's status (the signal's), are
  # not failures: callers may run set -e, and stop_all must go on to stop
  # PostgreSQL.
  kill -TERM -- "-$CHROMA_PID" 2> /dev/null || true
  for _ in $(seq 1 50); do kill -0 "$CHROMA_PID" 2> /dev/null || break; sleep 0.1; done
  kill -KILL -- "-$CHROMA_PID" 2> /dev/null || true
  wait "$CHROMA_PID" 2> /dev/null || true
  CHROMA_PID=""
}

# ---------------------------------------------------------------- replicas
wait_ready() {  # I -> prints ms until /ready answered 200
  local i=$1 t0
  t0=$(now_ms)
  while (($(now_ms) - t0 < STARTUP_TIMEOUT * 1000)); do
    [[ $(http_code "http://127.0.0.1:${PORT[i]}/ready" 1) == 200 ]] && {
      echo $(($(now_ms) - t0))
      return 0
    }
    kill -0 "${PID[i]}" 2> /dev/null || break
    sleep 0.05
  done
  tail -n 20 "$WORK/app-$i.log" >&2
  return 1
}

wait_exit() {  # I TIMEOUT_S -> sets EXIT_RC; 1 when still running
  local i=$1 t0=$SECONDS
  while kill -0 "${PID[i]}" 2> /dev/null; do
    ((SECONDS - t0 > $2)) && return 1
    sleep 0.05
  done
  wait "${PID[i]}"
  EXIT_RC=$?
  return 0
}

# ---------------------------------------------------------------- load balancer
write_nginx_conf() {
  local servers="" i
  for i in $(seq 1 "$REPLICAS"); do
    [[ ${IN_LB[i]} == 1 ]] && servers+="    server 127.0.0.1:${PORT[i]} max_fails=1 fail_timeout=2s;"$'\n'
  done
  mkdir -p "$WORK/nginx/tmp"
  # Upstream side as ingress-nginx does it: keep-alive to the replicas, retry
  # on a connection error or timeout only (a POST already sent is never
  # retried), 3 tries. Client side without keep-alive: an endpoint change is a
  # reload here (ingress-nginx changes endpoints without one), and a reload
  # closes idle client connections, which wrk counts as read errors although
  # no request was lost; with one request per connection nothing is idle.
  cat > "$WORK/nginx/nginx.conf.new" << EOF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  log_format lb '\$status \$upstream_addr "\$upstream_status" \$request_time \$request_method \$uri';
  access_log $WORK/nginx/access.log lb buffer=64k flush=1s;
  keepalive_timeout 0;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  upstream app {
$servers    keepalive 32;
  }
  server {
    listen 127.0.0.1:$LB_PORT;
    location = /lb-generation { access_log off; return 200 "$LB_GEN\n"; }
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_connect_timeout 1s;
      proxy_read_timeout 30s;
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 3;
    }
  }
}
EOF
  mv "$WORK/nginx/nginx.conf.new" "$WORK/nginx/nginx.conf"
}

nginx_cmd() { nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" "$@"; }

# Endpoint update: rewrite the upstream, reload, and wait until new
# connections are served by the new configuration.
lb_update() {
  LB_GEN=$((LB_GEN + 1))
  write_nginx_conf
  nginx_cmd -s reload 2>> "$WORK/nginx/error.log" || return 1
  local t0=$SECONDS
  while ((SECONDS - t0 < 10)); do
    [[ "$(curl -s -m 1 "http://127.0.0.1:$LB_PORT/lb-generation")" == "$LB_GEN" ]] && return 0
    sleep 0.05
  done
  return 1
}

start_lb() {
  take_port
  LB_PORT=$GOT_PORT
  write_nginx_conf
  nginx_cmd 2>> "$WORK/nginx/error.log" || die "nginx did not start: $(tail -n 3 "$WORK/nginx/error.log")"
  for _ in $(seq 1 100); do
    [[ $(http_code "http://127.0.0.1:$LB_PORT/ready" 1) == 200 ]] && return 0
    sleep 0.1
  done
  die "nginx on :$LB_PORT never answered /ready"
}

# ---------------------------------------------------------------- load
start_load() {  # NAME
  WRK_OUT="$WORK/wrk-$1.txt"
  wrk -t2 -c"$CONNS" -d600s --timeout 10s -s "$ROOT/deploy/wrk/count-failures.lua" "http://127.0.0.1:$LB_PORT" \
    -- "$KEY" "$(
      IFS=,
      echo "${TICKERS[*]}"
    )" > "$WRK_OUT" 2>&1 &
  WRK_PID=$!
}

# wrk prints its summary (and runs done()) on SIGINT.
stop_load() {
  kill -INT "$WRK_PID" 2> /dev/null
  wait "$WRK_PID" 2> /dev/null
  WRK_PID=""
  RESULT=$(grep '^RESULT' "$WRK_OUT")
  [[ -n "$RESULT" ]] || {
    cat "$WRK_OUT"
    return 1
  }
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< " ${RESULT#RESULT}"; }
failures() { echo $(($(field non2xx) + $(field connect) + $(field read) + $(field write) + $(field timeout))); }
summary() { echo "$(field requests) requests, $(field rps) req/s, p50 $(field p50_ms) ms, p99 $(field p99_ms) ms, failed $(failures) (codes $(field codes), socket errors c/r/w/t $(field connect)/$(field read)/$(field write)/$(field timeout))"; }

# ---------------------------------------------------------------- phases
# A rolling restart under wrk load: for each replica, SIGTERM and endpoint
# removal at the same moment, as Kubernetes does (no preStop sleep here: the
# drain period has to cover the reload), wait for exit 0, start it again,
# back into the load balancer once /ready. Checks exit codes and ZERO failed
# requests.
rolling_restart() {  # LABEL of the zero-failures check
  start_load rolling
  sleep 2
  local i t0 ok=0 ready_ms exits=""
  local t_roll=$SECONDS
  for i in $(seq 1 $REPLICAS); do
    t0=$(now_ms)
    # SIGTERM and endpoint removal at the same moment, as Kubernetes does
    # (no preStop sleep here): the drain period has to cover the reload.
    kill -TERM "${PID[i]}"
    IN_LB[i]=0
    lb_update || { ok=1; log "load balancer reload failed"; }
    wait_exit "$i" $((DRAIN + SHUTDOWN_TIMEOUT + 5)) || { ok=1; log "replica $i still running after SIGTERM"; kill -KILL "${PID[i]}"; wait "${PID[i]}"; EXIT_RC=137; }
    exits+="$EXIT_RC "
    [[ $EXIT_RC -eq 0 ]] || ok=1
    local stopped_ms=$(($(now_ms) - t0))
    start_replica "$i"
    ready_ms=$(wait_ready "$i") || { ok=1; log "replica $i not ready after restart"; continue; }
    IN_LB[i]=1
    lb_update || ok=1
    figure "  replica $i: SIGTERM -> exited" "${stopped_ms} ms (drain ${DRAIN} s), ready again after ${ready_ms} ms"
  done
  figure "rolling restart of $REPLICAS replicas" "$((SECONDS - t_roll)) s"
  sleep 2
  stop_load || die "wrk gave no result"
  figure "load during the rolling restart" "$(summary)"
  check "rolling restart: replicas exited 0 on SIGTERM" $ok "exit codes: $exits"
  [[ $(failures) -eq 0 && $(field requests) -gt 0 ]]
  check "rolling restart under load$1: ZERO failed requests" $? "$(failures) failed of $(field requests)"
}
