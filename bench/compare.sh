#!/usr/bin/env bash
# Two builds of threadview side by side on one archive, in one run:
#   bench/compare.sh BEFORE_BIN AFTER_BIN ARCHIVE [SECONDS]
# For each: the server's load time (its log), requests per second on the
# index and a 100-comment thread from the page cache and rendered afresh
# (--cache-mib 0), and a whole export without search (best of two).
# Builds alternate, so a busy moment of the machine falls on both.
set -euo pipefail
before=${1:?usage: bench/compare.sh BEFORE_BIN AFTER_BIN ARCHIVE [SECONDS]}
after=${2:?}
archive=${3:?}
secs=${4:-5}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# Starts BIN on the archive with ARGS; sets $base, $pid and $load.
start() {
  local bin=$1; shift
  "$bin" "$archive" --port 0 --no-index "$@" >"$work/url" 2>"$work/log" &
  pid=$!
  for _ in $(seq 3000); do [ -s "$work/url" ] && break; sleep 0.1; done
  base=$(awk '{print $NF}' "$work/url" | sed 's#/$##')
  load=$(sed 's/\x1b\[[0-9;]*m//g' "$work/log" | grep -o 'loaded .* in [0-9.]*[mµ]*s' | awk '{print $NF}')
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
rps() {
  curl -s "$base$1" >/dev/null
  wrk -t2 -c16 -d"${secs}s" "$base$1" | awk '/Requests\/sec/ {print int($2)}'
}

start "$before"
hundred=$(curl -s "$base/api/discussions" | python3 -c '
import json, sys
ds = json.load(sys.stdin)
print(min(ds, key=lambda d: abs(d["comment_count"] - 100))["id"])')
stop

echo "| build | load | index, cached | 100 comments, cached | index, rendered | 100 comments, rendered | export (no search) |"
echo "|---|---|---|---|---|---|---|"
for round in 1 2; do
  for name in before after; do
    bin=$before; [ "$name" = after ] && bin=$after
    start "$bin"
    index=$(rps /); thread=$(rps "/d/$hundred")
    stop
    start "$bin" --cache-mib 0
    index_fresh=$(rps /); thread_fresh=$(rps "/d/$hundred")
    stop
    rm -rf "$work/out"
    /usr/bin/time -f "%e" -o "$work/time" "$bin" export "$archive" "$work/out" --no-search >/dev/null 2>&1
    echo "| $name ($round) | $load | $index/s | $thread/s | $index_fresh/s | $thread_fresh/s | $(cat "$work/time") s |"
  done
done
