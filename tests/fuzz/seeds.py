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
  records the example vendors, the NDJSON of the golden cases, and
          streams made of them (concatenated, pretty-printed, with BOMs)
  sheet   the check sheets of the tests, behind each first byte that
          picks CSV or TSV
  waivers the golden waivers files, and one per rule of
          tests/fuzz/policy_rules.h
  testspec the policy test files, pointed at that policy and a vendor
  explain the example policies alone, and each with each example vendor
          after a line "%%"

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


def cli_seeds(out):
    vendors = [open(p, "rb").read() for p in files("examples/vendors/*.json")]
    for data in vendors + [open(p, "rb").read() for p in
                           files("tests/golden/cli/*.ndjson")]:
        put(os.path.join(out, "records"), data)
    put(os.path.join(out, "records"), b"".join(vendors))
    put(os.path.join(out, "records"),
        b"\xef\xbb\xbf" + b"\n\xef\xbb\xbf".join(vendors))
    put(os.path.join(out, "records"), b'{"a": 1}\n{"b": [\n{"c": "x"}\n1\n')
    for path in files("tests/recall/*.tsv", "tests/golden/cli/sheets/*.csv"):
        data = open(path, "rb").read()
        for pick in (0x00, 0x10, 0x21, 0x8a, 0x53):
            put(os.path.join(out, "sheet"), bytes([pick]) + data)
    for path in files("tests/golden/cli/*waiver*.json"):
        put(os.path.join(out, "waivers"), open(path, "rb").read())
    for rule in ("backup_generations", "mfa", "audit", "rule_3"):
        put(os.path.join(out, "waivers"), (
            '{"waivers": [{"rule": "%s", "vendor": "Fuzz Co", "owner": '
            '"情報システム部", "justification": "契約で補う", "ticket": '
            '"SEC-1", "expires": "2026-12-31"}]}\n' % rule).encode())
    for path in files("tests/policy/*_test.json"):
        text = open(path, encoding="utf-8").read()
        text = re.sub(r'"policy": *"[^"]*"', '"policy": "fuzz.pol"', text)
        text = re.sub(r'"facts_file": *"[^"]*"', '"facts_file": "vendor.json"',
                      text)
        put(os.path.join(out, "testspec"), text.encode("utf-8"))
    for pol in files("examples/policies/*.pol"):
        src = open(pol, "rb").read()
        put(os.path.join(out, "explain"), src)
        for v in vendors[:3]:
            put(os.path.join(out, "explain"), src + b"\n%%\n" + v)


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
    cli_seeds(out)
    for t in ("json", "policy", "load", "eval", "tzif", "records", "sheet",
              "waivers", "testspec", "explain"):
        n = len(os.listdir(os.path.join(out, t)))
        print("  SEEDS   %s: %d inputs" % (t, n))


main()
