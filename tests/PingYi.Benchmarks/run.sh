#!/usr/bin/env bash
# PingYi benchmarks: the app on PostgreSQL, load from a separate process on 127.0.0.1.
#
#   tests/PingYi.Benchmarks/run.sh [--parts intake,pages,sweep,scoring,soak,triage,restart,failover,twonode] [benchmark options]
#
# Parts (all five by default, in this order):
#   intake  the raw INSERT ceiling (pgbench and a .NET client), the closed-loop intake, the open loop at 200 req/s
#           and the reference points; about 3 minutes.
#   pages   a database of 1,000,000 complaints (the COPY generator), then start-up time to a healthy /healthz and
#           the idle app's memory, then every staff page and list filter one request at a time (p50/p95), and the
#           plans of their statements (auto_explain) written to $PINGYI_BENCH_PLANS (default: a temporary file);
#           about 10 minutes.
#   sweep   timer sweeps on 1,000,000 open complaints with 10,000 due, and on 100,000 open with the same 10,000
#           due: one cold (right after start-up) and three warm per database; the ratio of the warm medians;
#           about 10 minutes.
#   scoring a round over 1,000,000 complaints and 200 units with evaluation inputs for every source: all scores and
#           ranks through the rankings API's handler against a raw SQL GROUP BY over the same rows, alternately,
#           median of PINGYI_BENCH_SCORING_REPEAT (default 3); in its own database; about 5 minutes.
#   soak    the mixed soak on a fresh database: 1 intake : 5 lookups : 10 staff reads : 2 workflow actions in one
#           open loop at 200 req/s for 10 minutes after a 60 s warm-up ramping up to that rate, not counted (--duration S and --rate R change that;
#           PINGYI_BENCH_SOAK_WARMUP the warm-up); p99 per kind, errors, and the app's working set every 10 s with a
#           flat/not-flat verdict on the last 5 minutes; about 12 minutes.
#   triage  (not in the default list) issue 24's triage suggestions, in process and without a database: top-1/top-3
#           accuracy on the labelled set (nothing learnt; after learning from half), similar-complaint recall and
#           precision at the default threshold (and a threshold sweep), suggestion latency p50/p95 with
#           PINGYI_BENCH_TRIAGE_COMPLAINTS (default 1,000,000) complaints in the index against segmenting the text alone;
#           about 15 minutes at 1,000,000.
#   restart (not in the default list) issue 26: `pg_ctl restart -m fast` while four writers lodge complaints and the
#           timer sweep runs (300 timers due): answers counted (201 / 503 with Retry-After / other), acknowledged
#           complaints looked up afterwards (lost), seconds from the server's return to the next 201, timers fired twice;
#           about 2 minutes after the template. Needs the throwaway PostgreSQL (not PINGYI_BENCH_POSTGRES).
#   failover (not in the default list) the same load on a primary with a streaming replica (initdb, pg_basebackup -R) in
#           clusters of its own; the app's connection string names both hosts with Target Session Attributes=primary;
#           the primary is stopped (-m fast) and the replica promoted; same counts; about 3 minutes.
#   twonode (not in the default list) two app nodes on one database behind nginx (installed from the Debian packages
#           when missing and run as root) with deploy/nginx/pingyi.conf, ports and certificate filled in: lodging
#           through the proxy lands on both nodes, one node stopped (SIGTERM) mid-load loses nothing acknowledged, a
#           sign-in on one node works on the other (bearer token, refresh token, cookie + antiforgery token: the Data
#           Protection keys are in the database), due timers fire once with both nodes' jobs on; about 3 minutes.
# Starts a throwaway PostgreSQL (default settings, fsync on, auto_explain loaded but off) unless PINGYI_BENCH_POSTGRES
# names one (an Npgsql connection string to a maintenance database, as a role that may CREATE DATABASE; then no plans
# are captured), creates fresh databases, builds Release, starts the app per database, prints a summary with the
# ratios last and stops everything it started. Not part of ./test.sh. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
work=$(mktemp -d)
pg_data=""
pg_bin=""
pg_admin=""
app_pid=""
maint=""
db_name="pingyi_bench_$(date +%s)_$$"
parts="intake,pages,sweep,scoring,soak"
if [ "${1:-}" = "--parts" ]; then parts="$2"; shift 2; fi
summary="$work/summary"
: >"$summary"
: >"$work/app.log"   # the scoring part alone starts no app; the error scan at the end reads this file anyway
has_part() { case ",$parts," in *",$1,"*) return 0;; *) return 1;; esac; }

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

