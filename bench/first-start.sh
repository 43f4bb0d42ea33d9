#!/usr/bin/env bash
# Fresh clone → healthy service with the README's first command (install and build included), then warm restarts.
# Baseline in the same run: the same, but with the full install (`npm ci`, every test tool) the start used before.
# Usage: bash bench/first-start.sh [repo]   (default: this checkout's committed HEAD). Uses the local npm cache.
set -euo pipefail
repo="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
work="$(mktemp -d /tmp/kt-first-start.XXXXXX)"
port=$((20000 + RANDOM % 20000))
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
# Runs `$@` in directory $1 (rest: command) until /health answers; prints the seconds; stops the service.
time_to_healthy() {
  local dir=$1; shift
  local t0 pid secs=""
  t0=$(now)
  (cd "$dir" && PORT=$port APP_URL=http://127.0.0.1:$port DATA_DIR="$dir/data" LOG_LEVEL=warn exec "$@") >"$dir/start.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 2400); do
    if curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1; then secs=$(echo "$(now) - $t0" | bc); break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  # start.sh ends in `exec node …/launcher.js` (the baseline's bash -c execs it too): $pid is the launcher, which stops
  # its web and worker children itself.
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ -n "$secs" ] || { echo "no healthy service; log:" >&2; tail -20 "$dir/start.log" >&2; exit 1; }
  printf '%.1f' "$secs"
}

git clone -q "$repo" "$work/base"
git clone -q "$repo" "$work/lean"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
base=$(time_to_healthy "$work/base" bash -c 'npm ci --no-audit --no-fund >/dev/null 2>&1 && exec bash scripts/start.sh')
pkgs() { node -e "console.log(Object.keys(require('$1/node_modules/.package-lock.json').packages).length)"; }
base_pkgs=$(pkgs "$work/base")
lean=$(time_to_healthy "$work/lean" bash scripts/start.sh)
lean_pkgs=$(pkgs "$work/lean")
warm1=$(time_to_healthy "$work/lean" bash scripts/start.sh)
warm2=$(time_to_healthy "$work/lean" bash scripts/start.sh)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

printf '%-52s %10s\n' 'measure' 'seconds'
printf '%-52s %10s\n' "fresh clone → healthy, full npm ci (baseline, ~$base_pkgs pkgs)" "$base"
printf '%-52s %10s\n' "fresh clone → healthy, bash scripts/start.sh (~$lean_pkgs pkgs)" "$lean"
printf '%-52s %10s\n' 'warm restart → healthy (1st)' "$warm1"
printf '%-52s %10s\n' 'warm restart → healthy (2nd)' "$warm2"
printf 'load average before: %s, after: %s (%s cores)\n' "$load_before" "$load_after" "$(nproc)"
ratio=$(echo "scale=2; $lean / $base" | bc)
printf '{"baselineFullInstallS":%s,"freshStartS":%s,"ratio":%s,"warmRestartS":[%s,%s],"load":"%s / %s"}\n' \
  "$base" "$lean" "$ratio" "$warm1" "$warm2" "$load_before" "$load_after"
