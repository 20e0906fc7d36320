#!/usr/bin/env bash
# The media run (issue "Media"), on this machine, in one go:
#   bench/media.sh [FFMPEG]          (default: ffmpeg on the PATH)
# Makes an image-heavy archive of r/ferries in a temporary folder: a
# gallery post of 24 photos of 1080 x 1350 (JPEG, ~100-200 KB each, made by
# ffmpeg's test sources, named as gallery-dl names them), 30 picture posts
# with their files (bdfr's names), 30 whose files are missing, and 400
# comments on the gallery. Then, on a release build serving it on
# 127.0.0.1:
#   1. the load time with and without the media scan;
#   2. the thumbnails of `/`: made on first request, then kept;
#   3. Lighthouse (mobile, default throttling) on the gallery's page, a
#      placeholder page and `/` (thumbnails): performance, accessibility,
#      CLS, LCP (needs `npm ci --prefix bench` and Chromium);
#   4. an export: files, bytes, and a second export's time (nothing copied).
set -euo pipefail
cd "$(dirname "$0")/.."
ffmpeg=${1:-ffmpeg}

# The build, $work (removed at exit with the server $pid) and wait_for_url.
. bench/common.sh

archive=$work/archive
mkdir -p "$archive/ferries" "$archive/media"
for n in $(seq 1 24); do
  "$ffmpeg" -loglevel error -y -f lavfi -i "testsrc2=s=1080x1350:d=1,hue=h=$((n * 15))" \
    -frames:v 1 -q:v 5 "$archive/media/$(printf 'g4y24q_%02d Ferries of the fjord.jpg' "$n")"
done
for n in $(seq 1 30); do
  "$ffmpeg" -loglevel error -y -f lavfi -i "testsrc2=s=1280x960:d=1,hue=h=$((n * 11))" \
    -frames:v 1 -q:v 6 "$archive/ferries/$(printf 'harbourfan_Crossing number %d_p%04d.jpg' "$n" "$n")"
done
python3 - "$archive" <<'PY'
import json, sys, random
root = sys.argv[1]
random.seed(7)
base = 1717230000
words = "ferry harbour tide deck crossing pier gull fog timetable captain wake quay island".split()
def text(n): return " ".join(random.choice(words) for _ in range(n)).capitalize() + "."
items = [{"media_id": f"m{n:02d}", "id": n, "caption": f"Crossing {n}: {text(5)}"} for n in range(1, 25)]
meta = {f"m{n:02d}": {"status": "valid", "e": "Image", "m": "image/jpg",
        "s": {"u": f"https://preview.redd.it/m{n:02d}.jpg?width=1080", "x": 1080, "y": 1350}} for n in range(1, 25)}
comments, stack = [], []
for i in range(400):
    parent = random.choice(stack[-5:]) if stack and random.random() < 0.6 else None
    cid = f"k{i:04d}"
    comments.append({"id": cid, "author": f"reader{random.randint(1, 120)}", "body": text(random.randint(8, 60)),
                     "created_utc": base + 600 + i * 37, "score": random.randint(-3, 400),
                     "parent_id": f"t1_{parent}" if parent else "t3_g4y24q", "link_id": "t3_g4y24q"})
    stack.append(cid)
with open(f"{root}/gallery.jsonl", "w") as f:
    f.write(json.dumps({"id": "g4y24q", "subreddit": "ferries", "title": "Ferries of the fjord, a summer's worth",
        "author": "tidewatch", "selftext": "Twenty-four crossings, one a week.", "url": "https://www.reddit.com/gallery/g4y24q",
        "permalink": "/r/ferries/comments/g4y24q/ferries/", "created_utc": base, "score": 5120, "num_comments": 400,
        "gallery_data": {"items": items}, "media_metadata": meta}) + "\n")
    for c in comments: f.write(json.dumps(c) + "\n")
for n in range(1, 61):
    post = {"title": f"Crossing number {n}", "id": f"p{n:04d}", "author": "harbourfan", "selftext": "",
            "url": f"https://i.redd.it/crossing{n}.jpg", "permalink": f"/r/ferries/comments/p{n:04d}/x/",
            "subreddit": "ferries", "created_utc": base + n * 3600, "score": n * 7, "num_comments": 1,
            "comments": [{"id": f"q{n:04d}", "author": "gullwatcher", "body": text(20), "created_utc": base + n * 3600 + 60, "score": 2, "replies": []}]}
    json.dump(post, open(f"{root}/ferries/harbourfan_Crossing number {n}_p{n:04d}.json", "w"))
PY
media_bytes=$(du -sb "$archive/media" "$archive/ferries" | awk '{s += $1} END {print s}')

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "archive: 61 posts, 460 comments, 54 media files ($((media_bytes / 1024)) KiB)"
echo
echo "| load | median of 5 |"
echo "| --- | --- |"
load_ms() {
  for _ in 1 2 3 4 5; do
    "$bin" media "$archive" "$@" 2>&1 >/dev/null | grep -o 'loaded [^ ]* in [0-9.]*[mµ]s' | awk '{print $NF}'
  done | sort -n | sed -n 3p
}
echo "| with the media scan (default) | $(load_ms) |"
echo "| media in an empty folder | $(mkdir -p "$work/none" && load_ms --media "$work/none") |"

"$bin" "$archive" --port 0 --no-index >"$work/url" 2>"$work/log" &
pid=$!
wait_for_url "$work/url"
base=$(awk '{print $NF}' "$work/url" | sed 's#/$##')
# Thumbnails: the first request makes one (decoding a photo), the next
# comes from memory.
thumbs=$(curl -s "$base/" | grep -o 'src="/thumbnails/[^"]*"' | sed 's/src="//; s/"$//' | head -20)
made=0; kept=0; n=0
for t in $thumbs; do
  made=$(echo "$made + $(curl -s -o /dev/null -w '%{time_total}' "$base$t")" | bc)
  kept=$(echo "$kept + $(curl -s -o /dev/null -w '%{time_total}' "$base$t")" | bc)
  n=$((n + 1))
done
echo
echo "thumbnails of \`/\`: $n, made in $(echo "scale=1; $made * 1000 / $n" | bc) ms each on average (1280 x 960 JPEGs), then $(echo "scale=2; $kept * 1000 / $n" | bc) ms from memory"
echo
bench/lighthouse.sh "$base" "/d/g4y24q" "/d/harbourfan_Crossing%20number%2045_p0045" "/"
kill "$pid"; pid=

echo
for run in first again; do
  start=$(date +%s.%N)
  "$bin" export "$archive" "$work/site" --no-search 2>/dev/null | grep -E '^(exported|media)' | sed "s/^/$run: /"
  echo "$run: $(echo "$(date +%s.%N) - $start" | bc) s in all"
done
