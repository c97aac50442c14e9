#!/usr/bin/env python3
"""check_io_test.py BUILD_DIR: what `policyc check` does with inputs and
outputs that a golden case cannot hold (FIFOs written while policyc
reads them, signals in the middle of a stream), run by `make check`.

1. `check --lint` reads the fact files twice (once for the lint, once
   for the check), but only regular files: a FIFO (what `<(cmd)` gives)
   was drained by the lint's read, and the check then found it empty
   (exit 3, "no fact set"); an input that cannot be opened was reported
   twice. Now the FIFO's vendors are checked and each error is said once.
2. SIGINT, SIGTERM and SIGHUP while `check -o FILE` streams its report:
   FILE keeps its old content, no FILE.tmpXXXXXX is left beside it (it
   was), and policyc ends by that signal.
3. `check --explain -o FILE` writes the explanation to FILE (it went to
   standard output, and FILE was never made).
4. `check -o FILE` (and `--explain -o FILE`) with a bad record among
   good ones: exit 3, and FILE is the whole report, the bad record listed
   as not checked (FILE was left as it was: the good vendors' results were
   lost, though on standard output they are reported).
5. `check -o FILE` where FILE is one of the inputs (a vendor file, the
   policy, through a symbolic link too): a usage error, and the input is
   left as it was (the report replaced it).
6. Standard error closed (`2>&-`) with `check -o FILE` and a bad record:
   FILE holds the report only (the temporary file took descriptor 2, and
   the message about the bad record was written into it).
7. `check -o LINK` through a symbolic link to a file not made yet: the
   link stays and the file it names is made (the link was replaced by a
   regular file); through a loop of links: exit 3 before anything runs,
   the links left alone (one of them was replaced).
8. SIGPIPE ignored (as some CI runners and `trap '' PIPE` leave it), an
   endless stream on standard input, and a reader of the report that
   goes after one line: policyc stops at the failed write, exit 3 with
   one message (it went on reading and checking the stream for ever);
   the same for --explain.
9. The same signals during `check --verify-stamp`: its re-run's report,
   a temporary file in TMPDIR, is removed (it was left behind).

No assertion is on time; each run has a wall-clock timeout of 60 s.
"""
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

GOOD = b'{"$vendor": {"name": "V%d"}, "data": {"countries": ["JP"]}}\n'
POLICY = "must ok: data.countries.size() > 0\n"


def feed_fifo(path, data):
    """Write [data] into the FIFO [path] from a thread (open blocks until
    policyc opens it for reading)."""
    def write():
        with open(path, "wb") as f:
            f.write(data)
    t = threading.Thread(target=write, daemon=True)
    t.start()
    return t


def lint_reads_regular_files_only(policyc, d, expect):
    fifo = os.path.join(d, "lint.fifo")
    os.mkfifo(fifo)
    writer = feed_fifo(fifo, GOOD % 1 + GOOD % 2)
    time.sleep(0.2)  # the writer is waiting in open()
    p = subprocess.run([policyc, "check", "--lint", "--format=tap",
                        "ok.pol", fifo], cwd=d, capture_output=True,
                       timeout=60)
    writer.join(5)
    out = p.stdout.decode()
    expect("--lint: a FIFO's vendors are checked",
           p.returncode == 0 and out.count("\nok - ") == 2,
           f"status {p.returncode}: {out}{p.stderr.decode()}")
    p = subprocess.run([policyc, "check", "--lint", "--format=tap",
                        "ok.pol", "missing.json", "v.json"], cwd=d,
                       capture_output=True, timeout=60)
    err = p.stderr.decode()
    expect("--lint: a missing input is reported once",
           p.returncode == 3 and
           err.count("missing.json: No such file or directory") == 1,
           f"status {p.returncode}: {err}")


