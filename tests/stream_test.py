#!/usr/bin/env python3
"""stream_test.py BUILD_DIR [--sanitized]: policyc check over generated
vendor streams (issue 7's "done when"), run by `make check`.

1. Memory does not grow with the stream: 100,000 generated vendors
   (about 530 MB, piped from build/bench-gen, never stored) through
   `check --format ndjson`, with one malformed record in the middle. The
   peak RSS of policyc (VmHWM in /proc/PID/status, read while it runs:
   wait4's figure would include the Python parent it was forked from)
   must stay within
   64 MiB and within 4 MiB of a 1,000-vendor run. Under a sanitizer
   (--sanitized) the allocator keeps freed memory on purpose, so the
   stream is shorter and RSS is not asserted.
2. The malformed record is reported on stderr with its line and column,
   the exit status is 3, and every other vendor is written: the number of
   output lines is known (counted without storing the output).
3. `--jobs 2` and `--jobs 4` write byte for byte what `--jobs 1` writes,
   on a generated stream (with the bad record) in every streaming format.
4. A vendor's result does not depend on the vendors checked before it
   (the report keeps compiled pieces of residuals from one vendor to the
   next): records of a stream, checked alone, give the same NDJSON
   result as in the stream, but for their "source".
5. An input that is no NDJSON at all (200,000 lines of CSV, each a bad
   record) in the formats that list the inputs not checked at their end
   (text, markdown, html, sarif): memory stays flat (they keep the first
   100 and count the rest), and the end says how many more there were.

Time is never asserted.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

BAD = b'{"$vendor": {"name": "broken"}, "backup": {"generations": 7,}}\n'


def stream(build, n, bad_at):
    """A shell pipeline writing [n] vendors with BAD after [bad_at]."""
    gen = os.path.join(build, "bench-gen")
    first = f"{gen} vendors {bad_at}"
    rest = f"{gen} vendors {n - bad_at} --seed 8"
    return ["sh", "-c", f"{first} && printf '%s' '{BAD.decode()}' && {rest}"]


def peak_kb(pid, seen):
    """The peak RSS of process [pid] so far, or [seen] once it has gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return max(seen, int(line.split()[1]))
    except OSError:
        pass
    return seen


def garbage(n):
    """A shell pipeline writing [n] lines of CSV, none of them JSON."""
    return ["sh", "-c", f"seq 1 {n} | sed 's/^/x,/; s/$/,2,3/'"]


def run(build, policy, n, bad_at, args, feed_cmd=None):
    """Check the stream; returns (status, stderr, lines, sha256, peak KB).
    The stream is [feed_cmd]'s output when given."""
    feed = subprocess.Popen(feed_cmd or stream(build, n, bad_at),
                            stdout=subprocess.PIPE)
    errf = tempfile.TemporaryFile()  # a pipe could fill while stdout is read
    p = subprocess.Popen([os.path.join(build, "policyc"), "check", *args,
                          policy, "-"], stdin=feed.stdout,
                         stdout=subprocess.PIPE, stderr=errf)
    feed.stdout.close()
    h = hashlib.sha256()
    lines = kb = 0
    while True:
        chunk = p.stdout.read(1 << 20)
        kb = peak_kb(p.pid, kb)
        if not chunk:
            break
        h.update(chunk)
        lines += chunk.count(b"\n")
    status = p.wait()
    errf.seek(0)
    err = errf.read().decode("utf-8", "replace")
    feed.wait()
    return status, err, lines, h.hexdigest(), kb


def alone_equals_stream(build, policy, n, picks):
    """The records [picks] of an [n]-vendor stream whose result differs
    when checked alone (an empty list when none does)."""
    exe = os.path.join(build, "policyc")
    data = subprocess.run([os.path.join(build, "bench-gen"), "vendors",
                           str(n)], stdout=subprocess.PIPE).stdout
    records = data.splitlines(keepends=True)

    def results(feed):
        out = subprocess.run([exe, "check", "--format", "ndjson", policy,
                              "-"], input=feed, stdout=subprocess.PIPE).stdout
        rows = [json.loads(x) for x in out.splitlines()]
        for r in rows:
            r.pop("source", None)
        return [r for r in rows if "vendor" in r]

    whole = results(data)
    return [i for i in picks if results(records[i]) != [whole[i]]]


