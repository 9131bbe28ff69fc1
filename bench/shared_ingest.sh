#!/usr/bin/env bash
# Whole-folder ingest, embedded store against the shared one (issue 14's
# "within 4x of embedded"), as alternating pairs in the same minutes:
#
#   embedded: ohlcv-rag --data-dir <empty> ingest --source csv --path DATA --threads 2
#   shared:   the same with OHLCV_DATABASE_URL (an empty database on a local
#             PostgreSQL 15) and VECTOR_STORE_TYPE=chromadb (a fresh local
#             ChromaDB npm server per pair), data directory empty too
#
# Prints per pair: wall seconds of each, the ratio, the load average, and the
# CPU seconds PostgreSQL (postmaster and its exited backends) and ChromaDB
# spent during the shared run; then the median ratio.
#
#   OHLCV_CACHE_DIR=... PAIRS=5 bench/shared_ingest.sh [build]
# Settings: PAIRS (5), DATA (../shared/data/sp500_2015_2020), THREADS (2).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
PAIRS=${PAIRS:-5}
DATA=${DATA:-$ROOT/../shared/data/sp500_2015_2020}
THREADS=${THREADS:-2}
WORK=$(mktemp -d /tmp/shared-ingest.XXXXXX)
[[ $(id -u) == 0 ]] && chmod 755 "$WORK"
REPLICAS=0
T_START=$SECONDS
# shellcheck source=../scripts/rehearsal-lib.sh
source "$ROOT/scripts/rehearsal-lib.sh"
OHLCV_BIN=$BUILD/ohlcv-rag find_binary
[[ -d "$DATA" ]] || die "no data folder $DATA (../shared/data/README.md)"
CHROMA_DIR=${OHLCV_CHROMA_DIR:-${OHLCV_CACHE_DIR:-$ROOT/.cache}/chroma}
[[ -f "$CHROMA_DIR/node_modules/chromadb/dist/cli.mjs" ]] || die "no ChromaDB in $CHROMA_DIR (scripts/chroma-setup.sh)"
trap 'stop_all' EXIT

# utime+stime+cutime+cstime of PID, in seconds.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15 + $16 + $17) / hz }' "/proc/$1/stat"; }
wall() {  # seconds of "$@"
  local t0 t1
  t0=$(now_ms)
  "$@" > "$WORK/last.log" 2>&1 || { tail -n 20 "$WORK/last.log"; die "failed: $*"; }
  t1=$(now_ms)
  awk -v ms=$((t1 - t0)) 'BEGIN { printf "%.2f", ms / 1000 }'
}

init_pg
start_pg
PG_MAIN=$(head -n 1 "$WORK/pg/postmaster.pid")
ratios=()
echo "start $(date -u +%FT%TZ), $(nproc) cores, binary $BIN"
printf '%-5s %-9s %-10s %-10s %-6s %-8s %-8s\n' pair load embedded shared ratio pg_cpu chroma_cpu
for p in $(seq 1 "$PAIRS"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  rm -rf "$WORK/emb"
  emb=$(wall "$BIN" --data-dir "$WORK/emb" ingest --source csv --path "$DATA" --threads "$THREADS")
  stop_chroma
  rm -rf "$WORK/chroma"
  start_chroma
  create_db "ingest$p"
  rm -rf "$WORK/shared"
  pg0=$(cpu_s "$PG_MAIN")
  ch0=$(cpu_s "$CHROMA_PID")
  shared=$(OHLCV_DATABASE_URL="postgresql://ohlcv@127.0.0.1:$PG_PORT/ingest$p" VECTOR_STORE_TYPE=chromadb \
    CHROMADB_HOST=127.0.0.1 CHROMADB_PORT=$CHROMA_PORT \
    wall "$BIN" --data-dir "$WORK/shared" ingest --source csv --path "$DATA" --threads "$THREADS")
  pg1=$(cpu_s "$PG_MAIN")
  ch1=$(cpu_s "$CHROMA_PID")
  load="$load-$(cut -d' ' -f1 /proc/loadavg)"
  ratio=$(awk -v a="$shared" -v b="$emb" 'BEGIN { printf "%.2f", a / b }')
  ratios+=("$ratio")
  printf '%-5s %-9s %-10s %-10s %-6s %-8s %-8s\n' "$p" "$load" "${emb}s" "${shared}s" "${ratio}x" \
    "$(awk -v a="$pg0" -v b="$pg1" 'BEGIN { printf "%.1f", b - a }')" \
    "$(awk -v a="$ch0" -v b="$ch1" 'BEGIN { printf "%.1f", b - a }')"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ r[NR] = $1 } END { printf "median ratio over %d pairs: %.2fx (min %.2f, max %.2f)\n", NR, (NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2), r[1], r[NR] }'
echo "end $(date -u +%FT%TZ)"
rm -rf "$WORK/emb" "$WORK/shared"
