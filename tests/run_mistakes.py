#!/usr/bin/env python3
"""run_mistakes.py POLICYC [-v NAME...]: the planted mistakes of
tests/mistakes/mistakes.txt (the format is in tests/mistakes/README.md).

Each variant must give exactly the expected diagnostics, in order: one
per `expect` line (most entries have one), each with the expected code,
on the expected line (and column, when given), with the expected hint
text when one is listed. Prints one line per failure and ends with
`mistakes: N passed, M failed`. With -v NAME..., prints what policyc
says for those entries.
"""
import os, re, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIST = os.path.join(ROOT, "tests/mistakes/mistakes.txt")
DIAG = re.compile(r"^(\S+):(\d+):(\d+): (?:error|warning)\[(\w+)\]: (.*)$")
KEYS = {"name", "file", "line", "find", "replace", "encode", "expect", "hint"}
# Keys an entry may give more than once: a plant per `line` (with its
# `find` and `replace`), a diagnostic per `expect` (with its `hint`).
REPEAT = {"line", "find", "replace", "expect", "hint"}


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
        if not sep and line.endswith(":"):  # `replace:` with nothing after
            key, sep, value = line[:-1], ":", ""
        if not sep or key not in KEYS or (key in block and key not in REPEAT):
            raise SystemExit("%s:%d: bad line: %s" % (LIST, no, line))
        if key == "hint":  # belongs to the expect above it
            if not block.get("expect"):
                raise SystemExit("%s:%d: hint before expect" % (LIST, no))
            block["hint"] = block.get("hint", []) + [None] * (
                len(block["expect"]) - len(block.get("hint", [])))
            block["hint"][-1] = value
        elif key in REPEAT:
            block.setdefault(key, []).append(value)
        else:
            block[key] = value
        block.setdefault("_at", no)
    if block:
        out.append(block)
    return out


def unescape(s):
    """[s] with `\\n` (a line break), `\\t` (a tab), `\\uXXXX` (that
    character) and `\\\\` (a backslash) read."""
    return re.sub(r"\\(n|t|\\|u[0-9A-Fa-f]{4})",
                  lambda m: {"n": "\n", "t": "\t", "\\": "\\"}.get(
                      m.group(1)) or chr(int(m.group(1)[1:], 16)), s)


def plant(text, n, find, repl):
    """[text] with [find] (which must start on line [n] exactly once)
    replaced by [repl]; both may hold the escapes of unescape()."""
    find = unescape(find)
    repl = unescape(repl)
    lines = text.splitlines(True)
    start = sum(len(l) for l in lines[:n - 1])
    end = start + len(lines[n - 1])
    hits = [m.start() for m in re.finditer(re.escape(find), text)
            if start <= m.start() < end]
    if len(hits) != 1:
        raise ValueError("'find' does not start on line %d exactly once" % n)
    at = hits[0]
    return text[:at] + repl + text[at + len(find):]


def variant(e):
    """The variant's bytes, or raise ValueError saying why not. The plants
    go in from the last line up, so each `line` is a line of the file as
    shipped."""
    text = open(os.path.join(ROOT, e["file"]), encoding="utf-8").read()
    plants = list(zip(e.get("line", []), e.get("find", []),
                      e.get("replace", [])))
    if len(plants) != len(e.get("line", [])) or len(plants) != len(
            e.get("find", [])) or len(plants) != len(e.get("replace", [])):
        raise ValueError("every 'line' needs one 'find' and one 'replace'")
    for n, find, repl in sorted(plants, key=lambda p: -int(p[0])):
        text = plant(text, int(n), find, repl)
    data = None
    for enc in e.get("encode", "").split():
        if enc == "crlf":
            text = text.replace("\n", "\r\n")
        elif enc == "bom":
            data = b"\xef\xbb\xbf" + (data or text.encode("utf-8"))
        else:
            data = text.encode(enc)
    return data if data is not None else text.encode("utf-8")


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


def diagnostics(err):
    """Each diagnostic of [err] as (match, its hints)."""
    out = []
    for l in err.splitlines():
        m = DIAG.match(l)
        if m:
            out.append((m, []))
        elif l.startswith("  hint: ") and out:
            out[-1][1].append(l.strip()[len("hint: "):])
    return out


def check(policyc, e):
    """None if [e] passes, else what is wrong."""
    rc, err = run(policyc, e)
    diags = diagnostics(err)
    if e["expect"] == ["none"]:
        return None if rc == 0 and not diags else "expected no diagnostic"
    want = e["expect"]
    if rc != 2 or len(diags) != len(want):
        return "expected %d diagnostic%s, got %d (exit %d)" % (
            len(want), "" if len(want) == 1 else "s", len(diags), rc)
    hints = e.get("hint", []) + [None] * len(want)
    for i, (w, (d, dh)) in enumerate(zip(want, diags)):
        code, place = w.split()
        line, _, col = place.partition(":")
        if d.group(4) != code or d.group(2) != line or (
                col and d.group(3) != col):
            return "expected %s on %s, got %s on %s:%s" % (
                code, place, d.group(4), d.group(2), d.group(3))
        if hints[i] and not any(hints[i] in h for h in dh):
            return "expected a hint with %r" % hints[i]
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
