#!/usr/bin/env bash
# Benchmarks (not tests): start the real server in Release on a loopback port with its own
# database, load data through the public API, print figures.
#   bench/run.sh            the rate limiter, and the applications page benchmark (10,000 applications, 3,000-row pages)
#   bench/run.sh audit      issue 7: generate 1,000,000 events, time replay, rebuild and "state as of"
#                           (NPQ_BENCH_EVENTS overrides the count)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/tools.sh npm
port="${NPQ_BENCH_PORT:-5090}"
base=$(scripts/postgres.sh start npq_bench | tail -n 1)

if [ "${1:-}" = "audit" ]; then
  dotnet build -c Release -nologo -v quiet bench/Npq.Bench >/dev/null
  exec dotnet bench/Npq.Bench/bin/Release/net10.0/Npq.Bench.dll audit --server "$base" --events "${NPQ_BENCH_EVENTS:-1000000}"
fi
export ConnectionStrings__Npq="$base;Database=npq_bench"
export ASPNETCORE_ENVIRONMENT=Sandbox
export Npq__Seed__OnStart=false

dotnet build -c Release -nologo -v quiet src/Api >/dev/null
dotnet build -c Release -nologo -v quiet bench/Npq.Bench >/dev/null
api() { dotnet run -c Release --project src/Api --no-build --no-launch-profile -- "$@" 2>/dev/null | tail -n 1; }

api seed --reference-only >/dev/null
issued=$(api tokens issue --lead-provider "Teach First")
token=$(printf '%s' "$issued" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
provider=$(printf '%s' "$issued" | python3 -c 'import json,sys; print(json.load(sys.stdin)["lead_provider_id"])')

dotnet run -c Release --project src/Api --no-build --no-launch-profile --urls "http://127.0.0.1:$port" >/tmp/npq-bench-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -s -o /dev/null "http://127.0.0.1:$port/api/v3/npq-applications" && break
  sleep 0.5
done

dotnet bench/Npq.Bench/bin/Release/net10.0/Npq.Bench.dll rate-limit --database "$ConnectionStrings__Npq"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; PostgreSQL $(psql --version | awk '{print $3}') on loopback; server: Release build"
dotnet bench/Npq.Bench/bin/Release/net10.0/Npq.Bench.dll applications-page \
  --url "http://127.0.0.1:$port" --token "$token" --provider-id "$provider" \
  --applications "${NPQ_BENCH_APPLICATIONS:-10000}" --runs 30
