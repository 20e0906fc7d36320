#!/usr/bin/env bash
# The paging run (issue "Pages at any size"), on this machine, in one go:
#   bench/pages.sh SHARED_CORPUS_DIR [COMMENTS]      (default 1000000)
# Grows a realistic archive from real threads: make_scale.py (beside the
# corpus, in the team's tools folder) for COMMENTS - 100,000 comments in
# many discussions, plus bench/megathread.py for one 100,000-comment thread
# whose first comment has 20,000 direct replies. Then, on a release build
# serving it on 127.0.0.1:
#   1. elements and bytes of every kind of page (budget 3,000 and 400 KB);
#   2. Lighthouse (mobile, default throttling) on the thread's first page,
#      `/` and `/authors` (needs `npm ci --prefix bench` and Chromium);
#   3. a crawler walking every page of the default views (bench/crawl.py)
#      while resident memory is sampled.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:?usage: bench/pages.sh SHARED_CORPUS_DIR [COMMENTS]}
comments=${2:-1000000}
tools=$(cd "$corpus/.." && pwd)/tools

# The build, $work (removed at exit with the server $pid) and wait_for_url.
. bench/common.sh

archive=$work/archive
python3 "$tools/make_scale.py" "$corpus" "$archive" $((comments - 100000)) >/dev/null
python3 bench/megathread.py "$corpus" "$archive/megathread.txt" 100000 20000 >/dev/null
bytes=$(cat "$archive"/*.txt | wc -c)
files=$(find "$archive" -name '*.txt' | wc -l)

"$bin" "$archive" --port 0 --index-dir "$work/index" >"$work/url" 2>"$work/log" &
pid=$!
wait_for_url "$work/url"
base=$(awk '{print $NF}' "$work/url" | sed 's#/$##')
hub=$(curl -s "$base/api/discussions/megathread?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["comments"][0]["id"])')
author=$(curl -s "$base/api/authors?limit=1" | python3 -c 'import json,sys,urllib.parse; print(urllib.parse.quote(json.load(sys.stdin)[0]["name"], safe=""))')

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "archive: $files files, $(curl -s "$base/" | grep -o '[0-9,]* comments\.' | head -1) $((bytes / 1048576)) MiB; megathread: 100,000 comments, hub $hub with 20,000 direct replies"
echo
echo "| page | elements | bytes | first render |"
echo "| --- | --- | --- | --- |"
for path in "/" "/?sort=comments&page=50" "/authors" "/authors?sort=name&page=300" "/authors/$author" \
  "/search?q=the" "/search?q=the&page=20" "/d/megathread" "/d/megathread?page=500" \
  "/d/megathread?view=timeline" "/d/megathread?sort=new" "/d/megathread?author=megathread_op" \
  "/d/megathread?q=moon" "/d/megathread/c/$hub" "/d/megathread/c/$hub?page=150" "/d/000000" "/diagnostics"; do
  t=$(curl -s -o "$work/page" -w '%{time_total}' "$base$path")
  python3 - "$work/page" "$path" "$t" <<'PY'
import sys
from html.parser import HTMLParser
class Count(HTMLParser):
    n = 0
    def handle_starttag(self, tag, attrs): self.n += 1
    def handle_startendtag(self, tag, attrs): self.n += 1
body = open(sys.argv[1], encoding="utf-8").read()
c = Count(); c.feed(body)
ok = "" if c.n <= 3000 and len(body.encode()) <= 400_000 else " **over**"
print(f"| `{sys.argv[2]}` | {c.n:,} | {len(body.encode()):,}{ok} | {float(sys.argv[3]) * 1000:.0f} ms |")
PY
done

echo
bench/lighthouse.sh "$base" "/d/megathread" "/" "/authors"

echo
python3 bench/crawl.py "$base" "$pid"
