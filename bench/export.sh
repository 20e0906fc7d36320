#!/usr/bin/env bash
# The static export at scale (issue 11):
#   bench/export.sh CORPUS [COMMENTS]      (default 1000000)
#   bench/export.sh --dir FOLDER           (an archive already made)
# Grows CORPUS (real threads in the text format) to COMMENTS comments with
# make_scale.py, then in one run: the server's load time of the archive;
# a first export without search (time, peak RSS); Pagefind over it (the
# same export again with search: it writes no page and runs Pagefind);
# an export again over the unchanged archive; one file changed and
# exported again. Prints the output's size against the archive's and its
# number of files.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --dir ]; then
  archive=${2:?usage: bench/export.sh --dir FOLDER}
  made=
else
  corpus=${1:?usage: bench/export.sh CORPUS [COMMENTS]}
  comments=${2:-1000000}
  made=1
fi
pagefind=${PAGEFIND:-tests/browser/node_modules/.bin/pagefind}

cargo build --release --quiet --bin threadview
bin=./target/release/threadview
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
if [ -n "$made" ]; then
  archive=$work/archive
  python3 "${MAKE_SCALE:-$(dirname "$corpus")/tools/make_scale.py}" "$corpus" "$archive" "$comments" >/dev/null
else
  cp -r "$archive" "$work/archive"
  archive=$work/archive
fi
out=$work/site

# The server's load time: from its own log line.
"$bin" "$archive" --port 0 --no-index >"$work/url" 2>"$work/log" &
pid=$!
for _ in $(seq 3000); do [ -s "$work/url" ] && break; sleep 0.1; done
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
load=$(sed 's/\x1b\[[0-9;]*m//g' "$work/log" | grep -o 'loaded .* in [0-9.]*[mµ]*s' | awk '{print $NF}')
case $load in
  *ms) load=$(awk -v x="${load%ms}" 'BEGIN {print x / 1000}') ;;
  *) load=${load%s} ;;
esac

# Runs an export; prints "seconds peak-MiB" and keeps its summary.
run() {
  if ! /usr/bin/time -f "%e %M" -o "$work/time" "$bin" export "$archive" "$out" "$@" \
    >"$work/summary" 2>"$work/err"; then
    tail -5 "$work/err" >&2
    exit 1
  fi
  awk '{printf "%s %.0f", $1, $2 / 1024}' "$work/time"
}
read -r first first_mib <<<"$(run --no-search)"
echo "first export: $first s, $first_mib MiB" >&2
read -r search search_mib <<<"$(run --pagefind "$pagefind")"
echo "with Pagefind: $search s, $search_mib MiB" >&2
read -r again again_mib <<<"$(run --pagefind "$pagefind")"
again_summary=$(head -1 "$work/summary")
one=$(ls "$archive" | awk "NR == 1")
sed -i '0,/^$/s//\nOne more line in the article.\n/' "$archive/$one"
read -r changed changed_mib <<<"$(run --pagefind "$pagefind")"
changed_summary=$(head -1 "$work/summary")

archive_bytes=$(cat "$archive"/* | wc -c)
total_bytes=$(du -sb "$out" | cut -f1)
files=$(find "$out" -type f | wc -l)
search_bytes=$(find "$out"/pagefind* -type f -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
pages_bytes=$(find "$out" -name '*.html' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
search_files=$(find "$out"/pagefind* -type f | wc -l)
echo "archive: $(ls "$archive" | wc -l) files, $archive_bytes bytes; server load ${load} s"
echo "| step | time | × load | peak RSS |"
echo "|---|---|---|---|"
for row in "export, no search:$first:$first_mib" "Pagefind over it:$search:$search_mib" \
  "again, unchanged:$again:$again_mib" "again, one file changed:$changed:$changed_mib"; do
  IFS=: read -r name s mib <<<"$row"
  awk -v n="$name" -v s="$s" -v l="$load" -v m="$mib" 'BEGIN {printf "| %s | %.1f s | %.1f× | %d MiB |\n", n, s, s / l, m}'
done
awk -v p="$pages_bytes" -v s="$search_bytes" -v t="$total_bytes" -v a="$archive_bytes" -v f="$files" 'BEGIN {
  printf "output: %d files; pages %.0f MB (%.2f×), search index %.0f MB (%.2f×), all (du) %.0f MB (%.2f× the archive)\n",
    f, p / 1e6, p / a, s / 1e6, s / a, t / 1e6, t / a }'
echo "search files: $search_files in $(ls -d "$out"/pagefind* | wc -l) bundles"
echo "unchanged: $again_summary"
echo "one changed: $changed_summary"
