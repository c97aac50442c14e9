#!/usr/bin/env python3
"""seeds.py POLICYC ORACLE DIR: write the starting corpus of every fuzz
target into DIR/<target>/, from what the tree already holds (nothing
binary is committed for it):

  json    examples/vendors, the JSON of the golden CLI cases and the
          policy tests
  policy  the example policies, stdlib modules, test and golden policies
  load    each of those policies compiled by POLICYC to saved bytecode
  eval    every expression of tests/golden/expr/*.cel and of the cel
          blocks of docs/*.md, and 500 the oracle generates (ORACLE
          --print), which nest operators and macros deeper
  tzif    a few dozen zone files of the system's zoneinfo

Files are named by a hash of their contents, so running it again adds
nothing twice and leaves what libFuzzer added to DIR alone.
"""
import glob, hashlib, os, re, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
EXPECT = re.compile(r"^(?P<expr>.*?)\s*//\s*=>")
ZONES = """UTC Asia/Tokyo Asia/Kolkata Asia/Kathmandu America/New_York
America/Sao_Paulo America/St_Johns Australia/Lord_Howe Europe/Dublin
Europe/London Europe/Moscow Pacific/Apia Pacific/Chatham Pacific/Kiritimati
Africa/Casablanca Antarctica/Troll America/Santiago Asia/Gaza Etc/GMT+12
Etc/GMT-14 right/UTC right/Asia/Tokyo posixrules Factory""".split()


def put(outdir, data):
    os.makedirs(outdir, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)


def files(*patterns):
    for pat in patterns:
        yield from sorted(glob.glob(os.path.join(ROOT, pat)))


def cel_lines(path):
    in_block = path.endswith(".cel")
    for line in open(path, encoding="utf-8"):
        if path.endswith(".md") and line.startswith("```"):
            in_block = line.strip() == "```cel"
            continue
        m = EXPECT.match(line)
        if in_block and m and m.group("expr").strip():
            yield m.group("expr").strip()


def policies():
    return list(files("examples/policies/*.pol", "examples/embed/*.pol",
                      "stdlib/*.pol", "tests/policy/*.pol",
                      "tests/golden/cli/*.pol"))


def main():
    policyc, oracle = os.path.abspath(sys.argv[1]), sys.argv[2]
    out = sys.argv[3]
    for path in files("examples/vendors/*.json", "tests/golden/cli/*.json",
                      "tests/policy/*.json"):
        put(os.path.join(out, "json"), open(path, "rb").read())
    for path in policies():
        put(os.path.join(out, "policy"), open(path, "rb").read())
    with tempfile.TemporaryDirectory() as tmp:
        saved = os.path.join(tmp, "p.polc")
        for path in policies():
            r = subprocess.run([policyc, "compile", path, "-o", saved],
                               cwd=os.path.dirname(path),
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            if r.returncode == 0:
                put(os.path.join(out, "load"), open(saved, "rb").read())
    for path in files("tests/golden/expr/*.cel", "docs/*.md"):
        for expr in cel_lines(path):
            put(os.path.join(out, "eval"), expr.encode("utf-8"))
    printed = subprocess.run([oracle, "--print", "--count", "500"],
                             stdout=subprocess.PIPE, check=True).stdout
    for expr in printed.splitlines():
        put(os.path.join(out, "eval"), expr)
    zonedir = os.environ.get("TZDIR") or "/usr/share/zoneinfo"
    for zone in ZONES:
        path = os.path.join(zonedir, zone)
        if os.path.isfile(path):
            put(os.path.join(out, "tzif"), open(path, "rb").read())
    for t in ("json", "policy", "load", "eval", "tzif"):
        n = len(os.listdir(os.path.join(out, t)))
        print("  SEEDS   %s: %d inputs" % (t, n))


main()
