#!/usr/bin/env python3
"""Walks every page of threadview's default views, as a crawler would, and
samples the server's memory as it goes.
usage: crawl.py BASE_URL SERVER_PID [WORKERS]
Follows links to `/`, `/authors`, `/authors/NAME`, `/d/ID` and their pages
(`page=`) and timelines (`view=timeline`); sorts, filters and per-comment
pages are left out (a million of those would be another run). Prints a
table of resident memory (VmRSS, RssAnon) over the walk and what it met."""
import html
import http.client
import queue
import re
import sys
import threading
import time
import urllib.parse

base, pid = sys.argv[1], int(sys.argv[2])
workers = int(sys.argv[3]) if len(sys.argv) > 3 else 4
host = urllib.parse.urlsplit(base)
HREF = re.compile(r'href="(/[^"#]*)')


def wanted(href):
    parts = urllib.parse.urlsplit(href)
    path, params = parts.path, urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    if not (path in ("/", "/authors") or path.startswith("/authors/")
            or (path.startswith("/d/") and "/c/" not in path)):
        return False
    return all(k == "page" or (k == "view" and v == "timeline") for k, v in params)


def memory():
    fields = {}
    for line in open(f"/proc/{pid}/status"):
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon"):
            fields[name] = int(value.split()[0]) // 1024
    return fields.get("VmRSS", 0), fields.get("RssAnon", 0)


todo, seen, lock = queue.Queue(), {"/"}, threading.Lock()
todo.put("/")
stats = {"pages": 0, "bytes": 0, "errors": 0}


def work():
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
    while True:
        try:
            path = todo.get(timeout=5)
        except queue.Empty:
            return
        try:
            conn.request("GET", path, headers={"Accept-Encoding": "identity"})
            response = conn.getresponse()
            body = response.read().decode("utf-8", "replace")
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
            body, ok = "", False
        links = [html.unescape(h) for h in HREF.findall(body)]
        with lock:
            stats["pages"] += 1
            stats["bytes"] += len(body)
            stats["errors"] += 0 if ok else 1
            for link in links:
                if link not in seen and wanted(link):
                    seen.add(link)
                    todo.put(link)
        todo.task_done()


start = time.time()
samples = [(0.0, 0, *memory())]
threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
for t in threads:
    t.start()
while any(t.is_alive() for t in threads):
    time.sleep(5)
    samples.append((time.time() - start, stats["pages"], *memory()))
elapsed = time.time() - start
print(f"crawl: {stats['pages']:,} pages ({stats['bytes'] / 2**30:.2f} GiB of HTML) in {elapsed:.0f} s, "
      f"{stats['pages'] / elapsed:.0f} pages/s, {workers} connections, {stats['errors']} errors")
print()
print("| time | pages walked | VmRSS | RssAnon |")
print("| --- | --- | --- | --- |")
step = max(1, len(samples) // 12)
for t, pages, rss, anon in samples[::step] + ([samples[-1]] if (len(samples) - 1) % step else []):
    print(f"| {t:.0f} s | {pages:,} | {rss} MiB | {anon} MiB |")
