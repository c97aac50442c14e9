#!/usr/bin/env python3
"""`policyc check --verify-stamp REPORT.json`, checked by `make check`.

The report is made here, by the policyc under test, so the cases hold
whatever the JSON format is today. In a scratch copy of
tests/reports/ (the stamp records paths as given, so the re-run happens
in the same directory):

- the report of tricky.pol over tricky.json with waivers verifies:
  exit 0, "identical";
- a fact file changed since: exit 1, the file named;
- the policy changed since: exit 1, the policy named; a module it
  imports from a file changed: the module named;
- a verdict edited by hand in the report: exit 1, the first line that
  differs shown;
- another engine recorded: exit 1, both engines named;
- a report of a saved .polc, its source and modules gone: the stamp
  names the .polc, and it verifies;
- a report without a stamp, or one that read standard input: exit 3;
- a stamp whose options hold one no stamp records (an -o, a --format):
  exit 3, nothing run; a check that loaded a plugin: exit 3 unless the
  verifying command line names the same --plugin, then identical (a
  report may come from anyone: it must not choose a shared object to
  load or a file to write).

Usage: check_verify.py POLICYC OUTDIR
"""
import json, os, shutil, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
FAILS = []
ENV = dict(os.environ, LANG="C.UTF-8", SOURCE_DATE_EPOCH="1768435200")


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL", what)


def policyc(exe, cwd, *args):
    return subprocess.run([exe] + list(args), cwd=cwd, env=ENV,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)


def fresh(exe, out):
    """A scratch directory with the inputs and their report.json."""
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    for f in ("tricky.pol", "tricky.json", "waivers.json"):
        shutil.copy(os.path.join(HERE, f), out)
    p = policyc(exe, out, "check", "--format=json", "--waivers",
                "waivers.json", "-o", "report.json", "tricky.pol",
                "tricky.json")
    check(p.returncode in (0, 1), "making the report: %s" % p.stderr)
    return out


def verify(exe, out, want, *needles, extra=()):
    p = policyc(exe, out, "check", "--verify-stamp", "report.json", *extra)
    text = p.stdout + p.stderr
    ok = p.returncode == want and all(n in text for n in needles)
    check(ok, "verify: want exit %d and %r, got %d: %s"
          % (want, needles, p.returncode, text))


def edit(path, old, new):
    with open(path, encoding="utf-8") as f:
        s = f.read()
    check(old in s, "%s: no %r to edit" % (path, old))
    with open(path, "w", encoding="utf-8") as f:
        f.write(s.replace(old, new, 1))


