#!/usr/bin/env bash
# Runs the rendered backup CronJob's own pg_dump command (its /backup volume
# swapped for a temp folder) against a throwaway local PostgreSQL, then
# restores the dump the way docs/deployment.md says:
#   - a scratch cluster (Debian's postgresql-15: initdb, pg_ctl) with the
#     role and database of OHLCV_DATABASE_URL, password auth, and a table of
#     bars
#   - the CronJob command with that URL and PGPASSWORD: exit 0, a new
#     postgres-<UTC time>.dump; of the older files the unfinished one
#     (*.partial) is removed and only the 7 newest dumps kept
#   - restore: `pg_restore --clean --if-exists --no-owner` into a database
#     whose rows were changed meanwhile; the rows are back
# Exits 77 (skip) without PostgreSQL's server binaries (scripts/install-deps.sh
# does not install them; Debian postgresql-15) or without root (initdb runs
# as the postgres user).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RENDERED=${1:?usage: backup_restore_test.sh RENDERED_PRODUCTION.yaml}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -n 1)
if [[ -z "$PGBIN" || ! -x "$PGBIN/initdb" ]] || ! id postgres > /dev/null 2>&1 || [[ $(id -u) != 0 ]]; then
  echo "$(basename "$0"): SKIP: needs root and Debian's postgresql server (apt-get install postgresql-15)"
  exit 77
fi
scratch=$(mktemp -d)
chmod 755 "$scratch"
port=$((20000 + RANDOM % 20000))
cleanup() {
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$scratch/pgdata" -m immediate stop > /dev/null 2>&1
  rm -rf "$scratch"
}
trap cleanup EXIT

# The CronJob container that runs pg_dump: its shell command.
(cd "$VALIDATE_DIR" && node --input-type=module -e '
import yaml from "js-yaml"; import fs from "fs";
const docs = yaml.loadAll(fs.readFileSync(process.argv[1], "utf8")).filter(Boolean);
const cron = docs.find((d) => d.kind === "CronJob" && d.metadata.name === "ohlcv-rag-backup");
const c = cron.spec.jobTemplate.spec.template.spec.containers.find((x) => JSON.stringify(x.command).includes("pg_dump"));
if (c.command[0] !== "sh" || c.command[1] !== "-c") throw new Error("expected sh -c: " + JSON.stringify(c.command));
process.stdout.write(c.command[2]);
' "$RENDERED") > "$scratch/cron.sh" || { t_fail "could not read the CronJob from $RENDERED"; t_done; exit 1; }
grep -q '/backup' "$scratch/cron.sh" && t_ok "CronJob command read: $(head -c 60 "$scratch/cron.sh")..." ||
  t_fail "CronJob command does not write under /backup"
sed -i "s#/backup#$scratch/backup#g" "$scratch/cron.sh"

# A scratch server with the ConfigMap's role and database.
pw="pw-$RANDOM$RANDOM"
mkdir -p "$scratch/pgdata" "$scratch/run" "$scratch/backup" && chown postgres "$scratch/pgdata" "$scratch/run"
runuser -u postgres -- "$PGBIN/initdb" -D "$scratch/pgdata" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
  > "$scratch/initdb.log" 2>&1 || { t_fail "initdb: $(tail -3 "$scratch/initdb.log")"; t_done; exit 1; }
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$scratch/pgdata" -w -l "$scratch/run/pg.log" \
  -o "-p $port -k $scratch/run -c listen_addresses=127.0.0.1" start > /dev/null ||
  { t_fail "postgres did not start: $(tail -3 "$scratch/run/pg.log")"; t_done; exit 1; }
psql_admin() { runuser -u postgres -- "$PGBIN/psql" -h "$scratch/run" -p "$port" -U postgres -qAt -v ON_ERROR_STOP=1 "$@"; }
psql_admin -d postgres -c "CREATE ROLE ohlcv LOGIN PASSWORD '$pw'" -c "CREATE DATABASE ohlcv OWNER ohlcv" ||
  { t_fail "could not create role/database"; t_done; exit 1; }
url_of_render=$(grep -m1 'OHLCV_DATABASE_URL: ' "$RENDERED" | sed 's/.*OHLCV_DATABASE_URL: //')
url=$(sed -E "s#@[^/]+/#@127.0.0.1:$port/#" <<< "$url_of_render")
[[ "$url" == postgresql://ohlcv@127.0.0.1:$port/ohlcv ]] && t_ok "ConfigMap URL $url_of_render -> $url" ||
  t_fail "unexpected OHLCV_DATABASE_URL $url_of_render"
psql_db() { PGPASSWORD=$pw "$PGBIN/psql" "$url" -qAt -v ON_ERROR_STOP=1 "$@"; }
psql_db -c "CREATE TABLE bars (ticker text, ts bigint, close double precision, PRIMARY KEY (ticker, ts))" \
  -c "INSERT INTO bars SELECT 'BK' || (i % 3), i, i * 1.5 FROM generate_series(1, 3000) i" ||
  { t_fail "could not load bars"; t_done; exit 1; }
before=$(psql_db -c "SELECT count(*) || ' ' || sum(close) FROM bars")

# Older dumps: 8 finished ones and one left unfinished by a crash.
for d in 20200101 20200102 20200103 20200104 20200105 20200106 20200107 20200108; do
  echo x > "$scratch/backup/postgres-${d}T031700Z.dump"
done
echo x > "$scratch/backup/postgres-20200109T031700Z.dump.partial"
if OHLCV_DATABASE_URL=$url PGPASSWORD=$pw PATH="$PGBIN:$PATH" sh -c "$(cat "$scratch/cron.sh")" > "$scratch/cron.log" 2>&1; then
  t_ok "CronJob command exits 0: $(tail -n 1 "$scratch/cron.log" | cut -c1-100)"
else
  t_fail "CronJob command failed: $(tail -5 "$scratch/cron.log")"
fi
mapfile -t kept < <(ls -1 "$scratch"/backup/postgres-*.dump 2> /dev/null | sort)
new=${kept[${#kept[@]}-1]:-}
[[ ${#kept[@]} -eq 7 ]] && t_ok "7 dumps kept" || t_fail "${#kept[@]} dumps kept: ${kept[*]##*/}"
[[ -z "$(ls "$scratch"/backup/*.partial 2> /dev/null)" ]] && t_ok "unfinished dump (*.partial) removed" ||
  t_fail "unfinished dump still there"
[[ "$new" =~ /postgres-[0-9]{8}T[0-9]{6}Z\.dump$ && "$new" != *2020010* ]] && t_ok "new dump ${new##*/}" ||
  t_fail "no new dump: $new"

# Restore as docs/deployment.md says, over a database that changed meanwhile.
psql_db -c "DELETE FROM bars WHERE ticker = 'BK1'" -c "INSERT INTO bars VALUES ('ZZZ', 1, 1)"
if PGPASSWORD=$pw "$PGBIN/pg_restore" --clean --if-exists --no-owner --dbname="$url" "$new" > "$scratch/restore.log" 2>&1; then
  t_ok "pg_restore --clean --if-exists --no-owner exits 0"
else
  t_fail "pg_restore: $(tail -3 "$scratch/restore.log")"
fi
after=$(psql_db -c "SELECT count(*) || ' ' || sum(close) FROM bars")
[[ "$after" == "$before" ]] && t_ok "restored bars: $after (count, sum of close)" || t_fail "restored '$after' vs '$before'"
t_done
