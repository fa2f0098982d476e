#!/usr/bin/env bash
# PingYi intake benchmark: the app on PostgreSQL, load from a separate process on 127.0.0.1.
#
#   tests/PingYi.Benchmarks/run.sh [benchmark options]      e.g. --connections 32 --duration 20
#
# Starts a throwaway PostgreSQL (default settings, fsync on) unless PINGYI_BENCH_POSTGRES names one
# (an Npgsql connection string to a maintenance database, as a role that may CREATE DATABASE), creates a
# fresh database, builds Release, starts the app, and runs in one go: the raw INSERT ceiling, the
# closed-loop intake, the ceiling again, the open loop at 200 req/s and three reference points. Prints a
# summary and stops everything it started. About 2½ minutes plus the build. Not part of ./test.sh.
# See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
work=$(mktemp -d)
pg_data=""
pg_bin=""
app_pid=""
maint=""
db_name="pingyi_bench_$(date +%s)_$$"

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

bench() {
  dotnet "$root/tests/PingYi.Benchmarks/bin/Release/net10.0/PingYi.Benchmarks.dll" "$@"
}

cleanup() {
  set +e
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
    kill "$app_pid"
    for _ in $(seq 1 50); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$app_pid" 2>/dev/null
  fi
  if [ -n "$maint" ] && [ -z "$pg_data" ]; then
    bench drop-db --pg "$maint" --database "$db_name" >/dev/null 2>&1
  fi
  if [ -n "$pg_data" ] && [ -f "$pg_data/postmaster.pid" ]; then
    as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1
  fi
  rm -rf "$work" ${pg_data:+"$pg_data"}
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$(( 20000 + RANDOM % 30000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "run.sh: no free port found" >&2; exit 1
}

echo "== build (Release)"
# PINGYI_BENCH_APP_CONNECTION_OPTIONS is appended to the app's connection string (e.g. "No Reset On Close=true").
# PINGYI_BENCH_APP_DLL runs another build of the app (say, a branch's Release output) instead of this tree's.
app_dll="${PINGYI_BENCH_APP_DLL:-$root/src/PingYi.Web/bin/Release/net10.0/PingYi.Web.dll}"
if [ -z "${PINGYI_BENCH_APP_DLL:-}" ]; then
  dotnet build -c Release -v q -nologo "$root/src/PingYi.Web/PingYi.Web.csproj" >"$work/build-web.log" 2>&1 \
    || { cat "$work/build-web.log"; exit 1; }
fi
dotnet build -c Release -v q -nologo "$root/tests/PingYi.Benchmarks/PingYi.Benchmarks.csproj" >"$work/build-bench.log" 2>&1 \
  || { cat "$work/build-bench.log"; exit 1; }

if [ -n "${PINGYI_BENCH_POSTGRES:-}" ]; then
  echo "== PostgreSQL from PINGYI_BENCH_POSTGRES"
  maint="$PINGYI_BENCH_POSTGRES"
else
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$pg_bin" ] || { echo "run.sh: PostgreSQL is not installed (apt-get install postgresql) and PINGYI_BENCH_POSTGRES is not set" >&2; exit 1; }
  pg_port=$(free_port)
  pg_data=$(mktemp -d)
  echo "== throwaway PostgreSQL ($pg_bin, port $pg_port, data $pg_data)"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$pg_data"
  as_pg "$pg_bin/initdb" -D "$pg_data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log"; exit 1; }
  # Default settings, fsync on: the ceiling must pay for durable commits like the app does.
  as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_data" start >/dev/null
  as_pg psql -h "$pg_data" -p "$pg_port" -U postgres -qc "CREATE ROLE pingyi LOGIN PASSWORD 'pingyi' CREATEDB"
  maint="Host=127.0.0.1;Port=$pg_port;Username=pingyi;Password=pingyi;Database=postgres"
fi

bench create-db --pg "$maint" --database "$db_name"
conn=$(echo "$maint" | sed -E "s/(^|;)Database=[^;]*//I");
conn="$conn;Database=$db_name"

app_port=$(free_port)
echo "== app on http://127.0.0.1:$app_port (database $db_name)"
ASPNETCORE_ENVIRONMENT=Benchmark \
Database__Provider=Postgres \
ConnectionStrings__PingYi="$conn${PINGYI_BENCH_APP_CONNECTION_OPTIONS:+;$PINGYI_BENCH_APP_CONNECTION_OPTIONS}" \
Demo__Seed=true \
RateLimits__IntakePerMinute=1000000 \
RateLimits__LookupPerMinute=1000000 \
Logging__LogLevel__Default=Warning \
  dotnet "$app_dll" --urls "http://127.0.0.1:$app_port" \
  >"$work/app.log" 2>&1 &
app_pid=$!

for i in $(seq 1 120); do
  if curl -fs -o /dev/null "http://127.0.0.1:$app_port/healthz"; then break; fi
  if ! kill -0 "$app_pid" 2>/dev/null; then echo "run.sh: the app exited:" >&2; cat "$work/app.log" >&2; exit 1; fi
  [ "$i" -lt 120 ] || { echo "run.sh: the app did not become healthy in 60 s" >&2; cat "$work/app.log" >&2; exit 1; }
  sleep 0.5
done

if [ -z "${PINGYI_BENCH_APP_DLL:-}" ] && git -C "$root" rev-parse --short HEAD >/dev/null 2>&1; then
  dirty=""; git -C "$root" diff --quiet HEAD -- src migrations 2>/dev/null || dirty=" + uncommitted changes under src/ or migrations/"
  echo "== app built from commit $(git -C "$root" rev-parse --short HEAD)$dirty"
fi
echo "== load (about 2 minutes)"
pids=(--app-pid "$app_pid")
if [ -n "$pg_data" ]; then pids+=(--pg-pid "$(head -n 1 "$pg_data/postmaster.pid")"); fi
bench all --url "http://127.0.0.1:$app_port" --pg "$conn" "${pids[@]}" "$@"

# On a fresh database EF Core logs one failed query for the missing __EFMigrationsHistory table: expected.
problems=$(awk '
  /^[a-z]+: / { flush(); inblock = ($1 == "fail:" || $1 == "crit:"); block = ""; }
  inblock { block = block $0 "\n" }
  function flush() { if (block != "" && block !~ /__EFMigrationsHistory/) printf "%s", block; block = "" }
  END { flush() }' "$work/app.log")
if [ -n "$problems" ]; then
  echo
  echo "== the app logged errors (first lines):"
  echo "$problems" | head -n 20
fi