def main():
    exe, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    d = fresh(exe, out)
    verify(exe, d, 0, "identical")
    edit(os.path.join(d, "tricky.json"), '"generations": 3', '"generations": 9')
    verify(exe, d, 1, "differs", "the input tricky.json has changed")
    d = fresh(exe, out)
    edit(os.path.join(d, "tricky.pol"), ">= 7", ">= 2")
    verify(exe, d, 1, "the policy tricky.pol has changed")
    # a module changed since: the stamp lists it
    d = fresh(exe, out)
    os.makedirs(os.path.join(d, "mods"))
    with open(os.path.join(d, "mods", "limits.pol"), "w") as f:
        f.write("let min_generations = 7\n")
    with open(os.path.join(d, "uses.pol"), "w") as f:
        f.write('import "limits"\nbackup.generations >= min_generations\n')
    p = policyc(exe, d, "check", "--format=json", "-I", "mods", "-o",
                "report.json", "uses.pol", "tricky.json")
    check(p.returncode in (0, 1), "report with a module: %s" % p.stderr)
    verify(exe, d, 0, "identical")
    edit(os.path.join(d, "mods", "limits.pol"), "= 7", "= 2")
    verify(exe, d, 1, "the module mods/limits.pol has changed")
    # a saved policy whose source and modules are gone: the stamp names
    # the .polc (not the source it was compiled from), and the re-run
    # reads it
    d = fresh(exe, out)
    os.makedirs(os.path.join(d, "mods"))
    with open(os.path.join(d, "mods", "limits.pol"), "w") as f:
        f.write("let min_generations = 7\n")
    with open(os.path.join(d, "uses.pol"), "w") as f:
        f.write('import "limits"\nbackup.generations >= min_generations\n')
    p = policyc(exe, d, "compile", "-I", "mods", "uses.pol", "-o",
                "uses.polc")
    check(p.returncode == 0, "compile with a module: %s" % p.stderr)
    shutil.rmtree(os.path.join(d, "mods"))
    os.remove(os.path.join(d, "uses.pol"))
    p = policyc(exe, d, "check", "--format=json", "-o", "report.json",
                "uses.polc", "tricky.json")
    check(p.returncode in (0, 1), "report of a .polc: %s" % p.stderr)
    with open(os.path.join(d, "report.json"), encoding="utf-8") as f:
        st = json.load(f)["stamp"]
    check(st["policy"]["file"] == "uses.polc" and "modules" not in st,
          "stamp of a .polc: %s" % st)
    verify(exe, d, 0, "identical")
    d = fresh(exe, out)
    edit(os.path.join(d, "report.json"), '"verdict":"FAIL"', '"verdict":"PASS"')
    verify(exe, d, 1, "the re-run differs from here", 'report: ',
           '"verdict":"PASS"', 're-run: ')
    d = fresh(exe, out)
    edit(os.path.join(d, "report.json"), '"engine": "policyc ',
         '"engine": "policyc 0.0.1-')
    verify(exe, d, 1, "made by policyc 0.0.1-")
    with open(os.path.join(d, "report.json"), "w") as f:
        json.dump({"format": 2, "results": []}, f)
    verify(exe, d, 3, "not a JSON report with a stamp")
    # a path with a space and an --assume value with spaces and a quote: the
    # stamp quotes them as a shell would, and the re-run reads them back
    d = fresh(exe, out)
    os.makedirs(os.path.join(d, "my mods"))
    with open(os.path.join(d, "my mods", "limits.pol"), "w") as f:
        f.write("let min_generations = 7\n")
    with open(os.path.join(d, "uses.pol"), "w") as f:
        f.write('import "limits"\nbackup.generations >= min_generations\n'
                'backup.note == "it\'s kept off site"\n')
    p = policyc(exe, d, "check", "--format=json", "-I", "my mods",
                "--assume", "backup.note=\"it's kept off site\"",
                "-o", "report.json", "uses.pol", "tricky.json")
    check(p.returncode in (0, 1), "report with spaces: %s" % p.stderr)
    with open(os.path.join(d, "report.json"), encoding="utf-8") as f:
        opts = json.load(f)["stamp"]["options"]
    check("-I='my mods'" in opts and
          "--assume='backup.note=\"it'\\''s kept off site\"'" in opts,
          "stamp options not quoted as a shell would: %s" % opts)
    verify(exe, d, 0, "identical")
    edit(os.path.join(d, "report.json"), '"verdict":"PASS"', '"verdict":"FAIL"')
    verify(exe, d, 1, "the re-run differs from here")
    d = fresh(exe, out)
    with open(os.path.join(d, "tricky.json"), "rb") as f:
        p = subprocess.run([exe, "check", "--format=json", "-o", "report.json",
                            "tricky.pol", "-"], cwd=d, env=ENV, stdin=f,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(p.returncode in (0, 1), "report of stdin: %s" % p.stderr)
    verify(exe, d, 3, "read -, which cannot be read again")
    # options a stamp never records: refused before anything runs
    for bad in ("-o=/dev/null", "--format=text", "--jobs=2"):
        d = fresh(exe, out)
        edit(os.path.join(d, "report.json"), '"options": "',
             '"options": "%s ' % bad)
        verify(exe, d, 3, "'%s', which is none of those a stamp records"
               % bad)
    # a plugin: loaded only when the verifying command line names it
    plugin = os.path.join(os.path.dirname(exe), "tests", "sample_plugin.so")
    if os.path.exists(plugin):
        d = fresh(exe, out)
        for f in ("plugin_check.pol", "vendor-b.json"):
            shutil.copy(os.path.join(HERE, "..", "golden", "cli", f), d)
        p = policyc(exe, d, "check", "--format=json", "--plugin", plugin,
                    "-o", "report.json", "plugin_check.pol", "vendor-b.json")
        check(p.returncode in (0, 1), "report with a plugin: %s" % p.stderr)
        verify(exe, d, 3, "loads only the plugins its own command line names")
        verify(exe, d, 0, "identical", extra=("--plugin", plugin))
    else:
        print("verify-stamp: plugin case skipped: %s not built" % plugin)
    print("verify-stamp: %d failed" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