def main():
    build = sys.argv[1]
    sanitized = "--sanitized" in sys.argv
    policy = os.path.join(os.path.dirname(__file__), "bench", "bench40.pol")
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL stream: {what}")

    big = 5000 if sanitized else 100000
    want_err = f"policyc: <stdin>:{big // 2 + 1}:60: trailing comma before '}}'"
    rss = {}
    for n in (1000, big):
        status, err, lines, _, kb = run(build, policy, n, n // 2,
                                        ["--format", "ndjson"])
        rss[n] = kb
        check(status == 3, f"{n} vendors: exit status {status}, expected 3")
        check(lines == n + 2, f"{n} vendors: {lines} output lines, expected "
              f"{n} results, 1 error record and the stamp line")
        if n == big:
            check(err.strip() == want_err,
                  f"stderr {err.strip()!r}, expected {want_err!r}")
        print(f"stream: {n} vendors, peak RSS {kb / 1024:.1f} MiB")
    if sanitized:
        print("stream: RSS not asserted under a sanitizer (it keeps freed "
              "memory)")
    else:
        check(rss[big] <= 64 * 1024, f"peak RSS {rss[big]} KB over 64 MiB")
        check(rss[big] <= rss[1000] + 4096,
              f"peak RSS grew from {rss[1000]} KB at 1,000 vendors to "
              f"{rss[big]} KB at {big}")

    # --jobs 2 is one worker and the reading thread, --jobs 4 three and it
    for fmt in ("ndjson", "json", "text", "questions"):
        one = run(build, policy, 2000, 700,
                  ["--format", fmt, "--color=never", "--jobs", "1"])
        for jobs in ("2", "4"):
            out = run(build, policy, 2000, 700,
                      ["--format", fmt, "--color=never", "--jobs", jobs])
            check(one[0] == out[0] == 3, f"--format {fmt}: statuses "
                  f"{one[0]} and {out[0]} (--jobs {jobs})")
            check(one[3] == out[3],
                  f"--format {fmt}: --jobs {jobs} output differs from --jobs 1")
            check(one[1] == out[1],
                  f"--format {fmt}: --jobs {jobs} stderr differs from --jobs 1")
    # not NDJSON at all: a bad record per line
    many = 5000 if sanitized else 200000
    want = b"... and %d more not listed here" % (many - 100)
    for fmt in ("text", "markdown", "html", "sarif"):
        status, _, _, _, kb = run(build, policy, 0, 0,
                                  ["--format", fmt, "--color=never"],
                                  garbage(many))
        check(status == 3, f"--format {fmt}, {many} lines of CSV: "
              f"exit status {status}, expected 3")
        feed = subprocess.run(garbage(many), capture_output=True).stdout
        out = subprocess.run([os.path.join(build, "policyc"), "check",
                              "--format", fmt, "--color=never", policy, "-"],
                             input=feed, capture_output=True).stdout
        check(want in out, f"--format {fmt}: no {want.decode()!r}")
        # kb is 0 if the run ended before /proc was read: the bound holds
        if not sanitized:
            check(kb <= max(rss[1000], 4096) + 4096,
                  f"--format {fmt}: peak RSS {kb} KB for {many} lines of "
                  f"CSV, against {rss[1000]} KB for 1,000 vendors")
    n = 60 if sanitized else 300
    differ = alone_equals_stream(build, policy, n, [0, n // 2, n - 1])
    check(not differ, f"records {differ} of a stream give another result "
          "when checked alone")
    print(f"stream: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
