#!/usr/bin/env python3
"""check_errors_doc.py POLICYC [--update]: docs/errors.md against the code.

Checks that
  * every code of lib/diag_codes.h is documented in docs/errors.md as a
    heading `## CODE TITLE`, in the table's order and with its title, and
    that every documented code is in the table;
  * every code is emitted somewhere in the sources (its DC_NAME appears
    in lib/ or grammar/ outside the table);
  * every section has an example (except those NO_EXAMPLE names, which
    no input can cause), and the example, compiled with
    `policyc compile --list --excerpt=always --color=never`, gives
    exactly one diagnostic, of the section's code, and exactly the text
    of the ```text block that follows it.

An example is a ```pol block, written to example.pol. Lines
`// file: NAME` in it start further files (modules), written beside it.
A ```pol-bytes block is the same with \\xNN escapes decoded (for the
encodings). `<!-- policyc: ARGS -->` before it adds options ($BUILD: the
directory of POLICYC).

--update rewrites the ```text blocks from what policyc prints now; read
the diff before committing it.
"""
import glob, os, re, shlex, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs/errors.md")
NO_EXAMPLE = {"E0902", "E0903"}  # out of memory, internal error
DIAG_LINE = re.compile(r"^\S+:\d+:\d+: (?:error|warning)\[(\w+)\]:", re.M)


def table():
    text = open(os.path.join(ROOT, "lib/diag_codes.h"), encoding="utf-8").read()
    return re.findall(r'X\((\w+), "(\w+)", "([^"]*)"\)', text)


def sources_text():
    files = glob.glob(os.path.join(ROOT, "lib/**/*.c"), recursive=True)
    files += glob.glob(os.path.join(ROOT, "lib/*.h"))
    files += glob.glob(os.path.join(ROOT, "grammar/*"))
    return "".join(open(f, encoding="utf-8").read() for f in files
                   if not f.endswith("diag_codes.h"))


def sections(lines):
    """(code, title, start, end) of each `## CODE TITLE` section."""
    heads = [(i, m) for i, l in enumerate(lines)
             for m in [re.match(r"^## ([EW]\d{4}) (.*)$", l)] if m]
    out = []
    for k, (i, m) in enumerate(heads):
        end = heads[k + 1][0] if k + 1 < len(heads) else len(lines)
        out.append((m.group(1), m.group(2).strip(), i, end))
    return out


def fence(lines, start, end, kinds):
    """The first fenced block of one of [kinds] in [start, end): (kind,
    first body line, end line), or None."""
    for i in range(start, end):
        m = re.match(r"^```([\w-]+)\s*$", lines[i])
        if m and m.group(1) in kinds:
            j = i + 1
            while j < end and lines[j].rstrip("\n") != "```":
                j += 1
            return m.group(1), i + 1, j
    return None


def write_files(d, body, raw):
    files, name, cur = [], "example.pol", []
    for line in body:
        m = re.match(r"^// file: (\S+)\s*$", line)
        if m:
            if cur or files:
                files.append((name, cur))
            name, cur = m.group(1), []
        else:
            cur.append(line)
    files.append((name, cur))
    for name, content in files:
        path = os.path.join(d, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = "".join(content).encode("utf-8")
        if raw:
            data = re.sub(rb"\\x([0-9A-Fa-f]{2})",
                          lambda m: bytes([int(m.group(1), 16)]), data)
        open(path, "wb").write(data)
    return files[0][0]


def run_example(policyc, body, raw, args):
    with tempfile.TemporaryDirectory() as d:
        first = write_files(d, body, raw)
        p = subprocess.run([policyc, "compile", "--list", "--excerpt=always",
                            "--color=never"] + args + [first], cwd=d,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
        return p.returncode, p.stderr.decode("utf-8", "replace")


def main():
    policyc = os.path.abspath(sys.argv[1])
    update = "--update" in sys.argv[2:]
    lines = open(DOC, encoding="utf-8").read().splitlines(True)
    codes = table()
    src = sources_text()
    problems = []
    secs = sections(lines)
    want = [(c, t) for _, c, t in codes]
    got = [(c, t) for c, t, _, _ in secs]
    if want != got:
        for c, t in want:
            if (c, t) not in got:
                problems.append("not documented (or another title): %s %s" % (c, t))
        for c, t in got:
            if (c, t) not in want:
                problems.append("documented but not in lib/diag_codes.h: %s %s" % (c, t))
        if not problems:
            problems.append("docs/errors.md lists the codes in another order")
    for name, code, _ in codes:
        if not re.search(r"\bDC_%s\b" % name, src):
            problems.append("%s (DC_%s) is never emitted by the sources" % (code, name))
    replace = []
    examples = 0
    for code, title, start, end in secs:
        ex = fence(lines, start, end, ("pol", "pol-bytes"))
        if not ex:
            if code not in NO_EXAMPLE:
                problems.append("%s: no example" % code)
            continue
        kind, b0, b1 = ex
        args = []
        for l in lines[start:b0]:
            m = re.match(r"^<!-- policyc: (.*) -->\s*$", l)
            if m:
                args = shlex.split(m.group(1).replace(
                    "$BUILD", os.path.dirname(policyc)))
        rc, err = run_example(policyc, lines[b0:b1], kind == "pol-bytes", args)
        examples += 1
        found = DIAG_LINE.findall(err)
        if rc != 2 or found != [code]:
            problems.append("%s: the example gives exit %d and %s, not one %s:\n%s"
                            % (code, rc, found or "no diagnostic", code, err))
        out = fence(lines, b1 + 1, end, ("text",))
        if not out:
            problems.append("%s: no ```text block after the example" % code)
            continue
        _, o0, o1 = out
        if "".join(lines[o0:o1]) != err:
            if update:
                replace.append((o0, o1, err))
            else:
                problems.append("%s: the output differs from the docs:\n%s"
                                % (code, err))
    if update and replace:
        for o0, o1, err in sorted(replace, reverse=True):
            lines[o0:o1] = [err]
        open(DOC, "w", encoding="utf-8").write("".join(lines))
        print("updated %d example outputs in docs/errors.md" % len(replace))
    for p in problems:
        print("errors.md: " + p)
    print("errors.md: %d codes, %d examples checked%s" % (
        len(codes), examples, ", %d problems" % len(problems) if problems else ""))
    return 1 if problems and not update else 0


if __name__ == "__main__":
    sys.exit(main())