bench() {
  dotnet "$root/tests/PingYi.Benchmarks/bin/Release/net10.0/PingYi.Benchmarks.dll" "$@"
}

extra_pids=()     # more app nodes and nginx (twonode)
extra_clusters=() # the failover part's primary and replica, nginx's directory
cleanup() {
  set +e
  for p in "${extra_pids[@]}"; do kill "$p" 2>/dev/null; done
  for d in "${extra_clusters[@]}"; do
    [ -f "$d/postmaster.pid" ] && as_pg "$pg_bin/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$d"
  done
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
    kill "$app_pid"
    for _ in $(seq 1 50); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$app_pid" 2>/dev/null
  fi
  if [ -n "$maint" ] && [ -z "$pg_data" ]; then
    for d in "$db_name" "${db_name}_template" "${db_name}_pages" "${db_name}_sweep_1000000" "${db_name}_sweep_100000" "${db_name}_soak" "${db_name}_restart" "${db_name}_twonode"; do
      bench drop-db --pg "$maint" --database "$d" >/dev/null 2>&1
    done
  fi
  if [ -n "$pg_data" ] && [ -f "$pg_data/postmaster.pid" ]; then
    as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1
  fi
  if [ -n "${PINGYI_BENCH_KEEP_LOGS:-}" ]; then
    # PostgreSQL's log too: its checkpoint lines tell whether a latency spike was the database flushing.
    [ -n "$pg_data" ] && cp "$pg_data/log" "$work/postgres.log" 2>/dev/null
    cp -r "$work" "$PINGYI_BENCH_KEEP_LOGS" 2>/dev/null
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
# PINGYI_BENCH_APP_ENV adds environment assignments to the app only (e.g. "DOTNET_TieredPGO=0"), to A/B runtime settings.
app_dll="${PINGYI_BENCH_APP_DLL:-$root/src/PingYi.Web/bin/Release/net10.0/PingYi.Web.dll}"
if [ -z "${PINGYI_BENCH_APP_DLL:-}" ]; then
  dotnet build -c Release -v q -nologo "$root/src/PingYi.Web/PingYi.Web.csproj" >"$work/build-web.log" 2>&1 \
    || { cat "$work/build-web.log"; exit 1; }
fi
dotnet build -c Release -v q -nologo "$root/tests/PingYi.Benchmarks/PingYi.Benchmarks.csproj" >"$work/build-bench.log" 2>&1 \
  || { cat "$work/build-bench.log"; exit 1; }

if has_part triage; then
  echo "== triage: suggestions on the labelled set, then latency at ${PINGYI_BENCH_TRIAGE_COMPLAINTS:-1000000} complaints"
  bench triage --complaints "${PINGYI_BENCH_TRIAGE_COMPLAINTS:-1000000}" | tee "$work/triage.log"
  grep -E '^triage, (accuracy|similar,|latency|index)' "$work/triage.log" >>"$summary" || true
  if [ "$parts" = "triage" ]; then
    # The only part asked for needs no database and no app.
    echo
    echo "==================== all parts: $parts ===================="
    cat "$summary"
    exit 0
  fi
fi

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
  # Default settings, fsync on: the ceiling must pay for durable commits like the app does. auto_explain is
  # loaded but logs nothing until the pages part switches it on for one request per page.
  # PINGYI_BENCH_PG_OPTIONS adds server settings for an A/B (e.g. "-c checkpoint_timeout=30min -c max_wal_size=4GB").
  as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_data -c shared_preload_libraries=auto_explain -c log_autovacuum_min_duration=0 ${PINGYI_BENCH_PG_OPTIONS:-}" start >/dev/null
  chmod o+r "$pg_data/log"
  pg_admin="Host=$pg_data;Port=$pg_port;Username=postgres;Database=postgres"
  as_pg psql -h "$pg_data" -p "$pg_port" -U postgres -qc "CREATE ROLE pingyi LOGIN PASSWORD 'pingyi' CREATEDB"
  maint="Host=127.0.0.1;Port=$pg_port;Username=pingyi;Password=pingyi;Database=postgres"
fi


# start_app DB [extra env assignments…]: starts the app on database DB, waits for a healthy /healthz, sets app_pid,
# app_port and app_started (seconds from process start to healthy).
start_app() {
  local db="$1"; shift
  local c
  c=$(echo "$maint" | sed -E "s/(^|;)Database=[^;]*//I")
  c="$c;Database=$db"
  app_port=$(free_port)
  local t0; t0=$(date +%s.%N)
  # Development: the demo accounts and units the load signs in with are only ever seeded there (and plain http
  # and throwaway Data Protection keys are accepted); logging is cut to warnings as in production.
  env ASPNETCORE_ENVIRONMENT=Development \
    Database__Provider=Postgres \
    ConnectionStrings__PingYi="$c${PINGYI_BENCH_APP_CONNECTION_OPTIONS:+;$PINGYI_BENCH_APP_CONNECTION_OPTIONS}" \
    Demo__Seed=true \
    RateLimits__IntakePerMinute=1000000 \
    RateLimits__LookupPerMinute=1000000 \
    RateLimits__ApiPerMinute=1000000 \
    Logging__LogLevel__Default=Warning \
    ${PINGYI_BENCH_APP_ENV:-} \
    "$@" \
    dotnet "$app_dll" --urls "http://127.0.0.1:$app_port" >>"$work/app.log" 2>&1 &
  app_pid=$!
  for i in $(seq 1 1200); do
    if curl -fs -o /dev/null "http://127.0.0.1:$app_port/healthz"; then break; fi
    if ! kill -0 "$app_pid" 2>/dev/null; then echo "run.sh: the app exited:" >&2; tail -n 50 "$work/app.log" >&2; exit 1; fi
    [ "$i" -lt 1200 ] || { echo "run.sh: the app did not become healthy in 10 minutes" >&2; tail -n 50 "$work/app.log" >&2; exit 1; }
    sleep 0.5
  done
  app_started=$(echo "$(date +%s.%N) - $t0" | bc)
  app_conn="$c"
}

stop_app() {
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
    kill "$app_pid"
    for _ in $(seq 1 100); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$app_pid" 2>/dev/null || true
  fi
  app_pid=""
}

# new_db NAME: a fresh database, migrated and demo-seeded: a copy of one database the app seeded once (Jobs off),
# since a start with the demo seed takes minutes on a loaded 2-core machine (password hashing, evaluation demo).
template=""
ensure_template() {
  if [ -z "$template" ]; then
    template="${db_name}_template"
    bench create-db --pg "$maint" --database "$template"
    start_app "$template" Jobs__Enabled=false
    stop_app
  fi
}
new_db() {
  ensure_template
  bench create-db --pg "$maint" --database "$1" --template "$template"
}

rss_mb() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

if [ -z "${PINGYI_BENCH_APP_DLL:-}" ] && git -C "$root" rev-parse --short HEAD >/dev/null 2>&1; then
  dirty=""; git -C "$root" diff --quiet HEAD -- src migrations 2>/dev/null || dirty=" + uncommitted changes under src/ or migrations/"
  echo "== app built from commit $(git -C "$root" rev-parse --short HEAD)$dirty"
fi

if has_part intake; then
  bench create-db --pg "$maint" --database "$db_name"
  start_app "$db_name"
  conn="$app_conn"
  echo "== intake: app on http://127.0.0.1:$app_port (database $db_name)"
  pids=(--app-pid "$app_pid")
  if [ -n "$pg_data" ]; then pids+=(--pg-pid "$(head -n 1 "$pg_data/postmaster.pid")"); fi
  # pgbench, PostgreSQL's own client, is the ceiling the target is stated against: 16 clients, one complaint-sized
  # single-row INSERT per transaction (the same row as the .NET ceiling; txid_current() makes the tracking number
  # unique), prepared, fsync on. Run right before and right after the app's load; the ratio uses their mean.
  pgbench_tps() {
    [ -n "$pg_bin" ] || { echo 0; return; }
    local c; c=$(echo "$1" | tr ';' '\n')
    local host port user pass dbn
    host=$(echo "$c" | sed -n 's/^Host=//Ip'); port=$(echo "$c" | sed -n 's/^Port=//Ip')
    user=$(echo "$c" | sed -n 's/^Username=//Ip'); pass=$(echo "$c" | sed -n 's/^Password=//Ip'); dbn=$(echo "$c" | sed -n 's/^Database=//Ip')
    PGPASSWORD="$pass" "$pg_bin/pgbench" -n -M prepared -c 16 -j 2 -T "${PINGYI_BENCH_PGBENCH_SECONDS:-12}" -f "$work/ceiling.sql" \
      -h "$host" -p "$port" -U "$user" "$dbn" 2>&1 | tee -a "$work/pgbench.log" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -n 1
  }
  unit_id=$(PGPASSWORD=pingyi psql -h 127.0.0.1 -p "${pg_port:-5432}" -U pingyi -d "$db_name" -Atc "SELECT \"Id\" FROM \"Units\" WHERE \"Code\" = 'jyt'" 2>/dev/null || echo 1)
  cat >"$work/ceiling.sql" <<SQL
INSERT INTO "Complaints" ("TrackingNumber", "AccessCodeHash", "Channel", "Category", "UnitId", "Title",
    "Description", "OccurredOn", "Location", "Anonymous", "Status", "WorkflowId", "WorkflowVersion",
    "SubmittedAtUtc", "UpdatedAtUtc", "Version")
VALUES ('PGB-' || txid_current(), 'v1\$k3mP0Xq9d2Zc8Hh1Jv7YwA==\$Jx0rG2fV9sQ3bZ5nL8tW1yC4mD6pH7kE0uA2iO9eR3s=', 2, 1, $unit_id,
    '压测 pgbench：窗口办事要求重复提交材料', '本人于上周二到省政务服务中心窗口办理营业执照变更，工作人员要求提交已在系统中上传过的同一份材料的纸质件三份，并称这是内部规定，但无法出示任何书面依据。当天往返两次仍未办结，窗口还要求下周再来。希望有关部门核实窗口是否存在重复要求提交材料、推诿拖延的情况，并督促整改，减少群众跑腿次数。',
    NULL, '省政务服务中心三楼', TRUE, 1, 'complaint-handling', 2, now(), now(), 0);
SQL
  pgb1=$(pgbench_tps "$conn")
  echo "== pgbench ceiling (before): ${pgb1:-n/a} tps"
  bench all --url "http://127.0.0.1:$app_port" --pg "$conn" "${pids[@]}" --summary "$summary" "$@"
  pgb2=$(pgbench_tps "$conn")
  echo "== pgbench ceiling (after): ${pgb2:-n/a} tps"
  python3 - "$summary" "${pgb1:-0}" "${pgb2:-0}" >>"$summary" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rate = float(re.search(r"intake, accepted complaints/s:\s+([0-9.]+)", text).group(1))
b, a = float(sys.argv[2]), float(sys.argv[3])
if b > 0 and a > 0:
    m = (a + b) / 2
    print(f"pgbench ceiling, single-row INSERT tps: {m:.1f}   (before {b:.1f}, after {a:.1f}; 16 clients, prepared, fsync on)")
    print(f"intake / pgbench ceiling:            {rate / m * 100:.1f} %   target >= 50 % -> {'MET' if rate / m >= 0.5 else 'NOT MET'}")
    rows = re.search(r"second ceiling, a complaint's rows in one transaction \(raw SQL\): ([0-9.]+)/s", text)
    if rows:
        r = float(rows.group(1))
        print(f"second ceiling (a complaint's rows, one transaction) / pgbench ceiling: {r / m * 100:.1f} %; intake / second ceiling: {rate / r * 100:.1f} %")
PY
  stop_app
fi

if has_part pages; then
  echo "== pages: generating 1,000,000 complaints (a few minutes)"
  new_db "${db_name}_pages"
  t0=$(date +%s)
  bench generate --pg "$(echo "$maint" | sed -E "s/(^|;)Database=[^;]*//I");Database=${db_name}_pages"
  gen_s=$(( $(date +%s) - t0 ))
  # No demo seed on this start: the template has the accounts; start-up is then what a real deployment does.
  start_app "${db_name}_pages" Jobs__Enabled=false Demo__Seed=false
  sleep 10
  idle_rss=$(rss_mb "$app_pid")
  echo "== start-up on 1,000,000 complaints: healthy after ${app_started} s; idle working set ${idle_rss} MB"
  plans="${PINGYI_BENCH_PLANS:-$work/plans.md}"
  plan_opts=()
  if [ -n "$pg_admin" ]; then plan_opts=(--pg-admin "$pg_admin" --pg-log "$pg_data/log" --plans "$plans"); fi
  bench pages --url "http://127.0.0.1:$app_port" --pg "$app_conn" "${plan_opts[@]}" --summary "$summary"
  {
    echo "generator: 1,000,000 complaints with contacts and timelines in ${gen_s} s"
    echo "start-up to a healthy /healthz on 1,000,000 complaints: ${app_started} s; idle working set ${idle_rss} MB"
  } >>"$summary"
  stop_app
  [ -n "$pg_admin" ] && echo "== plans: $plans"
fi

if has_part sweep; then
  for n in 1000000 100000; do
    echo "== sweep: $n open complaints, 10,000 due"
    new_db "${db_name}_sweep_$n"
    bench generate --shape open --complaints "$n" --due 10000 --pg "$(echo "$maint" | sed -E "s/(^|;)Database=[^;]*//I");Database=${db_name}_sweep_$n"
    start_app "${db_name}_sweep_$n" Jobs__Enabled=false Demo__Seed=false
    bench sweep --url "http://127.0.0.1:$app_port" --pg "$app_conn" --rounds 4 --summary "$work/sweep_$n"
    stop_app
  done
  python3 - "$work/sweep_1000000" "$work/sweep_100000" >>"$summary" <<'PY'
import sys
(big, big_cold), (small, small_cold) = ([float(x) for x in open(f).read().split()[:2]] for f in sys.argv[1:3])
print(f"sweep, 10,000 due among 1,000,000 open: {big:.2f} s warm (median), {big_cold:.2f} s cold   target <= 5 s -> {'MET' if big <= 5 else 'NOT MET'}")
print(f"sweep, 10,000 due among 100,000 open:   {small:.2f} s warm (median), {small_cold:.2f} s cold")
print(f"sweep ratio 1M / 100k (warm):           {big / small:.2f}   target <= 1.5 -> {'MET' if big / small <= 1.5 else 'NOT MET'}")
PY
fi

if has_part scoring; then
  echo "== scoring: a round over 1,000,000 complaints and 200 units (loading takes a few minutes)"
  bench scoring --pg "$maint" --repeat "${PINGYI_BENCH_SCORING_REPEAT:-3}" | tee "$work/scoring.log"
  grep '^scoring, ' "$work/scoring.log" >>"$summary" || true
fi

soak_rc=0
if has_part soak; then
  bench create-db --pg "$maint" --database "${db_name}_soak"
  # The app as the intake part starts it (demo seed, jobs on: the timer sweep and the outbox run during the soak).
  # Only the intake and lookup limits are raised (start_app): the staff lists, pages and actions have none, and
  # the two sign-ins (supervisor, one handler; renewed every 10 minutes) stay far under the login limits.
  start_app "${db_name}_soak"
  echo "== soak: app on http://127.0.0.1:$app_port (database ${db_name}_soak), working set at the start $(rss_mb "$app_pid") MB"
  pids=(--app-pid "$app_pid")
  if [ -n "$pg_data" ]; then pids+=(--pg-pid "$(head -n 1 "$pg_data/postmaster.pid")"); fi
  bench soak --url "http://127.0.0.1:$app_port" --pg "$app_conn" "${pids[@]}" --warmup "${PINGYI_BENCH_SOAK_WARMUP:-60}" \
    --summary "$summary" "$@" || soak_rc=$?
  stop_app
fi

# Issue 26: the parts that take something away under load (bench outage; see Outage.cs). Each database is the
# template's copy with 300 complaints whose timer is due now (the generator's open shape), so the sweep that runs while
# the database or a node goes away has work to do, and each timer must fire once.
outage_rc=0
pg_as_prefix=""; [ "$(id -u)" -eq 0 ] && pg_as_prefix="runuser -u postgres -- "
due_timers() { bench generate --shape open --complaints 3000 --due 300 --units 10 --pg "$1" >"$work/generate-due.log" 2>&1 || { cat "$work/generate-due.log"; exit 1; }; }

if has_part restart; then
  if [ -z "$pg_data" ]; then
    echo "== restart: skipped (it restarts the throwaway PostgreSQL; PINGYI_BENCH_POSTGRES names a server of someone else's)"
    echo "restart: SKIPPED (PINGYI_BENCH_POSTGRES is set)" >>"$summary"
  else
    new_db "${db_name}_restart"
    start_app "${db_name}_restart"
    due_timers "$app_conn"
    echo "== restart: pg_ctl restart -m fast under 4 writers (app on http://127.0.0.1:$app_port)"
    bench outage --label restart --url "http://127.0.0.1:$app_port" --pg "$app_conn" --summary "$summary" \
      --disrupt "${pg_as_prefix}$pg_bin/pg_ctl -D $pg_data -l $pg_data/log -m fast -w -t 120 restart" || outage_rc=1
    stop_app
  fi
fi

if has_part failover; then
  if [ -z "$pg_data" ]; then
    echo "== failover: skipped (needs the throwaway PostgreSQL's binaries and the template in it)"
    echo "failover: SKIPPED (PINGYI_BENCH_POSTGRES is set)" >>"$summary"
  else
    ensure_template
    fo_p1=$(free_port); fo_p2=$(free_port)
    fo_primary=$(mktemp -d); fo_replica=$(mktemp -d)
    extra_clusters+=("$fo_primary" "$fo_replica")
    [ "$(id -u)" -eq 0 ] && chown postgres: "$fo_primary" "$fo_replica"
    echo "== failover: primary on port $fo_p1, streaming replica on $fo_p2"
    as_pg "$pg_bin/initdb" -D "$fo_primary" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$work/initdb-primary.log" 2>&1 || { cat "$work/initdb-primary.log"; exit 1; }
    as_pg "$pg_bin/pg_ctl" -D "$fo_primary" -l "$fo_primary/log" -w -o "-c listen_addresses=127.0.0.1 -p $fo_p1 -k $fo_primary" start >/dev/null
    as_pg psql -h "$fo_primary" -p "$fo_p1" -U postgres -qc "CREATE ROLE pingyi LOGIN PASSWORD 'pingyi' CREATEDB"
    as_pg psql -h "$fo_primary" -p "$fo_p1" -U postgres -qc "CREATE DATABASE pingyi_failover OWNER pingyi"
    # The template (migrated and demo-seeded once) copied over rather than seeded again: that takes minutes.
    PGPASSWORD=pingyi "$pg_bin/pg_dump" -h 127.0.0.1 -p "$pg_port" -U pingyi -Fc "$template" \
      | as_pg "$pg_bin/pg_restore" -h "$fo_primary" -p "$fo_p1" -U postgres --no-owner --role=pingyi -d pingyi_failover
    # wal_level=replica and max_wal_senders=10 are PostgreSQL 15's defaults; initdb allows local replication connections.
    as_pg "$pg_bin/pg_basebackup" -h "$fo_primary" -p "$fo_p1" -U postgres -D "$fo_replica" -R -X stream -c fast
    as_pg "$pg_bin/pg_ctl" -D "$fo_replica" -l "$fo_replica/log" -w -o "-c listen_addresses=127.0.0.1 -p $fo_p2 -k $fo_replica" start >/dev/null
    fo_conn="Host=127.0.0.1:$fo_p1,127.0.0.1:$fo_p2;Username=pingyi;Password=pingyi;Target Session Attributes=primary;Database=postgres"
    saved_maint="$maint"; maint="$fo_conn"
    start_app pingyi_failover
    maint="$saved_maint"
    due_timers "$app_conn"
    echo "== failover: stop the primary (-m fast), promote the replica, under 4 writers (app on http://127.0.0.1:$app_port)"
    bench outage --label failover --url "http://127.0.0.1:$app_port" --pg "$app_conn" --summary "$summary" \
      --disrupt "${pg_as_prefix}$pg_bin/pg_ctl -D $fo_primary -m fast -w stop && ${pg_as_prefix}$pg_bin/pg_ctl -D $fo_replica -w promote" \
      || outage_rc=1
    stop_app
  fi
fi

if has_part twonode; then
  # Not "apt-cache … | grep -q": grep leaving early makes apt-cache die of SIGPIPE, and pipefail calls that a failure.
  nginx_candidate=$(apt-cache policy nginx-light 2>/dev/null | sed -n 's/^ *Candidate: *//p')
  if ! command -v nginx >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && [ -n "$nginx_candidate" ] && [ "$nginx_candidate" != "(none)" ]; then
    echo "== twonode: installing nginx-light from the Debian packages"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; exit 1; }
  fi
  if ! command -v nginx >/dev/null 2>&1; then
    echo "== twonode: skipped: nginx is not installed and cannot be installed here (not root, or no nginx-light package)"
    echo "twonode: SKIPPED (no nginx)" >>"$summary"
  else
    new_db "${db_name}_twonode"
    # Two nodes as deploy/pingyi.env.example sets them behind the proxy; both run the jobs (the sweep among them).
    node_env=(Https__BehindTlsProxy=true ForwardedHeaders__KnownProxies__0=127.0.0.1)
    start_app "${db_name}_twonode" "${node_env[@]}"; node1_pid=$app_pid; node1_port=$app_port; extra_pids+=("$app_pid"); app_pid=""
    start_app "${db_name}_twonode" "${node_env[@]}"; node2_pid=$app_pid; node2_port=$app_port; extra_pids+=("$app_pid"); app_pid=""
    ngx=$(mktemp -d); extra_clusters+=("$ngx"); chmod 755 "$ngx"; mkdir -p "$ngx/tmp"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$ngx/privkey.pem" -out "$ngx/fullchain.pem" -days 1 -subj /CN=127.0.0.1 >/dev/null 2>&1
    px=$(free_port)
    # deploy/'s site as it is, with this run's ports, certificate and a header naming the node that answered.
    sed -e "s/127\.0\.0\.1:5001/127.0.0.1:$node1_port/; s/127\.0\.0\.1:5002/127.0.0.1:$node2_port/" \
        -e "s/listen 443 ssl/listen 127.0.0.1:$px ssl/; s/listen 80;/listen 127.0.0.1:$(free_port);/; /listen \[::\]/d" \
        -e "s#/etc/ssl/pingyi/#$ngx/#" \
        -e "s#^\( *\)ssl_session_timeout.*#&\n\1add_header X-PingYi-Upstream \$upstream_addr always;#" \
        "$root/deploy/nginx/pingyi.conf" >"$ngx/site.conf"
    { [ "$(id -u)" -eq 0 ] && echo "user nobody nogroup;"
      cat <<NGINX
worker_processes 1;
pid $ngx/nginx.pid;
error_log $ngx/error.log warn;
events { worker_connections 512; }
http {
    access_log $ngx/access.log;
    client_body_temp_path $ngx/tmp/body; proxy_temp_path $ngx/tmp/proxy; fastcgi_temp_path $ngx/tmp/fastcgi;
    uwsgi_temp_path $ngx/tmp/uwsgi; scgi_temp_path $ngx/tmp/scgi;
    include $ngx/site.conf;
}
NGINX
    } >"$ngx/nginx.conf"
    [ "$(id -u)" -eq 0 ] && chown -R nobody "$ngx/tmp"
    nginx -p "$ngx" -c "$ngx/nginx.conf" -t >"$work/nginx-t.log" 2>&1 || { cat "$work/nginx-t.log"; exit 1; }
    nginx -p "$ngx" -c "$ngx/nginx.conf" -g 'daemon off;' >>"$work/nginx.log" 2>&1 &
    extra_pids+=("$!")
    for _ in $(seq 1 100); do curl -ksf -o /dev/null "https://127.0.0.1:$px/healthz/live" && break; sleep 0.2; done
    proxy="https://127.0.0.1:$px"
    echo "== twonode: nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') on $proxy in front of nodes :$node1_port and :$node2_port"
    # A sign-in on one node is honoured by the other: a bearer token and a refresh token (API), and the cookie
    # sign-in whose antiforgery token one node made and the other checks. nginx takes turns, so consecutive
    # requests meet both nodes; the header says which answered.
    python3 - "$proxy" "$node1_port" "$node2_port" >>"$summary" <<'PY' || outage_rc=1
