#!/usr/bin/env bash
# Schema changes as committed, reviewed SQL (ADR 0030).
#
#   scripts/schema.sh new <name>   after changing what the code stores (a document, an index, a table, a
#                                  function): build a throw-away database from the committed migrations,
#                                  compare it with the code and write the difference as the next migration,
#                                  src/Infrastructure/Persistence/Migrations/NNNN-<name>.sql, to review and commit.
#
# Production applies the migrations with `schema apply` (docs/operations.md#schema-changes); the test
# SchemaMigrationTests fails while the code needs something no committed migration creates.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ "${1:-}" != "new" ] || ! printf '%s' "${2:-}" | grep -Eq '^[a-z0-9][a-z0-9-]*$'; then
  echo "usage: scripts/schema.sh new <name>   (lower-case letters, digits and hyphens)" >&2
  exit 2
fi
name=$2
folder=src/Infrastructure/Persistence/Migrations
count=$(find "$folder" -maxdepth 1 -name '*.sql' | wc -l)
out="$PWD/$folder/$(printf '%04d' $((count + 1)))-$name.sql"

db="npq_schema_new_$$"
base=$(scripts/postgres.sh start "$db" | tail -n 1)
port=$(printf '%s' "$base" | sed 's/.*Port=\([0-9]*\).*/\1/')
trap 'psql "postgresql://postgres@127.0.0.1:$port/postgres" -qc "drop database if exists $db with (force)" >/dev/null' EXIT

dotnet build src/Api -nologo -v quiet >/dev/null
export ConnectionStrings__Npq="$base;Database=$db" ASPNETCORE_ENVIRONMENT=Sandbox
cd src/Api
# Exit 21 is expected here: the committed migrations ran and the code needs more.
dotnet bin/Debug/net10.0/Npq.Api.dll schema apply >/dev/null 2>&1 || [ $? -eq 21 ]
dotnet bin/Debug/net10.0/Npq.Api.dll schema script --out "$out" | tail -n 1
if [ -f "$out" ]; then
  echo "Wrote $out: review it (is it additive? see ADR 0030's expand-then-contract), rebuild, and commit it." >&2
else
  echo "The committed migrations already build what the code needs: nothing to write." >&2
fi
