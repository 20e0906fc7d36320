#!/usr/bin/env bash
# Lighthouse (mobile, default throttling; performance and accessibility) on
# pages of a running server, as one Markdown table:
#   bench/lighthouse.sh BASE_URL PATH...
# Needs `npm ci --prefix bench` and Chromium; says so and stops without.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: bench/lighthouse.sh BASE_URL PATH...}
shift
if [ ! -x bench/node_modules/.bin/lighthouse ]; then
  echo "(Lighthouse skipped: npm ci --prefix bench)"
  exit 0
fi
report=$(mktemp)
trap 'rm -f "$report"' EXIT
echo "| Lighthouse (mobile) | performance | accessibility | TBT | CLS | LCP | bytes |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for path in "$@"; do
  CHROME_PATH=$(command -v chromium) bench/node_modules/.bin/lighthouse "$base$path" --quiet \
    --chrome-flags="--headless=new --no-sandbox" --only-categories=performance,accessibility \
    --output=json --output-path="$report" >/dev/null 2>&1 || true
  python3 - "$report" "$path" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c, a = d["categories"], d["audits"]
print(f"| `{sys.argv[2]}` | {c['performance']['score'] * 100:.0f} | {c['accessibility']['score'] * 100:.0f} "
      f"| {a['total-blocking-time']['displayValue']} | {a['cumulative-layout-shift']['numericValue']:.3f} "
      f"| {a['largest-contentful-paint']['displayValue']} | {a['total-byte-weight']['numericValue'] / 1024:.0f} KiB |")
PY
done
