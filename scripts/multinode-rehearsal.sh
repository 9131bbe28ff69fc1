#!/usr/bin/env bash
# Multi-node rehearsal (issue 14, item 5), cheap enough for CI: no Docker, no
# cluster, everything on 127.0.0.1, but no shared filesystem between replicas.
#
#   3 `ohlcv-rag serve` replicas, each with its OWN EMPTY data directory (as on
#   3 nodes with an emptyDir each), sharing only
#     --> one PostgreSQL 15 server (initdb + pg_ctl into the work dir;
#         OHLCV_DATABASE_URL: bars, jobs, data version, the ingest lock)
#     --> one ChromaDB server (npm, VECTOR_STORE_TYPE=chromadb: vectors)
#   nginx (Debian) load balances over the replicas that are "ready"
#   wrk drives questions and reads through nginx (deploy/wrk/count-failures.lua)
#
# Checks (each PASS or FAIL; exit 0 only when all pass):
#   1. topology: 3 replicas ready, each data directory its own and empty of
#      bars.db (nothing shared on disk), all pointing at the same PostgreSQL
#      and ChromaDB, nginx answering /ready
#   2. an ingest (synthetic source) through replica 1 is polled on replica 2
#      (shared jobs) and then answered by EVERY replica within a few seconds:
#      same bars and windows in /api/v1/status, same /api/v1/tickers, and the
#      same figure in the answer to a question about one of the tickers
#   3. a second ingest while one runs gets 409 (with the running job id) on
#      another replica
#   4. a rolling restart (SIGTERM, exit 0, restart, /ready) under wrk load
#      through nginx fails 0 requests
#   5. PostgreSQL stopped: /ready 503 on every replica within the readiness
#      probe period (5 s, deploy/k8s/base/deployment.yaml), no replica exits;
#      PostgreSQL started again: every /ready back to 200 on its own
#   6. the same for ChromaDB
#
# Prints the figures and "N passed, N failed". Needs: the ohlcv-rag binary
# with PostgreSQL support ($OHLCV_BIN, else build/ohlcv-rag), PostgreSQL 15
# server binaries (Debian postgresql-15; run as the postgres user when this
# script runs as root), node and the ChromaDB npm package
# (scripts/chroma-setup.sh), nginx, wrk, curl.
# Tunables: OHLCV_REHEARSAL_CONNECTIONS (8), OHLCV_DRAIN_SECONDS (2 here: the
# drain only has to cover an nginx reload on loopback), OHLCV_REHEARSAL_KEEP=1
# keeps the work directory (logs) even on success.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPLICAS=3
CONNS=${OHLCV_REHEARSAL_CONNECTIONS:-8}
DRAIN=${OHLCV_DRAIN_SECONDS:-2}
SHUTDOWN_TIMEOUT=10
STARTUP_TIMEOUT=60
PROBE_PERIOD_S=5     # readinessProbe periodSeconds of the app Deployment
RECOVER_TIMEOUT_S=30 # a dependency back -> every replica ready again
TICKERS=(MNA MNB MNC)
WORK=$(mktemp -d /tmp/ohlcv-multinode.XXXXXX)
# nginx workers (nobody) and PostgreSQL (postgres) must reach the work dir.
chmod 755 "$WORK"
KEY="multinode-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
T_START=$SECONDS
# shellcheck source=scripts/rehearsal-lib.sh
source "$ROOT/scripts/rehearsal-lib.sh"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_all
  finish "multi-node rehearsal" "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---------------------------------------------------------------- replicas
setup_env() {
  # Only what the replicas share: the database URL, the Chroma address, the
  # API key. OHLCV_DATA_DIR is set per replica.
  export OHLCV_BIND=127.0.0.1 OHLCV_DATABASE_URL="postgresql://ohlcv@127.0.0.1:$PG_PORT/ohlcv" \
    VECTOR_STORE_TYPE=chromadb CHROMADB_HOST=127.0.0.1 CHROMADB_PORT="$CHROMA_PORT" API_KEY="$KEY" \
    DATA_SOURCE=synthetic OHLCV_RATE_LIMIT_RPS=0 LOG_LEVEL=warn OHLCV_DRAIN_SECONDS="$DRAIN" \
    OHLCV_SHUTDOWN_TIMEOUT_SECONDS=$SHUTDOWN_TIMEOUT OHLCV_EMBEDDER=hashing
  unset OHLCV_HTTP_PORT OHLCV_METRICS_PORT POD_NAME OHLCV_DATA_DIR OHLCV_DATABASE_PASSWORD OHLCV_DATABASE_PASSWORD_FILE
}

