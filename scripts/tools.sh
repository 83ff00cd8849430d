#!/usr/bin/env bash
# Makes sure a tool the build or the tests need is on the machine, installing it from Debian's
# packages when it is missing and we are root (as on CI); otherwise says how to get it.
#   scripts/tools.sh npm        Node.js and npm: the build installs the registration form's
#                               GOV.UK Frontend assets with them (frontend/package.json, ADR 0014)
#   scripts/tools.sh chromium   Debian's Chromium: the browser tests drive it with Playwright
#   scripts/tools.sh python3    Python 3: the tests run the auditors' standard-library verifier
#                               (docs/auditing/verify_log.py) against the test server
set -euo pipefail

log() { echo "tools.sh: $*" >&2; }

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    log "$1 is missing. Install it: sudo apt-get install -y ${*:2}"
    exit 1
  fi
  log "installing ${*:2} from Debian's packages…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${@:2}" >&2
}

case "${1:-}" in
  npm)
    # npm is needed until the lock file's packages are installed (the build runs npm ci when
    # frontend/package-lock.json is newer than npm's record of the last install).
    frontend="$(dirname "$0")/../frontend"
    if command -v npm >/dev/null 2>&1 || [ "$frontend/node_modules/.package-lock.json" -nt "$frontend/package-lock.json" ]; then
      exit 0
    fi
    apt_install "npm" nodejs npm
    ;;
  chromium)
    if [ -n "${NPQ_CHROMIUM:-}" ] || [ -x /usr/bin/chromium ]; then
      exit 0
    fi
    apt_install "Chromium (for the browser tests)" chromium fonts-liberation
    ;;
  python3)
    if command -v python3 >/dev/null 2>&1; then
      exit 0
    fi
    apt_install "Python 3 (for the auditors' verifier test)" python3
    ;;
  *)
    echo "usage: scripts/tools.sh npm|chromium|python3" >&2
    exit 2
    ;;
esac
