#!/usr/bin/env bash
# Lints openapi.yaml with Redocly CLI (recommended ruleset, tuned in redocly.yaml) and exits
# with its status. Installs the pinned CLI from tools/package-lock.json with `npm ci` when
# tools/node_modules is missing or older than the lockfile, and installs Debian's nodejs
# and npm first if node or npm is missing (needs root; ./sanshe up installs them too).
# The pinned tree must accept Debian 12's own Node.js 18.20.4 and npm 9.2.0: check-engines.js
# checks the lockfile before anything is installed, and .npmrc (engine-strict) makes `npm ci`
# fail rather than warn on a package whose engines refuse the running Node.js or npm.
# Usage: tools/lint-openapi.sh
set -euo pipefail

tools_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$tools_dir"

log() { printf 'lint-openapi: %s\n' "$*" >&2; }

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        log "node or npm is missing; run as root to install it, or: apt-get install nodejs npm"
        exit 1
    fi
    log "node or npm is missing; installing nodejs and npm with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends nodejs npm
fi

# The pinned @redocly/cli 1.x needs Node.js 18.17 or later (Debian 12 ships 18.20).
node_major_minor=$(node -p 'process.versions.node.split(".").slice(0, 2).join(" ")')
read -r node_major node_minor <<<"$node_major_minor"
if [ "$node_major" -lt 18 ] || { [ "$node_major" -eq 18 ] && [ "$node_minor" -lt 17 ]; }; then
    log "Node.js $(node --version) is too old; 18.17 or later is needed"
    exit 1
fi

# Debian 12's Node.js and npm must be able to install the pinned tree (issue: a newer
# package once wanted npm >= 9.5 and Node >= 20.16).
node check-engines.js package-lock.json 18.20.4 9.2.0

# npm writes node_modules/.package-lock.json on every install; older than the lockfile
# means the lockfile changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing the pinned Redocly CLI (npm ci)"
    # No install scripts: the CLI needs none, and skipping them narrows what a package can run.
    npm ci --no-audit --no-fund --ignore-scripts
fi

# No usage telemetry or update checks: lint must work offline and send nothing anywhere.
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true
exec npm run --silent lint
