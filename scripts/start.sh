#!/usr/bin/env bash
# README's first command: install, build, then migrate + seed demo data + run web and worker (src/launcher.ts).
# Without DATABASE_URL and REDIS_URL it runs on the embedded default (PGlite + BullMQ on PostgreSQL + outbox).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
if [ ! -f dist/src/launcher.js ] || [ -n "$(find src migrations scripts templates -newer dist/src/launcher.js -print -quit)" ]; then
  npm run -s build
fi
exec node dist/src/launcher.js
