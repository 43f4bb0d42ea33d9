#!/usr/bin/env bash
# The whole test suite: real PostgreSQL, Redis, SMTP (in-process) and Chromium. README's second command.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-services.sh
# Everything, test tools included (also after scripts/start.sh installed only what the service needs).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ -e node_modules/.kt-lean-install ]; then
  npm ci --no-audit --no-fund
fi
# Lint (type-aware) and a type check of everything, tests and bench included, before any test runs.
npm run -s lint
# Unused files, exports and dependencies, unlisted dependencies and import cycles (knip.json).
npm run -s knip
npm run -s format:check
npm run -s typecheck
npm run -s build
npx jest --selectProjects unit
# Services on the real database without HTTP (test/service): both modes, two files at a time.
npx jest --selectProjects service --maxWorkers=2 --forceExit
# Two files at a time (each has its own database, BullMQ prefix, SMTP catcher and port; E2E_WORKERS=1 runs them one by one).
# --forceExit: BullMQ/ioredis sockets can linger a moment after the last file closes its app.
npx jest --selectProjects e2e --maxWorkers="${E2E_WORKERS:-2}" --forceExit
