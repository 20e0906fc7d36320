#!/usr/bin/env bash
# The search index at scale (issue 10), in one run:
#   bench/search.sh CORPUS [COMMENTS]      (default 1000000)
# Grows CORPUS (real threads in the text format) to COMMENTS comments with
# make_scale.py, starts the server with a fresh index folder, and measures:
# the index's build time and size, RssAnon after indexing against the
# archive's bytes, a restart's time to reuse the index, requests per second
# and latency (wrk, 4 connections, 10 s) of a 100-comment thread page and of
# searches (300 rotating one- and two-word queries, and fresh word pairs the
# cache cannot hold), the same searches by scanning (--no-index), and an
# overload (64 connections of fresh pairs) counted by status.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:?usage: bench/search.sh CORPUS [COMMENTS]}
comments=${2:-1000000}
secs=${WRK_SECONDS:-10}
make_scale=${MAKE_SCALE:-$(dirname "$corpus")/tools/make_scale.py}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }

cargo build --release --quiet --bin threadview
bin=./target/release/threadview
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

python3 "$make_scale" "$corpus" "$work/archive" "$comments" >/dev/null
bytes=$(cat "$work/archive"/*.txt | wc -c)
# 300 query words: frequent in the comments, but not the commonest.
python3 - "$work/archive" >"$work/words" <<'PY'
import collections, glob, re, sys
count = collections.Counter()
for path in sorted(glob.glob(sys.argv[1] + "/*.txt"))[:400]:
    for word in re.findall(r"[a-z]{4,}", open(path, encoding="utf-8").read().lower()):
        count[word] += 1
print(" ".join(w for w, _ in count.most_common(400)[100:400]))
PY

log() { sed 's/\x1b\[[0-9;]*m//g' "$work/log"; }
start() {
  rm -f "$work/url" "$work/log"
  "$bin" "$work/archive" --port 0 "$@" >"$work/url" 2>"$work/log" &
  pid=$!
  for _ in $(seq 6000); do [ -s "$work/url" ] && break; sleep 0.1; done
  base=$(awk '{print $NF}' "$work/url" | sed 's#/$##')
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
ready() { for _ in $(seq 36000); do log | grep -q "search index ready" && return; sleep 0.05; done; }
field() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$pid/status"; }
# wrk SCRIPT-ARGS...: prints "rps p50 p99 statuses"
measure() {
  local conns=$1; shift
  wrk -t2 -c"$conns" -d"${secs}s" --latency "$@" >"$work/wrk" 2>&1 || true
  echo "$(awk '/Requests\/sec/ {print int($2)}' "$work/wrk") $(awk '$1 == "50%" {print $2}' "$work/wrk") $(awk '$1 == "99%" {print $2}' "$work/wrk") $(grep -o 'statuses: .*' "$work/wrk" || echo -)"
}

# Build.
start --index-dir "$work/index"
started=$(date +%s.%N)
ready
built=$(date +%s.%N)
build_log=$(log | grep -o 'search index ready in [^ ]*' | awk '{print $NF}')
sleep 2
anon=$(field RssAnon); hwm=$(field VmHWM)
index_bytes=$(du -sb "$work/index" | awk '{print $1}')
hundred=$(curl -s "$base/api/discussions" | python3 -c '
import json, sys
ds = json.load(sys.stdin)
print(min(ds, key=lambda d: abs(d["comment_count"] - 100))["id"])')
curl -s "$base/d/$hundred" >/dev/null
read -r page_rps page_p50 page_p99 _ <<<"$(measure 4 "$base/d/$hundred")"
read -r rot_rps rot_p50 rot_p99 rot_st <<<"$(measure 4 -s bench/search.lua "$base" -- rotate $(cat "$work/words"))"
read -r uni_rps uni_p50 uni_p99 uni_st <<<"$(measure 4 -s bench/search.lua "$base" -- unique $(cat "$work/words"))"
read -r over_rps over_p50 over_p99 over_st <<<"$(measure 64 -s bench/search.lua "$base" -- unique $(cat "$work/words"))"
anon_after=$(field RssAnon)
stop

# Restart: the index is reused.
start --index-dir "$work/index"
ready
reuse_log=$(log | grep -o 'search index ready in [^ ]*' | awk '{print $NF}')
reuse_written=$(log | grep -o '([0-9]* documents written' | tr -d '(' | awk '{print $1}')
stop

# The scan, for comparison.
start --no-index
read -r scan_rps scan_p50 scan_p99 scan_st <<<"$(measure 4 -s bench/search.lua "$base" -- rotate $(cat "$work/words"))"
stop

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/ {print $2}') GiB"
echo "archive: $(ls "$work/archive" | wc -l) files, $comments comments, $((bytes / 1048576)) MiB (make_scale.py)"
echo
echo "| measure | value | target |"
echo "| --- | --- | --- |"
echo "| index build (log) | $build_log | recorded |"
echo "| index size | $((index_bytes / 1048576)) MiB ($(awk -v i="$index_bytes" -v b="$bytes" 'BEGIN {printf "%.2f", i / b}')× the archive) | ≤ 1× |"
echo "| RssAnon after indexing | $((anon / 1024)) MiB ($(awk -v a="$anon" -v b="$bytes" 'BEGIN {printf "%.2f", a * 1024 / b}')× the archive), peak RSS $((hwm / 1024)) MiB | ≤ 1.5× |"
echo "| RssAnon after the wrk runs | $((anon_after / 1024)) MiB ($(awk -v a="$anon_after" -v b="$bytes" 'BEGIN {printf "%.2f", a * 1024 / b}')×) | |"
echo "| restart: index reused | $reuse_log, $reuse_written documents written | < 1 s, none |"
echo "| 100-comment page, 4 conns | $page_rps req/s, p50 $page_p50, p99 $page_p99 | |"
echo "| search, 300 rotating queries, 4 conns | $rot_rps req/s ($(awk -v s="$rot_rps" -v p="$page_rps" 'BEGIN {printf "%.2f", s / p}')× the page), p50 $rot_p50, p99 $rot_p99; $rot_st | ≥ 0.25×, p99 ≤ 50 ms |"
echo "| search, fresh pairs (no cache), 4 conns | $uni_rps req/s ($(awk -v s="$uni_rps" -v p="$page_rps" 'BEGIN {printf "%.2f", s / p}')×), p50 $uni_p50, p99 $uni_p99; $uni_st | |"
echo "| scan (--no-index), rotating, 4 conns | $scan_rps req/s, p50 $scan_p50, p99 $scan_p99; $scan_st | (before) |"
echo "| overload: fresh pairs, 64 conns | $over_rps req/s, p50 $over_p50, p99 $over_p99; $over_st | 503s, no errors |"
