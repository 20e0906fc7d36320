#!/usr/bin/env bash
# A bounded load test on 127.0.0.1: wrk over mixed routes for DURATION
# seconds while a file of the archive is rewritten every 200 ms. Prints the
# figures and fails on any 5xx, any socket error or memory growth over 20%.
#
#   bench/load.sh [DURATION]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-60}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }

cargo build --release --quiet
work=$(mktemp -d)
index=$(mktemp -d)
trap 'kill ${server:-} ${writer:-} 2>/dev/null || true; rm -rf "$work" "$index"' EXIT
cp samples/*.txt "$work/"
if [ -d ../shared/corpus ]; then cp ../shared/corpus/*.txt "$work/"; fi

./target/release/threadview "$work" --port 0 --index-dir "$index" >"$work/url" 2>"$work/log" &
server=$!
for _ in $(seq 50); do [ -s "$work/url" ] && break; sleep 0.1; done
base=$(awk '{print $NF}' "$work/url" | sed 's#/$##')
echo "serving at $base"

# Comment ids for permalinks, read from the API.
ids=$(curl -s "$base/api/discussions/001_tolerant-parsers" | grep -o '"id":"[0-9a-z]*"' | sed -n '2p;6p' | cut -d'"' -f4)
css=$(curl -s "$base/" | grep -o '/static/style.css?v=[0-9a-f]*' | head -1)
paths=(
  / "/?sort=comments" /authors "/authors?sort=last" /authors/marginalia "/authors/%5Bdeleted%5D"
  /d/001_tolerant-parsers "/d/001_tolerant-parsers?sort=new" "/d/001_tolerant-parsers?view=timeline"
  "/d/002_sourdough?depth=1" "/d/003_night-trains?author=rail_and_rye" /d/006_counting-game
  "/search?q=starter" "/d/001_tolerant-parsers?q=fuzz" /diagnostics
  /api/discussions /api/discussions/002_sourdough /api/authors "/api/search?q=train" "$css"
)
for id in $ids; do paths+=("/d/001_tolerant-parsers/c/$id"); done
if [ -f "$work/002_57c624acac0760a9.txt" ]; then
  paths+=(/d/002_57c624acac0760a9 "/d/002_57c624acac0760a9?view=timeline" /d/004_43c5e759b03e541e)
fi

# The writer: two versions of one file, swapped in every 200 ms.
cp "$work/002_sourdough.txt" "$work/v1"
{ cat "$work/v1"; printf '\nlate_reader on January 10th, 2025 at 09:00 UTC »\n\nA comment that comes and goes.\n'; } >"$work/v2"
(
  i=0
  while true; do
    i=$((i + 1))
    cp "$work/v$((i % 2 + 1))" "$work/tmp" && mv "$work/tmp" "$work/002_sourdough.txt"
    sleep 0.2
  done
) &
writer=$!

rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
sleep 1
rss_start=$(rss)
echo "rss at start: ${rss_start} kB"
( for _ in $(seq $((duration / 10))); do sleep 10; echo "rss: $(rss) kB"; done ) &
sampler=$!
wrk -t2 -c32 -d"${duration}s" --latency -s bench/mixed.lua "$base" -- "${paths[@]}" | tee "$work/wrk"
wait $sampler || true
rss_end=$(rss)
reloads=$(grep -c reloaded "$work/log" || true)
echo "rss at end: ${rss_end} kB; reloads during the run: $reloads"

server_errors=$(awk '/^server_errors/ {print $2}' "$work/wrk")
socket_errors=$(awk '/^socket_errors/ {print $2}' "$work/wrk")
status=0
[ "$server_errors" = 0 ] || { echo "FAIL: $server_errors responses were 5xx"; status=1; }
[ "$socket_errors" = 0 ] || { echo "FAIL: $socket_errors socket errors"; status=1; }
[ "$reloads" -gt 0 ] || { echo "FAIL: the archive was never reloaded"; status=1; }
if [ $((rss_end * 100)) -gt $((rss_start * 120 + 4096 * 100)) ]; then
  echo "FAIL: memory grew from ${rss_start} kB to ${rss_end} kB"; status=1
fi
[ $status = 0 ] && echo "PASS: no 5xx, no socket errors, memory flat"
exit $status
