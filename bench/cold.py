#!/usr/bin/env python3
"""Pages on a cold cache, then memory after a crawl of every kind of page.
usage: cold.py BASE_URL STORE SERVER_PID [PAGES] [CRAWL]
Run it right after the server started (it first asks for /by-name, to
know how many pages of names there are). It picks PAGES (500) random pages,
a third each of threads, authors and lists (the index, the authors, names,
the timeline, months and years, a community: each at a random page), from
what the store says the archive holds (read with Python's sqlite3,
read-only), asks each once, and prints p50, p99 and the slowest. Then it
asks CRAWL (2,000) more pages of every kind, four at a time, and prints the
server's RssAnon before, after the first pages and after the crawl."""
import http.client
import math
import random
import re
import sqlite3
import sys
import threading
import time
import urllib.parse

base, store, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
pages = int(sys.argv[4]) if len(sys.argv) > 4 else 500
crawl = int(sys.argv[5]) if len(sys.argv) > 5 else 2000
host = urllib.parse.urlsplit(base)
random.seed(22)

db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
threads = db.execute(
    "SELECT name, comment_count FROM discussions WHERE file IS NOT -1").fetchall()
authors = db.execute(
    "SELECT name, comment_count FROM authors WHERE comment_count > 0").fetchall()
comments = sum(n for _, n in threads)
months = [m for (m,) in db.execute(
    "SELECT DISTINCT strftime('%Y/%m', first_at, 'unixepoch') FROM discussions "
    "WHERE first_at IS NOT NULL")]
community = db.execute(
    "SELECT community_kind, community FROM discussions WHERE community IS NOT NULL "
    "LIMIT 1").fetchone()
db.close()


def quote(name):
    return urllib.parse.quote(name, safe="")


def paged(path, count, per_page):
    last = max(1, math.ceil(count / per_page))
    page = random.randint(1, last)
    sep = "&" if "?" in path else "?"
    return path if page == 1 else f"{path}{sep}page={page}"


def thread():
    name, n = random.choice(threads)
    return paged(f"/d/{quote(name)}", n, 200)


def author():
    name, n = random.choice(authors)
    # Their first page (later ones hold fewer whole comments than 100 when
    # comments are long: the first always exists).
    return f"/authors/{quote(name)}"


def listing():
    kind = random.randrange(6)
    if kind == 0:
        return paged("/", len(threads), 100)
    if kind == 1:
        return paged("/authors", len(authors), 250)
    if kind == 2:
        return paged("/by-name", names_pages, 1)
    if kind == 3:
        # Timeline pages hold 100 comments or fewer: ask within the first
        # half of what 100 a page gives, so the page exists.
        return paged("/timeline", comments // 2, 100)
    if kind == 4 and months:
        month = random.choice(months)
        return f"/{month}" if random.random() < 0.5 else f"/{month[:4]}"
    if community:
        prefix = "r" if community[0] == "subreddit" else "s"
        return f"/{prefix}/{quote(community[1])}"
    return "/"


def anon():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) // 1024
    return 0


def fetch(conn, path):
    t0 = time.perf_counter()
    conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
    response = conn.getresponse()
    response.read()
    return time.perf_counter() - t0, response.status


# How many pages of names there are: the highest its first page links to
# (asked before the cold pages, and not counted with them).
conn = http.client.HTTPConnection(host.hostname, host.port, timeout=120)
conn.request("GET", "/by-name")
first = conn.getresponse().read().decode()
names_pages = max([int(n) for n in re.findall(r"page=(\d+)", first)] or [1])
conn.close()
kinds = [thread, author, listing]
chosen = [kinds[i % 3]() for i in range(pages)]
before = anon()
conn = http.client.HTTPConnection(host.hostname, host.port, timeout=120)
times, failed = [], []
for path in chosen:
    took, status = fetch(conn, path)
    times.append((took, path))
    if status != 200:
        failed.append((status, path))
times.sort()
ms = lambda s: f"{s * 1000:.1f} ms"
p50 = times[len(times) // 2][0]
p99 = times[min(len(times) - 1, math.ceil(len(times) * 0.99) - 1)][0]
after_cold = anon()
print(f"{len(times)} cold pages: p50 {ms(p50)}, p99 {ms(p99)}, slowest {ms(times[-1][0])} "
      f"({times[-1][1]}); not 200: {len(failed)} {failed[:3]}")
for took, path in times[-5:]:
    print(f"  {ms(took)} {path}")

more = [kinds[i % 3]() for i in range(crawl)]
errors = []


def work(part):
    c = http.client.HTTPConnection(host.hostname, host.port, timeout=120)
    for path in part:
        _, status = fetch(c, path)
        if status != 200:
            errors.append((status, path))


started = time.time()
workers = [threading.Thread(target=work, args=(more[k::4],)) for k in range(4)]
for w in workers:
    w.start()
for w in workers:
    w.join()
print(f"crawl of {crawl} pages in {time.time() - started:.0f} s, not 200: {len(errors)} "
      f"{errors[:3]}")
print(f"RssAnon: {before} MiB at start, {after_cold} MiB after the cold pages, "
      f"{anon()} MiB after the crawl")
