#!/usr/bin/env bash
# The release before this one, built from this clone's history, for the rolling-upgrade rehearsal
# (RollingUpgradeTests, docs/operations.md#rolling-upgrade): prints the path of its Npq.Api.dll.
#
#   scripts/previous-release.sh          build it once into .data/releases/<commit>, then reuse it
#   scripts/previous-release.sh commit   print the commit only
#
# At each release, set PREVIOUS to the commit that production runs now (the last one that landed), so
# that the next release is rehearsed against it. It must be in this clone's history: on a shallow
# clone, `git fetch --unshallow` first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PREVIOUS=7c67c5ae5fe84ab2d4db7311d2bc19a6349ea483 # stop 35, landed on 2026-12-05

if [ "${1:-}" = "commit" ]; then
  echo "$PREVIOUS"
  exit 0
fi

out="$PWD/.data/releases/$PREVIOUS"
# One build at a time: the tests may start this in the background and again in the test that needs it.
mkdir -p "$PWD/.data/releases"
exec 9>"$PWD/.data/releases/.lock"
flock 9
dll="$out/src/Api/bin/Release/net10.0/Npq.Api.dll"
if [ -f "$dll" ]; then
  echo "$dll"
  exit 0
fi

if ! git cat-file -e "$PREVIOUS^{commit}" 2>/dev/null; then
  echo "previous-release.sh: commit $PREVIOUS is not in this clone's history (a shallow clone? run: git fetch --unshallow)" >&2
  exit 3
fi

echo "previous-release.sh: building $PREVIOUS into $out (once)…" >&2
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
git archive "$PREVIOUS" | tar -x -C "$out.tmp"
# The registration form's packages, when the release pins the same ones: no npm run needed.
if cmp -s frontend/package-lock.json "$out.tmp/frontend/package-lock.json" && [ -d frontend/node_modules ]; then
  cp -al frontend/node_modules "$out.tmp/frontend/node_modules"
  touch "$out.tmp/frontend/node_modules/.package-lock.json"
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build "$out.tmp/src/Api" -c Release -nologo -v quiet -p:TreatWarningsAsErrors=false >&2
rm -rf "$out" && mv "$out.tmp" "$out"
echo "$dll"