start_replica() {  # I
  local i=$1
  OHLCV_DATA_DIR="$WORK/node-$i/data" OHLCV_HTTP_PORT=${PORT[i]} OHLCV_METRICS_PORT=-1 POD_NAME="app-$i" \
    "$BIN" serve >> "$WORK/app-$i.log" 2>&1 &
  PID[i]=$!
}

# ---------------------------------------------------------------- API helpers
api() {  # I METHOD PATH [BODY] -> body, then the HTTP code on the last line
  curl -s -m 10 -X "$2" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
    -w '\n%{http_code}' "http://127.0.0.1:${PORT[$1]}$3" ${4:+-d "$4"}
}
body() { sed '$d' <<< "$1"; }
code() { tail -n 1 <<< "$1"; }
json_str() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" <<< "$2" | head -n 1; }

ingest_body() {  # TICKER...
  local list
  list=$(printf '"%s",' "$@")
  echo "{\"source\": \"synthetic\", \"tickers\": [${list%,}]}"
}

wait_job() {  # I JOB_ID TIMEOUT_S -> final job JSON; 0 when succeeded
  local i=$1 id=$2 state="" t0=$SECONDS
  while ((SECONDS - t0 < $3)); do
    state=$(body "$(api "$i" GET "/api/v1/jobs/$id")")
    grep -q '"state":"\(succeeded\|failed\|cancelled\)"' <<< "$state" && break
    sleep 0.2
  done
  echo "$state"
  grep -q '"state":"succeeded"' <<< "$state"
}

status_line() {  # I -> "N bars, N windows"
  body "$(api "$1" GET /api/v1/status)" | sed -n 's/.*"bars":\([0-9]*\).*"windows":\([0-9]*\).*/\1 bars, \2 windows/p'
}
tickers_line() {  # I -> "T:bars:first:last ..." sorted (nlohmann sorts the keys)
  local o
  body "$(api "$1" GET /api/v1/tickers)" | grep -o '{[^{}]*"ticker":"[^"]*"[^{}]*}' |
    while read -r o; do
      echo "$(json_str ticker "$o"):$(sed -n 's/.*"bars":\([0-9]*\).*/\1/p' <<< "$o"):$(json_str first "$o"):$(json_str last "$o")"
    done | sort | tr '\n' ' '
}
highest_close() {  # I TICKER -> the highest close in the bars API, two decimals
  body "$(api "$1" GET "/api/v1/tickers/$2/bars?limit=100000")" | grep -o '"close":[-0-9.e+]*' | cut -d: -f2 |
    sort -g | tail -n 1 | xargs printf '%.2f'
}
QUESTION="What was the highest close of ${TICKERS[0]}?"
answer_of() {  # I -> the "answer" text of a question about the first ticker
  local r
  r=$(curl -s -m 30 -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
    "http://127.0.0.1:${PORT[$1]}/api/v1/query" -d "{\"question\": \"$QUESTION\"}")
  json_str answer "$r"
}

# ---------------------------------------------------------------- checks
check_topology() {
  local i bad="" dirs=()
  for i in $(seq 1 $REPLICAS); do
    [[ -d "$WORK/node-$i/data" ]] || bad+="replica $i has no data dir; "
    [[ -e "$WORK/node-$i/data/bars.db" ]] && bad+="replica $i has a bars.db (embedded store); "
    grep -q "OHLCV_DATA_DIR=$WORK/node-$i/data" "/proc/${PID[i]}/environ" 2> /dev/null ||
      tr '\0' '\n' < "/proc/${PID[i]}/environ" 2> /dev/null | grep -qx "OHLCV_DATA_DIR=$WORK/node-$i/data" ||
      bad+="replica $i is not on its own data dir; "
    dirs+=("$(stat -c %i "$WORK/node-$i/data" 2> /dev/null)")
  done
  [[ $(printf '%s\n' "${dirs[@]}" | sort -u | wc -l) == "$REPLICAS" ]] || bad+="data dirs are not distinct; "
  [[ $(http_code "http://127.0.0.1:$LB_PORT/ready") == 200 ]] || bad+="nginx /ready is not 200; "
  [[ -z "$bad" ]]
  check "topology: $REPLICAS replicas, own empty data dirs, shared PostgreSQL + ChromaDB, behind nginx" $? \
    "${bad:-data dirs node-1..$REPLICAS/data, PostgreSQL :$PG_PORT, ChromaDB :$CHROMA_PORT, nginx :$LB_PORT}"
}

