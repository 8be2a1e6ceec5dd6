"""The part of each step's record in test_differential.sh that is not a
git command of its own, in one process (cheaper than one per link).

Usage, in the working tree: python3 differential-judge.py ROOT TMP FILE RC
where FILE.stdout, .stderr, .status, .diffstat and .gsym.out (the output
of `git symlinks status --porcelain`, which exited RC) exist. Writes:
  FILE.links  the mode-120000 entries of `git ls-files -s`
  FILE.view   what a build sees at each link entry's path: a file's hash and
              first line; a directory's files (followed through links, as a
              build follows them) with their hashes; "unresolved" where the
              link points at nothing: a dangling real link, or on a
              link-less disk git's placeholder (a file holding one of the
              entry's blobs); or "missing"
  FILE.gsym   the entries FILE.gsym.out finds not at their best, as
              "STATE PATH", and RC unless 0 or 1. dangling is a best state
              (nothing to point at), and so is unsafe for d/up, the
              fixture's one link whose target leaves the tree (its
              placeholder is all it can be)
and replaces ROOT by <ROOT>, then TMP by <TMP>, in every record.
"""
import hashlib
import os
import re
import subprocess
import sys

root, tmp, f, rc = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])


def key(s):
    return s.encode("utf-8", "surrogateescape")


def short(data):
    return hashlib.sha1(data).hexdigest()[:10]


def read(path):
    with open(path, "rb") as fh:
        return fh.read()


ls = subprocess.run(["git", "ls-files", "-s"], capture_output=True, check=False)
links = [l for l in ls.stdout.split(b"\n") if l.startswith(b"120000 ")]
with open(f + ".links", "wb") as out:
    out.write(b"".join(l + b"\n" for l in links))
    out.write(ls.stderr)

# path -> the blobs of its entries (more than one in a conflict)
blobs = {}
for l in links:
    meta, path = l.split(b"\t", 1)
    blobs.setdefault(path.decode("utf-8", "surrogateescape"), set()).add(
        meta.split()[1].decode())
contents = {}
oids = sorted({o for s in blobs.values() for o in s})
if oids:
    cat = subprocess.run(["git", "cat-file", "--batch"],
                         input="".join(o + "\n" for o in oids).encode(),
                         capture_output=True, check=False).stdout
    i = 0
    for o in oids:
        nl = cat.index(b"\n", i)
        size = int(cat[i:nl].split()[2])
        contents[o] = cat[nl + 1:nl + 1 + size]
        i = nl + 1 + size + 1

view = []
for p in sorted(blobs, key=key):
    if os.path.isdir(p):
        view.append(p + ": directory")
        files = []
        for d, _, names in os.walk(p, followlinks=True):
            for n in names:
                q = os.path.join(d, n)
                if os.path.isfile(q):
                    files.append(os.path.relpath(q, p))
        for q in sorted(files, key=key):
            view.append("  ./%s %s" % (q, short(read(os.path.join(p, q)))))
    elif os.path.isfile(p):
        data = read(p)
        if not os.path.islink(p) and any(contents.get(o) == data for o in blobs[p]):
            view.append(p + ": unresolved")
        else:
            first = data[:40].split(b"\n")[0].decode("utf-8", "replace")
            view.append("%s: file %s %s" % (p, short(data), first))
    elif os.path.islink(p):
        view.append(p + ": unresolved")
    else:
        view.append(p + ": missing")
with open(f + ".view", "w", encoding="utf-8") as out:
    out.write("".join(v + "\n" for v in view))

with open(f + ".gsym", "w", encoding="utf-8") as out:
    if rc not in (0, 1):
        out.write("exit %d\n" % rc)
    for line in read(f + ".gsym.out").decode("utf-8", "replace").splitlines():
        m = re.match(r"([a-z]+) [a-z]+ [a-z]+ (.*)$", line)
        if not m:
            out.write(line + "\n")
        elif m.group(1) in ("ok", "dangling") or m.group(0).startswith("unsafe") and m.group(2) == "d/up":
            continue
        else:
            out.write("%s %s\n" % (m.group(1), m.group(2)))

for a in ("stdout", "stderr", "status", "diffstat", "links", "view", "gsym.out", "gsym"):
    data = read(f + "." + a)
    data = data.replace(root.encode(), b"<ROOT>").replace(tmp.encode(), b"<TMP>")
    with open(f + "." + a, "wb") as out:
        out.write(data)
