#!/usr/bin/env bash
# Adds a migration with the same name to both providers: ./migrations/add-migration.sh NAME
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 MigrationName" >&2; exit 2; }
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet build migrations/PingYi.Migrations.Postgres -v q -nologo
dotnet build migrations/PingYi.Migrations.Sqlite -v q -nologo
for provider in Postgres Sqlite; do
  dotnet ef migrations add "$1" --no-build \
    --project "migrations/PingYi.Migrations.$provider" \
    --startup-project "migrations/PingYi.Migrations.$provider" \
    --output-dir Migrations
done
