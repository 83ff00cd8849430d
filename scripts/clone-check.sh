#!/usr/bin/env bash
# Shows that a clone stands alone and that two checkouts live side by side on one machine:
# clones the committed HEAD twice into a temporary folder with nothing beside either clone (so no
# ../shared), runs `./build.sh test` in both at the same time (each starts its own PostgreSQL cluster
# on its own port), checks that both pass and that the checks against the reference service's
# documents are reported as skipped, then stops both clusters and removes the clones.
# About twice the time of one test run; not part of the test suite.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work=$(mktemp -d /tmp/npq-clone-check.XXXXXX)
chmod 755 "$work"
unset NPQ_TEST_POSTGRES NPQ_REFERENCE_OPENAPI NPQ_PG_PORT ConnectionStrings__Npq

cleanup() {
  for clone in "$work"/a/npq "$work"/b/npq; do
    [ -x "$clone/scripts/postgres.sh" ] && "$clone/scripts/postgres.sh" stop >/dev/null 2>&1 || true
  done
  rm -rf "$work" "/tmp/npq-postgres-$(printf '%s' "$work/a/npq" | sha256sum | cut -c1-12)" \
    "/tmp/npq-postgres-$(printf '%s' "$work/b/npq" | sha256sum | cut -c1-12)"
}
trap cleanup EXIT

for side in a b; do
  mkdir -p "$work/$side" && chmod 755 "$work/$side"
  git clone -q "$repo" "$work/$side/npq"
done

echo "clone-check: running ./build.sh test in $work/a/npq and $work/b/npq at the same time"
for side in a b; do
  (set +e; cd "$work/$side/npq"; ./build.sh test >"$work/$side.log" 2>&1; echo $? >"$work/$side.rc") &
done
wait

status=0
for side in a b; do
  rc=$(cat "$work/$side.rc")
  summary=$(grep -E '^tests: ' "$work/$side.log" | tail -n 1 || true)
  port=$(cat "$work/$side/npq/.data/postgres.port" 2>/dev/null || echo '?')
  skipped=$(grep -c "reference service's OpenAPI documents are not at" "$work/$side.log" || true)
  echo "clone $side: exit $rc; $summary; PostgreSQL port $port; $skipped lines report the reference checks as skipped"
  cp "$work/$side.log" "/tmp/npq-clone-check-$side.log"
  [ "$rc" = 0 ] || { status=1; echo "clone $side failed; its output is in /tmp/npq-clone-check-$side.log"; }
  [ "$skipped" -gt 0 ] || { status=1; echo "clone $side: the reference checks were not reported as skipped"; }
done
[ "$(cat "$work/a/npq/.data/postgres.port")" != "$(cat "$work/b/npq/.data/postgres.port")" ] || { status=1; echo "both clones used one port"; }
exit $status
