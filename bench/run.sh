#!/usr/bin/env bash
# The performance run of issue 6, on this machine, in one go:
#   bench/run.sh [COMMENTS]        (default 1000000)
# Generates an archive (gen-corpus, seed 7, 2,000 discussions, the first with
# 5,000 comments), then measures load time against `wc -l`, resident memory
# against the archive's size, requests per second and latency with wrk on
# 127.0.0.1, and HTML bytes per comment, and prints a table with the targets.
set -euo pipefail
cd "$(dirname "$0")/.."
comments=${1:-1000000}
secs=${WRK_SECONDS:-10}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }

cargo build --release --quiet --bin threadview --example gen-corpus
bin=./target/release/threadview
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

archive=$work/archive
./target/release/examples/gen-corpus --discussions 2000 --comments "$comments" --largest 5000 \
  --seed 7 --out "$archive" 2>/dev/null
mkdir -p "$work/empty"
bytes=$(cat "$archive"/*.txt | wc -c)
files=$(find "$archive" -name '*.txt' | wc -l)

# The floor: wc -l over the same files, warm cache, best of three.
cat "$archive"/*.txt >/dev/null
best_wc=999
for _ in 1 2 3; do
  s=$(date +%s.%N); wc -l "$archive"/*.txt >/dev/null; e=$(date +%s.%N)
  best_wc=$(awk -v s="$s" -v e="$e" -v b="$best_wc" 'BEGIN {d = e - s; print (d < b) ? d : b}')
done

# Starts the server on DIR; sets $base and $pid.
start() {
  rm -f "$work/url" "$work/log"
  "$bin" "$1" --port 0 --index-dir "$work/index-$(basename "$1")" >"$work/url" 2>"$work/log" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 600); do [ -s "$work/url" ] && break; sleep 0.1; done
  base=$(awk '{print $NF}' "$work/url" | sed 's#/$##')
}
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

start "$work/empty"; sleep 0.5; rss_empty=$(rss "$pid"); kill "$pid"; wait "$pid" 2>/dev/null || true

best_load=999
for _ in 1 2 3; do
  start "$archive"
  load=$(sed 's/\x1b\[[0-9;]*m//g' "$work/log" | grep -o 'loaded .* in [0-9.]*[mµ]*s' | awk '{print $NF}')
  case $load in *ms) l=$(awk -v x="${load%ms}" 'BEGIN {print x / 1000}') ;; *µs) l=$(awk -v x="${load%µs}" 'BEGIN {print x / 1000000}') ;; *) l=${load%s} ;; esac
  best_load=$(echo "$l" | awk -v b="$best_load" '{print ($1 < b) ? $1 : b}')
  sleep 1; rss_loaded=$(rss "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true
done

start "$archive"
first=("$archive"/*.txt)
big=$(basename "${first[0]}" .txt)
hundred=$(curl -s "$base/api/discussions" | python3 -c '
import json, sys
ds = json.load(sys.stdin)
print(min(ds, key=lambda d: abs(d["comment_count"] - 100))["id"])')
count100=$(curl -s "$base/api/discussions/$hundred" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["comments"]))')

# HTML bytes per comment beyond its text (author, time text and body), on
# the first page of the 5,000-comment thread: its comments are the first
# ones of the thread in file order.
# Only the comment list counts: the page's menus, chart and pager are shared
# by its comments and were spread over 5,000 of them before paging.
curl -s "$base/d/$big" -o "$work/big.html"
html=$(python3 -c '
import sys
page = open(sys.argv[1], encoding="utf-8").read()
start = page.index("<ul class=\"thread\">")
print(len(page[start:page.index("</section>", start)].encode()))' "$work/big.html")
shown=$(grep -o '<li class="comment[^>]*id="c-' "$work/big.html" | wc -l)
text=$(curl -s "$base/api/discussions/$big?limit=$shown" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sum(len(c["body"].encode()) + len(c["author"].encode()) + 30 for c in d["comments"]))')
per_comment=$(( (html - text) / shown ))

ms() { echo "$1" | awk '/us$/ {sub("us","",$1); print $1/1000; next} /ms$/ {sub("ms","",$1); print $1; next} /s$/ {sub("s","",$1); print $1*1000}'; }
# rps, p50, p99 of a wrk run: run NAME PATH [HEADER]
declare -A rps p50 p99
run() {
  local name=$1 path=$2; shift 2
  curl -s "$@" "$base$path" >/dev/null  # render once: the cache is warm
  wrk -t2 -c32 -d"${secs}s" --latency "$@" "$base$path" >"$work/wrk" 2>&1
  rps[$name]=$(awk '/Requests\/sec/ {print int($2)}' "$work/wrk")
  p50[$name]=$(awk '$1 == "50%" {print $2}' "$work/wrk")
  p99[$name]=$(awk '$1 == "99%" {print $2}' "$work/wrk")
  if grep -q "Non-2xx\|Socket errors" "$work/wrk"; then echo "errors in $name:"; cat "$work/wrk"; fi
}
run hello /healthz
run index /
run index_gz / -H "Accept-Encoding: gzip"
run d100 "/d/$hundred"
run d100_gz "/d/$hundred" -H "Accept-Encoding: gzip"
run d5000 "/d/$big"
run d5000_gz "/d/$big" -H "Accept-Encoding: gzip"

# The 5,000-comment page at half its top rate (gzip), paced by wrk's delay().
top=${rps[d5000_gz]}
half=$(( top / 2 ))
conns=16
# Each connection waits `delay` ms after each response, so the rate stays
# at or a little under half the top rate.
delay=$(awk -v c=$conns -v r=$half 'BEGIN {d = c * 1000 / (r > 0 ? r : 1); print (d < 1) ? 1 : int(d + 0.5)}')
wrk -t2 -c$conns -d"${secs}s" --latency -s bench/pace.lua -H "Accept-Encoding: gzip" "$base/d/$big" -- "$delay" >"$work/wrk"
paced_rps=$(awk '/Requests\/sec/ {print int($2)}' "$work/wrk")
paced_p99=$(awk '$1 == "99%" {print $2}' "$work/wrk")

mbps() { echo "$bytes $1" | awk '{printf "%.0f", $1 / $2 / 1048576}'; }
verdict() { if [ "$1" = 1 ]; then echo "met"; else echo "NOT met"; fi; }

wc_mbps=$(mbps "$best_wc"); load_mbps=$(mbps "$best_load")
rss_over=$(( rss_loaded - rss_empty )); archive_kb=$(( bytes / 1024 ))
cat <<TABLE

machine: $(nproc) cores, $(grep 'model name' /proc/cpuinfo | head -1 | cut -d: -f2 | xargs), $(free -g | awk '/Mem/ {print $2}') GiB
archive: $files files, $comments comments, $(( bytes / 1048576 )) MiB (gen-corpus --seed 7); 100-comment page: $hundred ($count100 comments); 5,000-comment page: $big

| measure | value | target | |
| --- | --- | --- | --- |
| load ($comments comments) | ${best_load} s, ${load_mbps} MiB/s | >= 1/4 of wc -l (${wc_mbps} MiB/s in ${best_wc} s) | $(verdict "$(awk -v l="$load_mbps" -v w="$wc_mbps" 'BEGIN {print (l * 4 >= w) ? 1 : 0}')") |
| resident memory after load | $(( rss_loaded / 1024 )) MiB (empty server: $(( rss_empty / 1024 )) MiB) | over empty <= 1.5 x archive ($(( archive_kb * 3 / 2 / 1024 )) MiB) | $(verdict "$(( rss_over * 2 <= archive_kb * 3 ))") |
| HTML per comment beyond its text | $per_comment B | <= 600 B | $(verdict "$(( per_comment <= 600 ))") |
| hello world (/healthz) | ${rps[hello]} req/s, p50 ${p50[hello]}, p99 ${p99[hello]} | baseline | |
| index | ${rps[index]} req/s, p50 ${p50[index]}, p99 ${p99[index]} | | |
| index, gzip | ${rps[index_gz]} req/s, p50 ${p50[index_gz]}, p99 ${p99[index_gz]} | | |
| 100 comments | ${rps[d100]} req/s, p50 ${p50[d100]}, p99 ${p99[d100]} | >= 1/2 hello | $(verdict "$(( rps[d100] * 2 >= rps[hello] ))") |
| 100 comments, gzip | ${rps[d100_gz]} req/s, p50 ${p50[d100_gz]}, p99 ${p99[d100_gz]} | >= 1/2 hello | $(verdict "$(( rps[d100_gz] * 2 >= rps[hello] ))") |
| 5,000-comment thread, page 1 | ${rps[d5000]} req/s, p50 ${p50[d5000]}, p99 ${p99[d5000]} | | |
| 5,000-comment thread, page 1, gzip | ${rps[d5000_gz]} req/s, p50 ${p50[d5000_gz]}, p99 ${p99[d5000_gz]} | | |
| 5,000-comment thread, page 1, gzip, at half rate | ${paced_rps} req/s, p99 ${paced_p99} | p99 < 20 ms | $(verdict "$(awk -v p="$(ms "$paced_p99")" 'BEGIN {print (p < 20) ? 1 : 0}')") |
TABLE
