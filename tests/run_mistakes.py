#!/usr/bin/env python3
"""run_mistakes.py POLICYC [-v NAME...]: the planted mistakes of
tests/mistakes/mistakes.txt (the format is in tests/mistakes/README.md).

Each variant must give exactly one diagnostic, with the expected code, on
the expected line, with the expected hint text when one is listed. Prints
one line per failure and ends with `mistakes: N passed, M failed`. With
-v NAME..., prints what policyc says for those entries.
"""
import os, re, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIST = os.path.join(ROOT, "tests/mistakes/mistakes.txt")
DIAG = re.compile(r"^(\S+):(\d+):(\d+): (?:error|warning)\[(\w+)\]: (.*)$")
KEYS = {"name", "file", "line", "find", "replace", "encode", "expect", "hint"}


def entries():
    block, out = {}, []
    for no, raw in enumerate(open(LIST, encoding="utf-8"), 1):
        line = raw.rstrip("\n")
        if line.startswith("#"):
            continue
        if not line.strip():
            if block:
                out.append(block)
            block = {}
            continue
        key, sep, value = line.partition(": ")
        if not sep or key not in KEYS or key in block:
            raise SystemExit("%s:%d: bad line: %s" % (LIST, no, line))
        block[key] = value
        block.setdefault("_at", no)
    if block:
        out.append(block)
    return out


def variant(e):
    """The variant's bytes, or raise ValueError saying why not."""
    text = open(os.path.join(ROOT, e["file"]), encoding="utf-8").read()
    enc = e.get("encode")
    if enc == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if enc:
        return text.encode(enc)
    find = e["find"].replace("\\n", "\n")
    repl = e["replace"].replace("\\n", "\n")
    lines = text.splitlines(True)
    n = int(e["line"])
    start = sum(len(l) for l in lines[:n - 1])
    end = start + len(lines[n - 1])
    hits = [m.start() for m in re.finditer(re.escape(find), text)
            if start <= m.start() < end]
    if len(hits) != 1:
        raise ValueError("'find' does not start on line %d exactly once" % n)
    at = hits[0]
    return (text[:at] + repl + text[at + len(find):]).encode("utf-8")


def run(policyc, e):
    data = variant(e)
    with tempfile.TemporaryDirectory() as d:
        name = os.path.basename(e["file"])
        open(os.path.join(d, name), "wb").write(data)
        p = subprocess.run([policyc, "compile", "--list", "--excerpt=never",
                            "--color=never", name], cwd=d,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=60)
        return p.returncode, p.stderr.decode("utf-8", "replace")


def check(policyc, e):
    """None if [e] passes, else what is wrong."""
    rc, err = run(policyc, e)
    diags = [m for m in (DIAG.match(l) for l in err.splitlines()) if m]
    hints = [l.strip()[len("hint: "):] for l in err.splitlines()
             if l.startswith("  hint: ")]
    if e["expect"] == "none":
        return None if rc == 0 and not diags else "expected no diagnostic"
    code, line = e["expect"].split()
    if rc != 2 or len(diags) != 1:
        return "expected one diagnostic, got %d (exit %d)" % (len(diags), rc)
    d = diags[0]
    if d.group(4) != code or d.group(2) != line:
        return "expected %s on line %s, got %s on line %s" % (
            code, line, d.group(4), d.group(2))
    if "hint" in e and not any(e["hint"] in h for h in hints):
        return "expected a hint with %r" % e["hint"]
    return None


def main():
    policyc = os.path.abspath(sys.argv[1])
    es = entries()
    names = [e.get("name") for e in es]
    if len(set(names)) != len(names) or None in names:
        raise SystemExit("mistakes.txt: every entry needs a unique name")
    if "-v" in sys.argv:
        for e in es:
            if e["name"] in sys.argv[sys.argv.index("-v") + 1:]:
                rc, err = run(policyc, e)
                print("== %s (exit %d)\n%s" % (e["name"], rc, err))
        return 0
    passed = failed = 0
    for e in es:
        try:
            why = check(policyc, e)
        except (ValueError, KeyError) as x:
            why = "bad entry: %s" % x
        if why:
            failed += 1
            print("FAIL mistakes.txt:%d %s: %s" % (e["_at"], e["name"], why))
        else:
            passed += 1
    print("mistakes: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
