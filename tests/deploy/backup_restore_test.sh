#!/usr/bin/env bash
# Runs the rendered backup CronJob's own shell command (its /backup volume
# swapped for a temp folder) with the real binary on PATH, then restores the
# snapshot the way docs/deployment.md says and checks the restored data
# directory against the manifest:
#   - ingest two synthetic tickers (embedded store, hashing embedder: no
#     ChromaDB server or word vectors needed) into a data directory
#   - the CronJob command: exit 0, a new ohlcv-<UTC time> folder whose
#     manifest.json counts match `ohlcv-rag status`; of the older folders the
#     unfinished one (no manifest) is removed and only the 7 newest kept
#   - restore: the snapshot's files without manifest.json into an empty data
#     directory; `status` shows the same bars and windows, and a question is
#     answered from it (the HNSW graphs, left out of the backup, are rebuilt)
#
# Binary: $OHLCV_BIN, else build/ohlcv-rag. Exits 77 (skip) when that binary
# has no `backup` command.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
t_binary backup
RENDERED=${1:?usage: backup_restore_test.sh RENDERED_PRODUCTION.yaml}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The CronJob container that runs `ohlcv-rag backup`: its shell command.
(cd "$VALIDATE_DIR" && node --input-type=module -e '
import yaml from "js-yaml"; import fs from "fs";
const docs = yaml.loadAll(fs.readFileSync(process.argv[1], "utf8")).filter(Boolean);
const cron = docs.find((d) => d.kind === "CronJob" && d.metadata.name === "ohlcv-rag-backup");
const c = cron.spec.jobTemplate.spec.template.spec.containers.find((x) => JSON.stringify(x.command).includes("ohlcv-rag backup"));
if (c.command[0] !== "sh" || c.command[1] !== "-c") throw new Error("expected sh -c: " + JSON.stringify(c.command));
process.stdout.write(c.command[2]);
' "$RENDERED") > "$scratch/cron.sh" || { t_fail "could not read the CronJob from $RENDERED"; t_done; exit 1; }
grep -q '/backup' "$scratch/cron.sh" && t_ok "CronJob command read: $(head -c 60 "$scratch/cron.sh")..." ||
  t_fail "CronJob command does not write under /backup"
sed -i "s#/backup#$scratch/backup#g" "$scratch/cron.sh"

export OHLCV_DATA_DIR="$scratch/data" OHLCV_CACHE_DIR="$scratch/cache" VECTOR_STORE_TYPE=local \
  OHLCV_EMBEDDER=hashing LOG_LEVEL=warn
mkdir -p "$scratch/bin" "$scratch/cache" "$scratch/backup"
ln -s "$BIN" "$scratch/bin/ohlcv-rag"
export PATH="$scratch/bin:$PATH"
if ! ohlcv-rag ingest --source synthetic --tickers BKA,BKB > "$scratch/ingest.log" 2>&1; then
  t_fail "ingest failed: $(tail -3 "$scratch/ingest.log")"
  t_done
  exit 1
fi
# "BARS WINDOWS" of `status --json` or of a manifest.
counts() { node -e 'const j = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(`${j.bars} ${j.windows}`)'; }
before=$(ohlcv-rag status --json | counts)
[[ "$before" =~ ^[1-9][0-9]*\ [1-9][0-9]*$ ]] && t_ok "ingested: $before (bars windows)" || t_fail "status after ingest: $before"

# Older backups: 8 finished ones and one left unfinished by a crash.
for d in 20200101 20200102 20200103 20200104 20200105 20200106 20200107 20200108; do
  mkdir -p "$scratch/backup/ohlcv-${d}T031700Z" && echo '{}' > "$scratch/backup/ohlcv-${d}T031700Z/manifest.json"
done
mkdir -p "$scratch/backup/ohlcv-20200109T031700Z"
if sh -c "$(cat "$scratch/cron.sh")" > "$scratch/cron.log" 2>&1; then
  t_ok "CronJob command exits 0"
else
  t_fail "CronJob command failed: $(tail -5 "$scratch/cron.log")"
fi
mapfile -t kept < <(ls -1d "$scratch"/backup/ohlcv-* 2> /dev/null | sort)
new=${kept[${#kept[@]}-1]:-}
[[ ${#kept[@]} -eq 7 ]] && t_ok "7 backups kept" || t_fail "${#kept[@]} backups kept: ${kept[*]##*/}"
[[ ! -e "$scratch/backup/ohlcv-20200109T031700Z" ]] && t_ok "unfinished backup (no manifest.json) removed" ||
  t_fail "unfinished backup still there"
[[ "$new" =~ /ohlcv-[0-9]{8}T[0-9]{6}Z$ && "$new" != *2020010* ]] && t_ok "new backup ${new##*/}" || t_fail "no new backup: $new"
manifest=$({ counts < "$new/manifest.json"; } 2> /dev/null)
[[ "$manifest" == "$before" ]] && t_ok "manifest counts = status ($manifest)" ||
  t_fail "manifest counts '$manifest' vs status '$before'"

# Restore as docs/deployment.md says: the snapshot without its manifest into
# an empty data directory.
mkdir -p "$scratch/restored"
cp -a "$new/." "$scratch/restored/" && rm -f "$scratch/restored/manifest.json"
after=$(OHLCV_DATA_DIR="$scratch/restored" ohlcv-rag status --json | counts)
[[ "$after" == "$before" ]] && t_ok "restored data directory: $after" || t_fail "restored: '$after' vs '$before'"
answer=$(OHLCV_DATA_DIR="$scratch/restored" ohlcv-rag query "When did BKA show a breakout?" --json 2>&1)
grep -q '"sources": \[' <<< "$answer" && ! grep -q '"sources": \[\]' <<< "$answer" &&
  t_ok "restored store answers with sources" || t_fail "query on the restored store: ${answer:0:200}"
t_done
