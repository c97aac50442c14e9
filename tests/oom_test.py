#!/usr/bin/env python3
"""Out of memory in every command and format of policyc (issue 13, item 5).

Runs each command below under tests/oom/failmalloc.so (LD_PRELOAD),
which makes the Nth allocation fail, either alone ("once": the program
may recover) or with every one after it ("after": it must give up), for
N spread over all the allocations the command makes. Each run must end
in one of two ways:

- as if nothing had happened: the same exit status and standard output
  as the run without the shim (a failure the program recovered from);
- with exit status 3 and "out of memory" on standard error.

Never a crash, never exit 0 or 1 with a different report (a report
missing a part, or a verdict decided by a failed allocation), never the
words "out of memory" on standard output, never a silent failure.

    tests/oom_test.py BUILD [--points N]

Not for sanitizer builds: ASan brings its own allocator.
"""
import os, re, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (name, arguments after policyc): every command, every report format.
CASES = [
    ("check text", ["check", "examples/policies/procurement.pol",
                    "examples/vendors/synergy-crm.json"]),
    ("check matrix", ["check", "examples/policies/procurement.pol",
                      "examples/vendors/synergy-crm.json",
                      "examples/vendors/cybozu-china.json"]),
    ("check json", ["check", "--format=json",
                    "examples/policies/procurement.pol",
                    "examples/vendors/synergy-crm.json",
                    "examples/vendors/cybozu-china.json"]),
    ("check ndjson", ["check", "--format=ndjson",
                      "examples/policies/procurement.pol",
                      "examples/vendors/synergy-crm.json"]),
    ("check questions", ["check", "--questions",
                         "examples/policies/procurement.pol",
                         "examples/vendors/crise-cloudbot.json"]),
    ("check --jobs 2", ["check", "--jobs", "2",
                        "examples/policies/minimal-vocab.pol",
                        "examples/vendors/synergy-crm.json",
                        "examples/vendors/cybozu-china.json",
                        "examples/vendors/rakus-chatdealer.json"]),
    ("eval", ["eval", "--facts", "examples/vendors/synergy-crm.json", "--",
              'data.location.countries.map(c, c + "!")']),
    ("eval --bind", ["eval", "--bind", "x=[1, 2, 3]", "--",
                     "x.filter(i, i > 1)"]),
    ("eval --list", ["eval", "--list", "--", "[1, 2].all(x, x > 0)"]),
    ("validate", ["validate", "examples/vendors/synergy-crm.json"]),
    ("compile --list", ["compile", "--list",
                        "examples/policies/minimal.pol"]),
    ("compile -o", ["compile", "examples/policies/minimal.pol", "-o",
                    "@TMP@/out.polc"]),
    ("test", ["test", "tests/policy/regions_test.json"]),
    ("bench", ["bench", "--rounds", "1", "--time", "1",
               "examples/policies/minimal.pol",
               "examples/vendors/synergy-crm.json"]),
    ("diff", ["diff", "tests/reports/diff_old.pol", "tests/reports/diff_new.pol",
              "tests/reports/tricky.json",
              "examples/vendors/rakus-chatdealer.json"]),
    ("diff json", ["diff", "--format=json", "tests/reports/diff_old.pol",
                   "tests/reports/diff_new.pol",
                   "examples/vendors/chatwork-secure-samba.json"]),
    ("check --explain", ["check", "--explain",
                         "examples/policies/procurement.pol",
                         "examples/vendors/synergy-crm.json"]),
    ("check --explain json", ["check", "--explain", "--format=json",
                              "examples/policies/minimal-vocab.pol",
                              "examples/vendors/cybozu-china.json"]),
    # @TMP@/report.json is made first (SETUP)
    ("check --verify-stamp", ["check", "--verify-stamp", "@TMP@/report.json"]),
]