import http.cookiejar, json, re, ssl, sys, urllib.error, urllib.parse, urllib.request
proxy, ports = sys.argv[1], set(sys.argv[2:4])
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=ctx), urllib.request.HTTPCookieProcessor(jar), NoRedirect)
seen = []
def call(method, path, body=None, headers=None, form=False):
    data = None
    h = dict(headers or {})
    if body is not None:
        data = urllib.parse.urlencode(body).encode() if form else json.dumps(body).encode()
        h["Content-Type"] = "application/x-www-form-urlencoded" if form else "application/json"
    req = urllib.request.Request(proxy + path, data=data, method=method, headers=h)
    try:
        r = opener.open(req); status, text, hd = r.status, r.read().decode(), r.headers
    except urllib.error.HTTPError as e:
        status, text, hd = e.code, e.read().decode(), e.headers
    node = (hd.get("X-PingYi-Upstream") or "?").rsplit(":", 1)[-1]
    seen.append((path, status, node))
    return status, text, hd
s, t, _ = call("POST", "/api/v1/auth/login", {"email": "supervisor@pingyi.local", "password": "PingYi-Demo-2020"})
tok = json.loads(t) if s == 200 else {}
bearer = {"Authorization": "Bearer " + tok.get("accessToken", "")}
api = [call("GET", "/api/v1/units", headers=bearer)[0] for _ in range(2)]
r1 = call("POST", "/api/v1/auth/refresh", {"refreshToken": tok.get("refreshToken", "")})[0]
s, page, _ = call("GET", "/account/login")
m = re.search(r'name="__RequestVerificationToken"[^>]*value="([^"]+)"', page) or re.search(r'value="([^"]+)"[^>]*name="__RequestVerificationToken"', page)
s, _, hd = call("POST", "/account/login", {"Email": "supervisor@pingyi.local", "Password": "PingYi-Demo-2020", "__RequestVerificationToken": m.group(1) if m else ""}, form=True)
where = hd.get("Location") or ""
staff = [call("GET", "/staff/evaluation")[0] for _ in range(2)]
nodes = {n for _, _, n in seen}
ok = api == [200, 200] and r1 == 200 and s == 302 and "/account/login" not in where and staff == [200, 200] and nodes == ports
print(f"twonode, sign-in across nodes: {'OK' if ok else 'FAILED'} (bearer on both nodes {api}, refresh {r1}, cookie sign-in {s} -> {where or '-'}, "
      f"staff page with the cookie on both nodes {staff}; nodes answering {sorted(nodes)}; requests {len(seen)})")
