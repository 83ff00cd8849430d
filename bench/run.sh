#!/usr/bin/env bash
# Benchmarks (not tests): start the real server in Release on a loopback port with its own
# database, load data through the public API, print figures.
#   bench/run.sh            the rate limiter, and the applications page benchmark (10,000 applications, 3,000-row pages)
#   bench/run.sh audit      issue 7: generate 1,000,000 events, time replay, rebuild and "state as of"
#                           (NPQ_BENCH_EVENTS overrides the count)
#   bench/run.sh seal       issue 18: generate 1,000,000 events, seal them (beside their raw append and a bare read),
#                           verify the whole log, storage per event, and (issue 30) the auditors' standard-library
#                           verifier over HTTP beside `audit verify`
#   bench/run.sh scale      issue 13: grow the database to 200,000 applications (NPQ_BENCH_APPLICATIONS) and
#                           print one table: writes, pages, CSV, rebuild and verify, memory, each beside its floor,
#                           and (issue 17) the page of 100 with telemetry on beside a second process with it off
#   bench/run.sh flood      issue 24: an honest provider's p50/p99/rate without and with a flood from another
#                           loopback address (readiness, a made-up token, anonymous registrations), and the
#                           server's CPU per refused request beside a served page of 1; the real rate limits
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/tools.sh npm
port="${NPQ_BENCH_PORT:-5090}"
base=$(scripts/postgres.sh start npq_bench | tail -n 1)

if [ "${1:-}" = "seal" ]; then
  # The built server too: the auditors' verifier (docs/auditing/verify_log.py) reads the log over its HTTP API.
  scripts/tools.sh python3
  dotnet build -c Release -nologo -v quiet src/Api >/dev/null
  dotnet build -c Release -nologo -v quiet bench/Npq.Bench >/dev/null
  exec dotnet bench/Npq.Bench/bin/Release/net10.0/Npq.Bench.dll seal --server "$base" --events "${NPQ_BENCH_EVENTS:-1000000}" \
    --api src/Api/bin/Release/net10.0/Npq.Api.dll
fi
if [ "${1:-}" = "audit" ]; then
  dotnet build -c Release -nologo -v quiet bench/Npq.Bench >/dev/null
  exec dotnet bench/Npq.Bench/bin/Release/net10.0/Npq.Bench.dll audit --server "$base" --events "${NPQ_BENCH_EVENTS:-1000000}"
fi
if [ "${1:-}" = "scale" ] || [ "${1:-}" = "flood" ]; then
  # A database of its own, made anew each run: the first writes are measured on an empty database.
  db="npq_bench_${1}"
  psql "postgresql://postgres@127.0.0.1:$(printf '%s' "$base" | sed 's/.*Port=\([0-9]*\).*/\1/')/postgres" -qc "drop database if exists $db with (force)"
  base=$(scripts/postgres.sh start "$db" | tail -n 1)
else
  db=npq_bench
fi
export ConnectionStrings__Npq="$base;Database=$db"
export ASPNETCORE_ENVIRONMENT=Sandbox
export Npq__Seed__OnStart=false Npq__ServerTiming__Enabled=true

dotnet build -c Release -nologo -v quiet src/Api >/dev/null
dotnet build -c Release -nologo -v quiet bench/Npq.Bench >/dev/null
api() { dotnet run -c Release --project src/Api --no-build --no-launch-profile -- "$@" 2>/dev/null | tail -n 1; }

api seed --reference-only >/dev/null
issued=$(api tokens issue --lead-provider "Teach First")
token=$(printf '%s' "$issued" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
provider=$(printf '%s' "$issued" | python3 -c 'import json,sys; print(json.load(sys.stdin)["lead_provider_id"])')

# The server runs as its own process (not under `dotnet run`), so its memory can be read from /proc.
if [ "${1:-}" = "flood" ]; then
  # The address limit as in production (300 a window), so the flood is refused; the honest token's high.
  export Npq__RateLimit__PermitsPerToken=100000000
else
  export Npq__RateLimit__PermitsPerToken=100000000 Npq__RateLimit__PermitsPerIp=100000000
fi
(cd src/Api && exec dotnet bin/Release/net10.0/Npq.Api.dll --urls "http://127.0.0.1:$port") >/tmp/npq-bench-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
if [ "${1:-}" = "flood" ]; then
  # A second process whose refusals are answered at once: what the late answer buys, and a refusal's own CPU.
  (cd src/Api && Npq__RateLimit__RefusalDelayMilliseconds=0 exec dotnet bin/Release/net10.0/Npq.Api.dll --urls "http://127.0.0.1:$((port + 1))") >/tmp/npq-bench-undelayed.log 2>&1 &
  undelayed=$!
  trap 'kill $server $undelayed 2>/dev/null || true' EXIT
fi
if [ "${1:-}" = "scale" ]; then
  # A second process on the same database with telemetry off: the baseline of issue 17's cost.
  (cd src/Api && Npq__Telemetry__Enabled=false exec dotnet bin/Release/net10.0/Npq.Api.dll --urls "http://127.0.0.1:$((port + 1))") >/tmp/npq-bench-untraced.log 2>&1 &
  untraced=$!
  trap 'kill $server $untraced 2>/dev/null || true' EXIT
fi
for _ in $(seq 1 120); do
  curl -s -o /dev/null "http://127.0.0.1:$port/api/v3/npq-applications" && break
  sleep 0.5
done

if [ "${1:-}" = "scale" ] || [ "${1:-}" = "flood" ]; then
  for _ in $(seq 1 120); do
    curl -s -o /dev/null "http://127.0.0.1:$((port + 1))/api/v3/npq-applications" && break
    sleep 0.5
  done
fi
if [ "${1:-}" = "scale" ]; then
  dotnet bench/Npq.Bench/bin/Release/net10.0/Npq.Bench.dll scale --url "http://127.0.0.1:$port" --url-untraced "http://127.0.0.1:$((port + 1))" --token "$token" \
    --provider-id "$provider" --database "$ConnectionStrings__Npq" --server-pid "$server" \
    --api-dll "$PWD/src/Api/bin/Release/net10.0/Npq.Api.dll" --applications "${NPQ_BENCH_APPLICATIONS:-200000}" --writes "${NPQ_BENCH_WRITES:-2000}"
  exit $?
fi

if [ "${1:-}" = "flood" ]; then
  dotnet bench/Npq.Bench/bin/Release/net10.0/Npq.Bench.dll flood --url "http://127.0.0.1:$port" --token "$token" \
    --provider-id "$provider" --server-pid "$server" --url-undelayed "http://127.0.0.1:$((port + 1))" --undelayed-pid "$undelayed"
  exit $?
fi

dotnet bench/Npq.Bench/bin/Release/net10.0/Npq.Bench.dll rate-limit --database "$ConnectionStrings__Npq"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; PostgreSQL $(psql --version | awk '{print $3}') on loopback; server: Release build"
dotnet bench/Npq.Bench/bin/Release/net10.0/Npq.Bench.dll applications-page \
  --url "http://127.0.0.1:$port" --token "$token" --provider-id "$provider" \
  --applications "${NPQ_BENCH_APPLICATIONS:-10000}" --runs 30