check_ingest_everywhere() {
  local t0 r id state
  t0=$(now_ms)
  r=$(api 1 POST /api/v1/ingest "$(ingest_body "${TICKERS[@]}")")
  id=$(json_str job_id "$r")
  [[ -n "$id" ]] || die "ingest through replica 1 not accepted: $r"
  # Poll on replica 2: jobs live in PostgreSQL.
  state=$(wait_job 2 "$id" 120)
  check "the ingest job started on replica 1 is polled to success on replica 2" $? "${state:0:160}"
  local t_done
  t_done=$(now_ms)
  figure "ingest ${#TICKERS[@]} synthetic tickers (replica 1)" "$((t_done - t0)) ms"
  # Every replica: same status, same tickers, same figure, within a few seconds.
  local deadline=$((t_done + 5000)) same=1 i s1 t1 a1 s t a detail=""
  while (($(now_ms) < deadline)); do
    s1=$(status_line 1)
    t1=$(tickers_line 1)
    a1=$(answer_of 1)
    same=0
    [[ -n "$s1" && "$s1" != "0 bars"* && -n "$t1" && "$a1" =~ [0-9] ]] || same=1
    for i in $(seq 2 $REPLICAS); do
      s=$(status_line "$i")
      t=$(tickers_line "$i")
      a=$(answer_of "$i")
      [[ "$s" == "$s1" && "$t" == "$t1" && "$a" == "$a1" ]] || {
        same=1
        detail="replica $i: '$s' '${a:0:80}' vs replica 1: '$s1' '${a1:0:80}'"
      }
    done
    [[ $same -eq 0 ]] && break
    sleep 0.2
  done
  local seen_ms=$(($(now_ms) - t_done))
  figure "every replica answers the ingest after" "$seen_ms ms"
  figure "  status on each replica" "$s1"
  figure "  tickers on each replica" "$t1"
  figure "  '$QUESTION' on each" "${a1:0:100}"
  check "every replica reports the same bars, windows and tickers within 5 s" $same \
    "${detail:-$s1; $t1}"
  # The figure itself, checked against the bars the store holds: the answer
  # leads with the highest close, computed here from replica 3's bars.
  local want fig=1
  want=$(highest_close 3 "${TICKERS[0]}")
  [[ $same -eq 0 && -n "$want" && "$a1" == *"\$$want"* ]] && fig=0
  check "every replica answers '$QUESTION' with the same figure, the one in the bars" $fig \
    "${a1:0:110}... (highest close from /api/v1/bars on replica 3: $want)"
}

check_ingest_lock() {
  local many=() k
  for k in $(seq 1 20); do many+=("MNL$k"); done
  local r1 id r2 c2 b2 t0
  t0=$(now_ms)
  r1=$(api 1 POST /api/v1/ingest "$(ingest_body "${many[@]}")")
  id=$(json_str job_id "$r1")
  [[ -n "$id" ]] || die "second-phase ingest not accepted on replica 1: $r1"
  r2=$(api 3 POST /api/v1/ingest "$(ingest_body MNZ)")
  c2=$(code "$r2")
  b2=$(body "$r2")
  local state
  state=$(body "$(api 2 GET "/api/v1/jobs/$id")")
  [[ "$c2" == 409 ]] && grep -q "$id" <<< "$b2"
  check "a second ingest on replica 3 while one runs on replica 1: 409 with the running job id" $? \
    "HTTP $c2 ${b2:0:160} (running job $id: $(json_str state "$state"))"
  state=$(wait_job 2 "$id" 120)
  figure "ingest 20 synthetic tickers (lock test)" "$(json_str state "$state") after $(($(now_ms) - t0)) ms"
}

check_rolling() {
  rolling_restart " through nginx"
  # Restarted on their own data dirs: the data they serve is in PostgreSQL + ChromaDB.
  local bad=""
  for i in $(seq 1 $REPLICAS); do [[ "$(status_line "$i")" == "$(status_line 1)" ]] || bad+="$i "; done
  [[ -z "$bad" ]]
  check "after the restarts every replica still reports the same data" $? "${bad:+replicas $bad differ; }$(status_line 1)"
}

