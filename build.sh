#!/usr/bin/env bash
# The two commands a newcomer needs (see README):
#   ./build.sh run    build, start a local PostgreSQL when no ConnectionStrings__Npq is set, seed, serve the API
#   ./build.sh test   build and run every test project against a real PostgreSQL
# Also: ./build.sh build | bench | tokens … | seed … | audit verify … | schema apply …   (the commands of the server executable)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

target="${1:-build}"
[ $# -gt 0 ] && shift

case "$target" in
  tokens|seed|statements|applications|participants|projections|audit|schema)
    # Commands of the server executable, on the local cluster unless ConnectionStrings__Npq is set.
    if [ -z "${ConnectionStrings__Npq:-}" ]; then
      base=$(scripts/postgres.sh start npq | tail -n 1)
      export ConnectionStrings__Npq="$base;Database=npq"
    fi
    export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Sandbox}"
    scripts/tools.sh npm
    dotnet build src/Api -nologo -v quiet >/dev/null
    exec dotnet run --project src/Api --no-build --no-launch-profile -- "$target" "$@"
    ;;
esac

# The build installs the registration form's assets with npm; the browser tests need Chromium.
case "$target" in
  build|test|run|bench|Build|Test|Run|Bench) scripts/tools.sh npm ;;
esac
case "$target" in
  test|Test) scripts/tools.sh chromium && scripts/tools.sh python3 ;;
esac

dotnet tool restore >/dev/null
exec dotnet cake build.cake --target="$target" "$@"