def signal_leaves_no_temporary(policyc, d, expect, sig):
    out = os.path.join(d, "report.ndjson")
    with open(out, "w") as f:
        f.write("old\n")
    p = subprocess.Popen([policyc, "check", "--format=ndjson", "-o", out,
                          "ok.pol", "-"], cwd=d, stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    p.stdin.write(b"".join(GOOD % i for i in range(200)))
    p.stdin.flush()
    time.sleep(0.5)  # the report is being written to the temporary file
    p.send_signal(sig)
    try:
        p.wait(60)
    except subprocess.TimeoutExpired:
        p.kill()
    p.stdin.close()
    left = [n for n in os.listdir(d) if n.startswith("report.ndjson.tmp")]
    with open(out) as f:
        kept = f.read()
    name = signal.Signals(sig).name
    expect(f"{name} during -o: ended by the signal", p.returncode == -sig,
           f"status {p.returncode}")
    expect(f"{name} during -o: no temporary file left", not left,
           f"left {left}")
    expect(f"{name} during -o: FILE untouched", kept == "old\n",
           f"FILE holds {kept[:60]!r}")
    for n in left:
        os.unlink(os.path.join(d, n))


def signal_during_verify_leaves_nothing(policyc, d, expect, sig):
    """--verify-stamp re-runs the check into a temporary file in TMPDIR:
    a signal during the re-run (here blocked opening a vendor file that
    has become a FIFO) removes it, as -o's temporary file is removed."""
    vd = os.path.join(d, "verify-%d" % sig)
    tmp = os.path.join(vd, "tmp")
    os.makedirs(tmp)
    with open(os.path.join(vd, "ok.pol"), "w") as f:
        f.write(POLICY)
    with open(os.path.join(vd, "vv.json"), "wb") as f:
        f.write(GOOD % 0)
    subprocess.run([policyc, "check", "--format=json", "-o", "report.json",
                    "ok.pol", "vv.json"], cwd=vd, capture_output=True,
                   timeout=60)
    fifo = os.path.join(vd, "vv.json")
    os.unlink(fifo)
    os.mkfifo(fifo)
    done = threading.Event()

    def hold():  # a writer that writes nothing: the re-run's read waits
        fd = os.open(fifo, os.O_WRONLY)
        done.wait(60)
        os.close(fd)
    writer = threading.Thread(target=hold, daemon=True)
    writer.start()
    p = subprocess.Popen([policyc, "check", "--verify-stamp", "report.json"],
                         cwd=vd, env=dict(os.environ, TMPDIR=tmp),
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(0.5)  # the re-run waits reading the FIFO
    p.send_signal(sig)
    try:
        p.wait(60)
    except subprocess.TimeoutExpired:
        p.kill()
    done.set()
    writer.join(5)
    left = os.listdir(tmp)
    name = signal.Signals(sig).name
    expect(f"{name} during --verify-stamp: ended by the signal",
           p.returncode == -sig, f"status {p.returncode}")
    expect(f"{name} during --verify-stamp: no temporary file left",
           not left, f"left {left}")


def explain_to_file(policyc, d, expect):
    out = os.path.join(d, "explained.txt")
    p = subprocess.run([policyc, "check", "--explain", "-o", out, "ok.pol",
                        "v.json"], cwd=d, capture_output=True, timeout=60)
    text = open(out).read() if os.path.exists(out) else None
    expect("--explain -o FILE: written to FILE",
           p.returncode == 0 and p.stdout == b"" and text is not None and
           text.startswith("== V0 (v.json)"),
           f"status {p.returncode}, stdout {p.stdout[:60]!r}, FILE "
           f"{text and text[:60]!r}")


def bad_record_keeps_report(policyc, d, expect):
    with open(os.path.join(d, "mixed.ndjson"), "wb") as f:
        f.write(GOOD % 1 + b'{"data": {"countries": ["JP"],}}\n' + GOOD % 3)
    for extra, want in (([], b"not ok - mixed.ndjson:2: input not checked"),
                        (["--explain"], b"== V3 (mixed.ndjson:3)")):
        out = os.path.join(d, "mixed.out")
        with open(out, "w") as f:
            f.write("old\n")
        p = subprocess.run([policyc, "check", "--format=tap"] + extra +
                           ["-o", out, "ok.pol", "mixed.ndjson"], cwd=d,
                           capture_output=True, timeout=60)
        got = open(out, "rb").read()
        expect(f"check {' '.join(extra + ['-o'])} FILE with a bad record: "
               "the whole report", p.returncode == 3 and want in got,
               f"status {p.returncode}, FILE {got[:80]!r}")


def output_is_input(policyc, d, expect):
    with open(os.path.join(d, "w.json"), "wb") as f:
        f.write(GOOD % 7)
    if not os.path.lexists(os.path.join(d, "w-link.json")):
        os.symlink("w.json", os.path.join(d, "w-link.json"))
    for out, args in (("w.json", ["ok.pol", "v.json", "w.json"]),
                      ("w-link.json", ["ok.pol", "w.json"]),
                      ("ok.pol", ["ok.pol", "v.json"])):
        before = open(os.path.join(d, out), "rb").read()
        p = subprocess.run([policyc, "check", "-o", out] + args, cwd=d,
                           capture_output=True, timeout=60)
        after = open(os.path.join(d, out), "rb").read()
        expect(f"-o {out} that is an input: a usage error, the input kept",
               p.returncode == 2 and after == before and
               b"-o names a file the check reads" in p.stderr,
               f"status {p.returncode}: {p.stderr[:200]!r}")
        if after != before:  # an old policyc: put the input back
            with open(os.path.join(d, out), "wb") as f:
                f.write(before)


def closed_stderr(policyc, d, expect):
    with open(os.path.join(d, "mixed.ndjson"), "wb") as f:
        f.write(GOOD % 1 + b"[1]\n")
    out = os.path.join(d, "closed.ndjson")
    p = subprocess.run(["sh", "-c", 'exec "$0" check --format=ndjson -o "$1" '
                        'ok.pol mixed.ndjson 2>&-', policyc, out], cwd=d,
                       capture_output=True, timeout=60)
    got = open(out, "rb").read() if os.path.exists(out) else b""
    expect("stderr closed: no message in the -o FILE",
           p.returncode == 3 and b"policyc:" not in got and
           got.startswith(b'{"policy"'),
           f"status {p.returncode}, FILE {got[:100]!r}")


def output_links(policyc, d, expect):
    os.makedirs(os.path.join(d, "reports"), exist_ok=True)
    os.symlink("reports/latest.json", os.path.join(d, "dangling.json"))
    p = subprocess.run([policyc, "check", "-o", "dangling.json", "ok.pol",
                        "v.json"], cwd=d, capture_output=True, timeout=60)
    made = os.path.join(d, "reports", "latest.json")
    expect("-o through a dangling link: the link stays, its file is made",
           p.returncode == 0 and
           os.path.islink(os.path.join(d, "dangling.json")) and
           os.path.isfile(made),
           f"status {p.returncode}: {p.stderr[:200]!r}")
    os.symlink("loop-b", os.path.join(d, "loop-a"))
    os.symlink("loop-a", os.path.join(d, "loop-b"))
    p = subprocess.run([policyc, "check", "-o", "loop-a", "ok.pol",
                        "v.json"], cwd=d, capture_output=True, timeout=60)
    expect("-o through a loop of links: exit 3, the links left alone",
           p.returncode == 3 and os.path.islink(os.path.join(d, "loop-a"))
           and b"Too many levels of symbolic links" in p.stderr,
           f"status {p.returncode}: {p.stderr[:200]!r}")


def endless_stream_reader_gone(policyc, d, expect):
    def ignore_sigpipe():
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    for args in (["--jobs", "1"], ["--jobs", "3"], ["--explain"]):
        p = subprocess.Popen([policyc, "check", "--format=ndjson"] + args +
                             ["ok.pol", "-"], cwd=d,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE,
                             preexec_fn=ignore_sigpipe)

        def feed():
            try:
                while True:
                    p.stdin.write(b"".join(GOOD % i for i in range(1000)))
            except (BrokenPipeError, ValueError, OSError):
                pass
        t = threading.Thread(target=feed, daemon=True)
        t.start()
        p.stdout.readline()
        p.stdout.close()  # the reader goes
        try:
            rc = p.wait(60)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = "still running after 60 s"
        err = p.stderr.read().decode()
        expect(f"SIGPIPE ignored, {' '.join(args)}: the run ends at the "
               "failed write", rc == 3 and err ==
               "policyc: error writing standard output: Broken pipe\n",
               f"status {rc}: {err[:200]}")


def main():
    policyc = os.path.abspath(os.path.join(sys.argv[1], "policyc"))
    failures = []
    passed = 0

    def expect(name, ok, detail=""):
        nonlocal passed
        if ok:
            passed += 1
        else:
            failures.append(f"{name}: {detail}")

    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "ok.pol"), "w") as f:
            f.write(POLICY)
        with open(os.path.join(d, "v.json"), "wb") as f:
            f.write(GOOD % 0)
        lint_reads_regular_files_only(policyc, d, expect)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal_leaves_no_temporary(policyc, d, expect, sig)
            signal_during_verify_leaves_nothing(policyc, d, expect, sig)
        explain_to_file(policyc, d, expect)
        bad_record_keeps_report(policyc, d, expect)
        output_is_input(policyc, d, expect)
        closed_stderr(policyc, d, expect)
        output_links(policyc, d, expect)
        endless_stream_reader_gone(policyc, d, expect)

    for f in failures:
        print("FAIL", f)
    print(f"check-io: {passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
