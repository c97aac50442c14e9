#!/usr/bin/env python3
"""Golden-file tests of policyc, run by `make check`.

Three kinds of case:

1. Expression lines, in tests/golden/expr/*.cel and in the ```cel blocks of
   docs/*.md (so every example in the docs is also a test):

       1 + 2 // => 3
       1 / 0 // => error: division by zero
       1 + // => compile error: unexpected end of input

   The text before `// =>` is evaluated with `policyc eval -- EXPR`; the
   expected text after it is compared with stdout (value, exit 0), or
   must appear in stderr (`error:` exit 1, `compile error:` exit 2).
   Lines without `// =>` are ignored.

2. CLI cases: tests/golden/cli/NAME.cmd holds the arguments after
   `policyc` (shell words, run from tests/golden/cli; `$BUILD` stands for
   the absolute directory of the policyc under test, e.g. for plugins
   built there, in the command and the expected output alike); NAME.out and
   NAME.err the exact expected stdout and stderr (a missing file means
   "anything"), NAME.status the exit status (default 0), NAME.in the
   standard input, NAME.stdout-to a file to send standard output to
   instead (such as /dev/full, to test write errors), NAME.needs files
   the case needs, one per line ($BUILD as above): when one is missing
   (the check sheets made from ../shared/seeds), the case is skipped;
   NAME.env lines NAME=VALUE of environment for the case.

Every case runs in a fixed environment: LANG=C.UTF-8 (no LC_ALL,
LC_MESSAGES, COLUMNS, NO_COLOR), and SOURCE_DATE_EPOCH at 2026-01-15 UTC,
policyc's "today" for reports (the as-of date their stamps record).

Prints one line per failure and ends with `N passed, M failed`.

`run_golden.py POLICYC --update NAME...` rewrites the expected files
(.out, .err, .status, whichever the case has) of the named CLI cases from
what policyc does now: for re-recording after a deliberate change. Read
the diff before committing it.
"""
import glob, os, re, shlex, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPECT = re.compile(r"^(?P<expr>.*?)\s*//\s*=>\s*(?P<want>.*)$")


def case_env(extra=None):
    env = {k: v for k, v in os.environ.items()
           if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE", "COLUMNS",
                        "NO_COLOR")}
    env["LANG"] = "C.UTF-8"
    env["SOURCE_DATE_EPOCH"] = "1768435200"  # 2026-01-15T00:00:00Z
    env.update(extra or {})
    return env


def run(argv, cwd=None, stdin=subprocess.DEVNULL, stdout_to=None, env=None):
    out = open(stdout_to, "wb") if stdout_to else subprocess.PIPE
    p = subprocess.run(argv, cwd=cwd, stdin=stdin, stdout=out,
                       stderr=subprocess.PIPE, timeout=60,
                       env=env or case_env())
    return p.returncode, (p.stdout or b"").decode("utf-8", "replace"), \
        p.stderr.decode("utf-8", "replace")


def expr_lines(path):
    in_block = path.endswith(".cel")
    for no, line in enumerate(open(path, encoding="utf-8"), 1):
        if not path.endswith(".cel") and line.startswith("```"):
            in_block = line.strip() == "```cel"
            continue
        m = EXPECT.match(line.rstrip("\n"))
        if in_block and m and m.group("expr").strip():
            yield no, m.group("expr").strip(), m.group("want").strip()


def check_expr(policyc, expr, want):
    rc, out, err = run([policyc, "eval", "--", expr])
    if want.startswith("compile error:"):
        msg = want[len("compile error:"):].strip()
        return rc == 2 and msg in err, (rc, out, err)
    if want.startswith("error:"):
        msg = want[len("error:"):].strip()
        return rc == 1 and msg in err, (rc, out, err)
    return rc == 0 and out.rstrip("\n") == want, (rc, out, err)


def missing_needs(policyc, base):
    """The first file NAME.needs lists that is not there, or None."""
    if not os.path.exists(base + ".needs"):
        return None
    for line in open(base + ".needs", encoding="utf-8"):
        path = line.strip().replace("$BUILD", os.path.dirname(policyc))
        if path and not os.path.exists(os.path.join(os.path.dirname(base),
                                                    path)):
            return path
    return None


def check_cli(policyc, base):
    text = open(base + ".cmd", encoding="utf-8").read()
    text = text.replace("$BUILD", os.path.dirname(policyc))
    args = shlex.split(text)
    want_rc = 0
    if os.path.exists(base + ".status"):
        want_rc = int(open(base + ".status").read().strip())
    stdin = subprocess.DEVNULL
    if os.path.exists(base + ".in"):
        stdin = open(base + ".in", "rb")
    stdout_to = None
    if os.path.exists(base + ".stdout-to"):
        stdout_to = open(base + ".stdout-to").read().strip()
    extra = {}
    if os.path.exists(base + ".env"):
        for line in open(base + ".env", encoding="utf-8"):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                extra[k] = v
    rc, out, err = run([policyc] + args, cwd=os.path.dirname(base),
                       stdin=stdin, stdout_to=stdout_to, env=case_env(extra))
    ok = rc == want_rc
    for ext, got in ((".out", out), (".err", err)):
        if os.path.exists(base + ext):
            # newline="": a format with CRLF line ends (questions-csv)
            # is compared byte for byte
            want = open(base + ext, encoding="utf-8", newline="").read()
            want = want.replace("$BUILD", os.path.dirname(policyc))
            ok = ok and want == got
    return ok, (rc, out, err)


def update(policyc, names):
    for name in names:
        base = os.path.join(ROOT, "tests/golden/cli", name)
        _, (rc, out, err) = check_cli(policyc, base)
        build = os.path.dirname(policyc)
        for ext, got in ((".out", out), (".err", err)):
            if os.path.exists(base + ext):
                open(base + ext, "w", encoding="utf-8", newline="").write(
                    got.replace(build, "$BUILD"))
        if os.path.exists(base + ".status") or rc != 0:
            open(base + ".status", "w").write("%d\n" % rc)
        print("updated", name)
    return 0


def main():
    policyc = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "policyc")
    if len(sys.argv) > 2 and sys.argv[2] == "--update":
        return update(policyc, sys.argv[3:])
    passed = failed = 0
    files = sorted(glob.glob(os.path.join(ROOT, "tests/golden/expr/*.cel")))
    files += sorted(glob.glob(os.path.join(ROOT, "docs/*.md")))
    for path in files:
        for no, expr, want in expr_lines(path):
            ok, got = check_expr(policyc, expr, want)
            passed += ok
            failed += not ok
            if not ok:
                print("FAIL %s:%d: %s\n  want: %s\n  got:  exit %d, %r %r" % (
                    os.path.relpath(path, ROOT), no, expr, want, *got))
    skipped = 0
    for cmd in sorted(glob.glob(os.path.join(ROOT, "tests/golden/cli/*.cmd"))):
        base = cmd[:-4]
        if missing_needs(policyc, base):
            skipped += 1
            continue
        ok, got = check_cli(policyc, base)
        passed += ok
        failed += not ok
        if not ok:
            print("FAIL %s\n  got: exit %d\n  stdout: %r\n  stderr: %r" % (
                os.path.relpath(base, ROOT), *got))
    print("golden: %d passed, %d failed%s" % (
        passed, failed, ", %d skipped (no seeds)" % skipped if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
