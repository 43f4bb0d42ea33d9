#!/usr/bin/env bash
# README's first command: install, build, then migrate + seed demo data + run web and worker (src/launcher.ts).
# Without DATABASE_URL and REDIS_URL it runs on the embedded default (PGlite + BullMQ on PostgreSQL + outbox);
# with both set it runs against those servers. No PostgreSQL or Redis needs to be installed for the default.
set -euo pipefail
cd "$(dirname "$0")/.."

# The service and its build only: production dependencies (the TypeScript compiler and the type packages the build
# needs are among them). The test tools (jest, Chromium driver, SMTP server, …) come with scripts/test.sh.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --omit=dev --prefer-offline --no-audit --no-fund
  touch node_modules/.kt-lean-install # tells scripts/test.sh to install the rest
fi
marker=dist/src/launcher.js
if [ ! -f "$marker" ] || [ package-lock.json -nt "$marker" ] || [ tsconfig.json -nt "$marker" ] || [ tsconfig.build.json -nt "$marker" ] \
  || [ -n "$(find src migrations scripts bench \( -name '*.ts' -o -name '*.json' \) -newer "$marker" -print -quit)" ]; then
  # Emit only: the type check is the test command's job (`npm run build`); the JavaScript is the same, in less time.
  node_modules/.bin/tsc -p tsconfig.build.json --noCheck
fi
exec node "$marker"