sys.exit(0 if ok else 1)
PY
    tail -n 1 "$summary"
    echo "== twonode: node :$node2_port stopped (SIGTERM) under 4 writers through the proxy"
    # Both nodes sweep every minute: the timers are made due inside the run (--setup), after its timeline mark.
    bench outage --label twonode --url "$proxy" --insecure --pg "$app_conn" --summary "$summary" \
      --setup "dotnet $root/tests/PingYi.Benchmarks/bin/Release/net10.0/PingYi.Benchmarks.dll generate --shape open --complaints 3000 --due 300 --units 10 --pg '$app_conn' >$work/generate-due.log 2>&1" \
      --disrupt "kill -TERM $node2_pid; for i in \$(seq 1 300); do kill -0 $node2_pid 2>/dev/null || exit 0; sleep 0.1; done; exit 1" \
      || outage_rc=1
    kill "$node1_pid" 2>/dev/null || true
    cp "$ngx/error.log" "$work/nginx-error.log" 2>/dev/null || true
    cp "$ngx/access.log" "$work/nginx-access.log" 2>/dev/null || true
  fi
fi

# On a fresh database EF Core logs one failed query for the missing __EFMigrationsHistory table: expected.
problems=$(awk '
  /^[a-z]+: / { flush(); inblock = ($1 == "fail:" || $1 == "crit:"); block = ""; }
  inblock { block = block $0 "\n" }
  function flush() { if (block != "" && block !~ /__EFMigrationsHistory/) printf "%s", block; block = "" }
  END { flush() }' "$work/app.log")
if [ -n "$problems" ]; then
  echo
  echo "== the app logged errors (first lines):"
  # Not "echo | head": with pipefail, head closing the pipe early (SIGPIPE, 141) ended the script before the summary.
  head -n 20 <<<"$problems"
fi

echo
echo "==================== all parts: $parts ===================="
cat "$summary"
[ "$outage_rc" -eq 0 ] || echo "== an outage part (restart, failover, twonode) did not meet its guarantees: see its lines above"
exit $(( soak_rc != 0 ? soak_rc : outage_rc ))
