#!/usr/bin/env bash
# The dump reader on real comment texts (issue 12):
#   bench/dump.sh CORPUS [COMMENTS]      (default 900000: about 1 GB of dump)
# Grows CORPUS (a folder of real threads in the text format) to COMMENTS
# comments with make_scale.py, writes the same comments as an Arctic Shift
# style dump pair (examples/to-dump.rs: every field a real line carries),
# plain and zstd-compressed, then loads each of the three folders with the
# server and prints the load time, the throughput in MB/s of input, and the
# anonymous resident memory (RssAnon) per comment (the loader alone:
# --no-index). Each folder is loaded twice with a store in the work
# folder: the first start parses it into the store, the second reads the
# store.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:?usage: bench/dump.sh CORPUS [COMMENTS]}
comments=${2:-900000}
make_scale=${MAKE_SCALE:-$(dirname "$corpus")/tools/make_scale.py}

cargo build --release --quiet --bin threadview --example to-dump
bin=./target/release/threadview
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

python3 "$make_scale" "$corpus" "$work/text" "$comments" >/dev/null
./target/release/examples/to-dump "$work/text" "$work/jsonl"
./target/release/examples/to-dump "$work/text" "$work/zst" --zst
mkdir -p "$work/empty"

# Starts the server on DIR and waits until it listens; sets $pid.
start() {
  rm -f "$work/url" "$work/log"
  "$bin" "$1" --port 0 --no-index --store "$work/$(basename "$1").sqlite" >"$work/url" 2>"$work/log" &
  pid=$!
  for _ in $(seq 3000); do [ -s "$work/url" ] && break; sleep 0.1; done
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
field() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$pid/status"; }
seconds() {
  local load
  load=$(sed 's/\x1b\[[0-9;]*m//g' "$work/log" | grep -o 'loaded .* in [0-9.]*[mµ]*s' | awk '{print $NF}')
  case $load in
    *ms) awk -v x="${load%ms}" 'BEGIN {print x / 1000}' ;;
    *µs) awk -v x="${load%µs}" 'BEGIN {print x / 1000000}' ;;
    *) echo "${load%s}" ;;
  esac
}

start "$work/empty"; sleep 0.5; empty=$(field RssAnon); stop

# Throughput is of the input as read, and for the zstd pair also of the JSON
# it decompresses to (the plain pair's size).
json=$(cat "$work/jsonl"/* | wc -c)
echo "| input | start | files | bytes | comments | load | MB/s read | MB/s of JSON | RssAnon | bytes/comment | peak RSS (VmHWM) | store |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for kind in text jsonl zst; do
  dir=$work/$kind
  bytes=$(cat "$dir"/* | wc -c)
  [ "$kind" = text ] && of=$bytes || of=$json
  files=$(ls "$dir" | wc -l)
  for run in first again; do
    start "$dir"; sleep 1
    s=$(seconds); anon=$(field RssAnon); hwm=$(field VmHWM)
    stop
    store=$(stat -c %s "$work/$kind.sqlite")
    awk -v k="$kind" -v r="$run" -v f="$files" -v b="$bytes" -v o="$of" -v c="$comments" -v s="$s" -v a="$anon" -v e="$empty" -v h="$hwm" -v st="$store" 'BEGIN {
      printf "| %s | %s | %d | %.0f MB | %d | %.2f s | %.0f | %.0f | %.0f MiB | %.0f | %.0f MiB | %.0f MB |\n",
        k, r, f, b / 1e6, c, s, b / 1e6 / s, o / 1e6 / s, a / 1024, (a - e) * 1024 / c, h / 1024, st / 1e6 }'
  done
done
