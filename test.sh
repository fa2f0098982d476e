#!/usr/bin/env bash
# Runs every test: domain, integration (SQLite and PostgreSQL), browser (Chromium), migrations check.
# With no PINGYI_TEST_POSTGRES it starts a throwaway PostgreSQL itself; it installs Chromium with apt
# when it is missing. Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)
work=$(mktemp -d)
pg_data=""
pg_bin=""

cleanup() {
  if [ -n "$pg_data" ] && [ -f "$pg_data/postmaster.pid" ]; then
    as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work" "$pg_data"
}
trap cleanup EXIT

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

need_apt() {
  [ "$(id -u)" -eq 0 ] || { echo "test.sh: '$1' is missing; install it (apt-get install $2) or run as root." >&2; exit 1; }
  if [ ! -f "$work/apt-updated" ]; then apt-get update -qq >/dev/null && touch "$work/apt-updated"; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $2 >/dev/null
}

# Chromium for the Playwright tests (never a downloaded browser build), with CJK fonts for screenshots.
if [ -z "${PINGYI_CHROMIUM:-}" ]; then
  command -v chromium >/dev/null 2>&1 || need_apt chromium "chromium chromium-l10n fonts-noto-cjk"
  export PINGYI_CHROMIUM=$(command -v chromium)
fi

# A throwaway PostgreSQL unless the caller named one.
if [ -z "${PINGYI_TEST_POSTGRES:-}" ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$pg_bin" ]; then need_apt initdb postgresql; pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1); fi
  port=55432
  while (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$((port + 1)); done
  pg_data=$(mktemp -d)
  [ "$(id -u)" -eq 0 ] && chown postgres: "$pg_data"
  as_pg "$pg_bin/initdb" -D "$pg_data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$work/initdb.log" 2>&1 \
    || { cat "$work/initdb.log"; echo "test.sh: initdb failed" >&2; exit 1; }
  # Tests create and drop many small databases: durability is not what they measure.
  as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_data -c fsync=off -c synchronous_commit=off -c max_connections=300" start >/dev/null \
    || { cat "$pg_data/log"; echo "test.sh: PostgreSQL did not start" >&2; exit 1; }
  as_pg psql -h "$pg_data" -p "$port" -U postgres -qc "CREATE ROLE pingyi LOGIN PASSWORD 'pingyi' CREATEDB; GRANT pg_signal_backend TO pingyi" >/dev/null
  export PINGYI_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=pingyi;Password=pingyi;Database=postgres"
  echo "test.sh: throwaway PostgreSQL on 127.0.0.1:$port"
fi

dotnet tool restore >/dev/null
if ! dotnet build PingYi.sln -c Release -nologo -v q -clp:ErrorsOnly >"$work/build.log" 2>&1; then
  cat "$work/build.log"
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0
failed=0

# The model and the migrations of both providers must agree.
for provider in Postgres Sqlite; do
  if dotnet ef migrations has-pending-model-changes --no-build --configuration Release \
      --project "migrations/PingYi.Migrations.$provider" --startup-project "migrations/PingYi.Migrations.$provider" >"$work/ef-$provider.log" 2>&1; then
    echo "Migrations ($provider): up to date"
    passed=$((passed + 1))
  else
    cat "$work/ef-$provider.log"
    echo "Migrations ($provider): the model has changes without a migration; run migrations/add-migration.sh NAME"
    failed=$((failed + 1))
  fi
done

dotnet test PingYi.sln -c Release --no-build --nologo 2>&1 | tee "$work/test.log"
test_status=${PIPESTATUS[0]}

while read -r p f; do
  passed=$((passed + p)); failed=$((failed + f))
done < <(grep -E '^\s*(Passed|Failed)!' "$work/test.log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+).*/\2 \1/')

# A test host that crashed prints no summary: count it as a failure rather than as nothing.
if [ "$test_status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$test_status" -eq 0 ]
