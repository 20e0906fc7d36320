#!/usr/bin/env python3
"""Writes one discussion of N comments grown from real threads, for the
paging benchmarks: the comment sections of the documents in SRC_DIR, repeated
with authors renamed and times shifted, one after another in one document.
Real comment sizes, authors and nesting; one thread of any size.
With HUB, the thread starts with one comment whose HUB direct replies are
real comments too, each lifted to the first reply level.
usage: megathread.py SRC_DIR OUT_FILE N [HUB]
e.g.   megathread.py CORPUS_DIR /tmp/mega/mega.txt 100000 20000"""
import datetime
import glob
import os
import re
import sys

src, out, target = sys.argv[1], sys.argv[2], int(sys.argv[3])
hub = int(sys.argv[4]) if len(sys.argv) > 4 else 0
HEADER = re.compile(r'^(?P<ind>[ \t]*)(?P<a>\S+) on (?P<when>[A-Z][a-z]+ \d{1,2}(?:st|nd|rd|th)?, \d{4} at \d{1,2}:\d{2}) UTC »\s*$')


def ordinal(n):
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


# Each source's lines from its first comment header on.
sections = []
for path in sorted(glob.glob(os.path.join(src, "*.txt"))):
    lines = open(path, encoding="utf-8").read().split("\n")
    first = next((i for i, ln in enumerate(lines) if HEADER.match(ln)), None)
    if first is not None:
        sections.append(lines[first:])
if not sections:
    sys.exit(f"no comment headers in {src}")

os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
written = 0
with open(out, "w", encoding="utf-8") as f:
    f.write(f"A megathread of {target} comments\n\nAuthored by example.com and submitted by megathread_op\n\n"
            "Real comments from several threads, one after another.\n\n")
    if hub:
        # The hub, then its replies: every comment of the sources, its header
        # and body moved to the first reply level.
        f.write("megathread_op on January 1st, 2024 at 00:00 UTC »\n\nThe comment everyone answers.\n\n")
        written += 1
        replies, copy, width = 0, 0, 0
        while replies < hub:
            for lines in sections:
                for ln in lines:
                    m = HEADER.match(ln)
                    if m:
                        if replies >= hub:
                            break
                        replies += 1
                        width = len(m['ind'].expandtabs(4))
                        f.write(f"    {m['a']}_h{copy % 89} on January 2nd, 2024 at {replies // 60 % 24:02d}:{replies % 60:02d} UTC »\n")
                    else:
                        body = ln.expandtabs(4)
                        strip = min(width, len(body) - len(body.lstrip(' ')))
                        f.write(("    " + body[strip:]) if body.strip() else "")
                        f.write("\n")
                copy += 1
                if replies >= hub:
                    break
        written += replies
        f.write("\n")
    copy = 0
    while written < target:
        for lines in sections:
            shift = datetime.timedelta(minutes=copy * 11)
            keep = True
            for ln in lines:
                m = HEADER.match(ln)
                if m:
                    if written >= target:
                        keep = False
                        break
                    written += 1
                    when = re.sub(r'(\d)(st|nd|rd|th),', r'\1,', m['when'])
                    t = datetime.datetime.strptime(when, "%B %d, %Y at %H:%M") + shift
                    ln = (f"{m['ind']}{m['a']}{'_' + str(copy % 89) if copy else ''} on {t.strftime('%B')} "
                          f"{ordinal(t.day)}, {t.year} at {t.strftime('%H:%M')} UTC »")
                f.write(ln + "\n")
            f.write("\n")
            copy += 1
            if not keep or written >= target:
                break
print(f"wrote {out}: {written} comments")