# Small runs whose every allocation is made to fail once, not a spread
# of them: the spread missed the three of the vendor reader (its record,
# its name, its buffer), which a check reported as an input not checked,
# "out of memory" in the report, instead of failing whole.
EXHAUSTIVE = [
    ("check, every allocation", ["check", "examples/policies/minimal.pol",
                                 "tests/golden/cli/minimal-facts.json"]),
    ("check json, every allocation",
     ["check", "--format=json", "examples/policies/minimal.pol",
      "tests/golden/cli/minimal-facts.json"]),
    ("check --explain json, every allocation",
     ["check", "--explain", "--format=json", "examples/policies/minimal.pol",
      "tests/golden/cli/minimal-facts.json"]),
    ("check of three inputs, every allocation",
     ["check", "examples/policies/minimal-vocab.pol",
      "examples/vendors/synergy-crm.json",
      "examples/vendors/cybozu-china.json",
      "examples/vendors/rakus-chatdealer.json"]),
]

# Run once, without the shim, before the cases: what they read.
SETUP = [["check", "--format=json", "-o", "@TMP@/report.json",
          "examples/policies/minimal-vocab.pol",
          "examples/vendors/synergy-crm.json"]]


def run(policyc, args, env_extra, tmp):
    args = [a.replace("@TMP@", tmp) for a in args]
    env = dict(os.environ, **env_extra)
    p = subprocess.run([policyc] + args, cwd=ROOT, env=env,
                       capture_output=True, timeout=60)
    out = p.stdout
    if args[0] == "bench": # its numbers are times (and their widths
        # vary): compare the rest
        out = re.sub(rb" *[0-9]+(\.[0-9]+)?", b" #", out)
    return p.returncode, out, p.stderr


def points(total, n):
    """N values to try: the first few, then spread evenly to the end."""
    pts = set(range(1, min(total, 12) + 1))
    for k in range(n):
        pts.add(1 + (total - 1) * k // max(1, n - 1))
    return sorted(p for p in pts if 1 <= p <= total)


def verdict(ref, got):
    """None when [got] is acceptable, else why not."""
    rc, out, err = got
    if rc < 0 or rc >= 128:
        return "crashed (status %d)" % rc
    if b"out of memory" in out or b"Cannot allocate memory" in out:
        return "'out of memory' on standard output"
    if (rc, out) == ref[:2]:
        return None
    if rc != 3:
        return "exit %d with a different output" % rc
    if b"out of memory" not in err and b"Cannot allocate memory" not in err:
        return "exit 3 without 'out of memory' on stderr: %r" % err[:200]
    return None


def main():
    build = sys.argv[1]
    npoints = 40
    if "--points" in sys.argv:
        npoints = int(sys.argv[sys.argv.index("--points") + 1])
    policyc = os.path.abspath(os.path.join(build, "policyc"))
    shim = os.path.abspath(os.path.join(build, "tests", "failmalloc.so"))
    failures, runs = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        count = os.path.join(tmp, "count")
        for args in SETUP:
            run(policyc, args, {}, tmp)
        cases = [(name, args, ("once", "after"), False)
                 for name, args in CASES]
        cases += [(name, args, ("once",), True) for name, args in EXHAUSTIVE]
        for name, args, modes, every in cases:
            ref = run(policyc, args, {}, tmp)
            run(policyc, args, {"LD_PRELOAD": shim, "POL_FAIL_COUNT": count},
                tmp)
            total = int(open(count).read())
            for mode in modes:
                for n in (range(1, total + 1) if every
                          else points(total, npoints)):
                    got = run(policyc, args, {"LD_PRELOAD": shim,
                                              "POL_FAIL_AT": str(n),
                                              "POL_FAIL_MODE": mode}, tmp)
                    runs += 1
                    why = verdict(ref, got)
                    if why:
                        failures.append("%s: allocation %d of %d failing "
                                        "(%s): %s" % (name, n, total, mode,
                                                      why))
    for f in failures:
        print("FAIL", f)
    print("oom-test: %d runs over %d commands, %d failed"
          % (runs, len(cases), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
