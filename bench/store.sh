#!/usr/bin/env bash
# The store (issue 22) at a real archive's shape and ten times it:
#   bench/store.sh CORPUS [COMMENTS] [COPIES]   (default 1000000 and 10)
# Grows CORPUS (real threads in the text format) to COMMENTS comments with
# make_scale.py and its long tail of authors (400), and makes a folder of
# COPIES copies of it under other names (hard links: the same text, other
# discussions). For each folder: the first start (parsing everything into a
# new store) until the server says its address, the store's size against
# the documents', a restart on the unchanged folder (best of two), the
# anonymous resident memory after it, pages on a cold cache and the memory
# after a crawl (bench/cold.py: 500 random thread, author and list pages,
# then 2,000 more), and how long a file added while the server runs takes
# to be served.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:?usage: bench/store.sh CORPUS [COMMENTS] [COPIES]}
comments=${2:-1000000}
copies=${3:-10}
make_scale=${MAKE_SCALE:-$(dirname "$corpus")/tools/make_scale.py}
. bench/common.sh

python3 "$make_scale" "$corpus" "$work/one" "$comments" 400 >/dev/null
python3 - "$work" "$copies" <<'LINK'
import os, sys
work, copies = sys.argv[1], int(sys.argv[2])
os.mkdir(f"{work}/many")
for name in os.listdir(f"{work}/one"):
    for k in range(copies):
        os.link(f"{work}/one/{name}", f"{work}/many/{k}_{name}")
LINK

now() { date +%s.%N; }
# Starts the server on DIR with the store STORE; sets $pid, and $took to
# the seconds until it says its address (ten minutes at most).
start() {
  rm -f "$work/url" "$work/log"
  local t0; t0=$(now)
  "$bin" "$1" --port 0 --no-index --store "$2" >"$work/url" 2>"$work/log" &
  pid=$!
  for _ in $(seq 60000); do [ -s "$work/url" ] && break; sleep 0.01; done
  [ -s "$work/url" ] || { echo "no address from the server" >&2; exit 1; }
  took=$(echo "$(now) - $t0" | bc)
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
field() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$pid/status"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
echo
declare -A cold
echo "| archive | comments | text | first start | store | store / text | restart | RssAnon | a file added, served after |"
echo "|---|---|---|---|---|---|---|---|---|"
for name in one many; do
  dir=$work/$name
  store=$work/$name.sqlite
  n=$((comments * $([ "$name" = one ] && echo 1 || echo "$copies")))
  text=$(find "$dir" -name '*.txt' -printf '%s\n' | awk '{s += $1} END {print s}')
  start "$dir" "$store"; first=$took; stop
  bytes=$(stat -c %s "$store")
  start "$dir" "$store"; again=$took; stop
  start "$dir" "$store"; restart=$took
  if [ "$(echo "$again < $restart" | bc)" = 1 ]; then restart=$again; fi
  sleep 1
  anon=$(field RssAnon)
  url=$(awk '{print $NF}' "$work/url")
  cold[$name]=$(python3 bench/cold.py "$url" "$store" "$pid" 500 2000)
  # A new discussion while it runs: served once the watcher has read it.
  t0=$(now)
  cp "$work/one/$(ls "$work/one" | head -1)" "$dir/zz_added.txt"
  until curl -sf -o /dev/null "${url}d/zz_added"; do sleep 0.02; done
  added=$(echo "$(now) - $t0" | bc)
  stop
  awk -v a="$name" -v n="$n" -v t="$text" -v f="$first" -v s="$bytes" -v r="$restart" -v m="$anon" -v d="$added" 'BEGIN {
    printf "| %s | %d | %.0f MB | %.1f s | %.0f MB | %.2f | %.2f s | %.0f MiB | %.1f s |\n",
      a, n, t / 1e6, f, s / 1e6, s / t, r, m / 1024, d }'
done
for name in one many; do
  echo
  echo "$name, bench/cold.py:"
  echo "${cold[$name]}"
done