# Outage drill: STOP_FN, START_FN, NAME. /ready 503 everywhere within the
# probe period, nobody exits, all back to 200 on their own after START_FN.
outage_drill() {
  local stop_fn=$1 start_fn=$2 name=$3 i t0 down_ms=() reason=""
  t0=$(now_ms)
  $stop_fn || log "stopping $name reported an error"
  local t_stopped=$(($(now_ms) - t0))
  local pending c
  pending=" $(seq -s ' ' 1 $REPLICAS) "
  t0=$(now_ms)
  while [[ "$pending" =~ [0-9] ]] && (($(now_ms) - t0 < PROBE_PERIOD_S * 1000)); do
    for i in $pending; do
      c=$(http_code "http://127.0.0.1:${PORT[i]}/ready" 3)
      if [[ "$c" == 503 ]]; then
        down_ms[i]=$(($(now_ms) - t0))
        pending=${pending/ $i / }
        [[ -n "$reason" ]] || reason=$(curl -s -m 3 "http://127.0.0.1:${PORT[i]}/ready")
      fi
    done
    sleep 0.1
  done
  local all_down=0 detail=""
  for i in $(seq 1 $REPLICAS); do
    if [[ -n "${down_ms[i]:-}" ]]; then detail+="replica $i 503 after ${down_ms[i]} ms; "; else
      all_down=1
      detail+="replica $i still $(http_code "http://127.0.0.1:${PORT[i]}/ready" 3) ($(curl -s -m 3 "http://127.0.0.1:${PORT[i]}/ready")); "
    fi
  done
  figure "$name down: /ready 503 after" "${detail%; } (stop took ${t_stopped} ms)"
  figure "  /ready reason" "${reason:0:140}"
  check "$name stopped: /ready 503 on every replica within the probe period (${PROBE_PERIOD_S} s)" $all_down "${detail%; }"
  # Hold the outage for a moment: the replicas must live through it.
  sleep 2
  local dead=""
  for i in $(seq 1 $REPLICAS); do kill -0 "${PID[i]}" 2> /dev/null || dead+="$i "; done
  [[ -z "$dead" ]]
  check "$name down: no replica process exited" $? "${dead:+replica(s) ${dead}exited; see app logs}"
  # Back: every replica to 200 on its own (nobody is restarted).
  $start_fn
  pending=" $(seq -s ' ' 1 $REPLICAS) "
  local up_ms=()
  t0=$(now_ms)
  while [[ "$pending" =~ [0-9] ]] && (($(now_ms) - t0 < RECOVER_TIMEOUT_S * 1000)); do
    for i in $pending; do
      if [[ $(http_code "http://127.0.0.1:${PORT[i]}/ready" 3) == 200 ]]; then
        up_ms[i]=$(($(now_ms) - t0))
        pending=${pending/ $i / }
      fi
    done
    sleep 0.1
  done
  detail=""
  local all_up=0
  for i in $(seq 1 $REPLICAS); do
    if [[ -n "${up_ms[i]:-}" ]]; then detail+="replica $i 200 after ${up_ms[i]} ms; "; else
      all_up=1
      detail+="replica $i still $(curl -s -m 3 "http://127.0.0.1:${PORT[i]}/ready"); "
    fi
  done
  figure "$name back: /ready 200 after" "${detail%; }"
  check "$name restarted: every replica back to /ready 200 on its own" $all_up "${detail%; }"
  # And they serve again: the same data on every replica, a question answered.
  local bad=""
  for i in $(seq 1 $REPLICAS); do
    [[ "$(status_line "$i")" == "$S_EXPECTED" && "$(answer_of "$i")" == "$A_EXPECTED" ]] || bad+="$i "
  done
  [[ -z "$bad" ]]
  check "$name back: every replica serves the same data and answer again" $? \
    "${bad:+replica(s) ${bad}differ: $(status_line "${bad%% *}") / $(answer_of "${bad%% *}" | cut -c1-80); }$S_EXPECTED"
}

restart_pg() { start_pg; }
restart_chroma() { start_chroma; }

# ---------------------------------------------------------------- main
log "multi-node rehearsal in $WORK"
find_binary --database-url
if [[ -x "$PG_BIN/pg_ctl" ]]; then ensure_tools; else ensure_tools postgresql-15; fi
log "binary $BIN"
init_pg
start_pg
figure "PostgreSQL 15 up (:$PG_PORT)" "$PG_START_MS ms"
create_db ohlcv
start_chroma
figure "ChromaDB up (:$CHROMA_PORT)" "$CHROMA_START_MS ms"
setup_env
for i in $(seq 1 $REPLICAS); do
  take_port
  PORT[i]=$GOT_PORT
  IN_LB[i]=0
  mkdir -p "$WORK/node-$i/data"
  start_replica "$i"
done
for i in $(seq 1 $REPLICAS); do
  ms=$(wait_ready "$i") || die "replica $i never became ready"
  IN_LB[i]=1
  figure "replica $i (:${PORT[i]}) ready after" "$ms ms"
done
start_lb
check_topology
check_ingest_everywhere
check_ingest_lock
S_EXPECTED=$(status_line 1)
A_EXPECTED=$(answer_of 1)
check_rolling
outage_drill stop_pg restart_pg PostgreSQL
outage_drill stop_chroma restart_chroma ChromaDB
local_files=$(find "$WORK"/node-*/data -type f 2> /dev/null | wc -l)
figure "files the replicas wrote to their own disks" "$local_files ($(du -sc "$WORK"/node-*/data 2> /dev/null | tail -n 1 | cut -f1) KiB)"
