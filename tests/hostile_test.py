#!/usr/bin/env python3
"""hostile_test.py BUILD_DIR: hostile inputs of issue 13 that a golden
case cannot hold (files made at run time), run by `make check`.

1. A file of exactly 64 MiB (CLI_MAX_INPUT) is read; one byte more is
   exit 3 with `input larger than 64 MiB`. The limit is "larger than".
2. A FIFO that no process writes, given as a policy, as `eval --facts`
   and as a vendor of `check`, is read as empty (an error: exit 2 or 3)
   instead of blocking open() for ever.
3. A vendor file of 10^6 top-level keys (16 MB) loads through
   `eval --facts` and `check`, each with the right answer.

No assertion is on time. Each run has a CPU-time limit (RLIMIT_CPU,
`ulimit -t`) of a generous 20 s and a wall-clock timeout of 120 s: they
detect a hang (the 10^6 keys took about 40 minutes before issue 13's fix;
a blocked open() takes no CPU at all, hence the second guard), they do
not measure speed. Peak memory of the 10^6-key loads is asserted
(ru_maxrss below 512 MiB; about 110 MB is used).
"""
import os
import resource
import subprocess
import sys
import tempfile

MIB64 = 64 << 20
# A sanitizer build runs several times slower: the guard stays a hang
# detector there too.
SANITIZED = bool(os.environ.get("POL_SANITIZED"))
CPU_SECONDS = 120 if SANITIZED else 20
WALL_SECONDS = 600 if SANITIZED else 120


def limit_cpu():
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def run(argv, cwd):
    """Run [argv]; returns (status, stdout, stderr, peak RSS in KB)."""
    p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         preexec_fn=limit_cpu)
    try:
        out, err = p.communicate(timeout=WALL_SECONDS)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return "hang", out, err, 0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return p.returncode, out.decode(), err.decode(), usage.ru_maxrss


def policy_of_size(path, size):
    """A one-rule policy padded with comment lines to [size] bytes."""
    head = b"must ok: true\n"
    line = b"//" + b"x" * 1021 + b"\n"  # 1024 bytes
    with open(path, "wb") as f:
        f.write(head)
        left = size - len(head)
        f.write(line * (left // len(line)))
        rest = left % len(line)
        if rest:
            f.write(b"/" * rest)  # a comment too, without its line break
    assert os.path.getsize(path) == size


def many_keys(path, n):
    with open(path, "w") as f:
        f.write('{"$vendor": {"name": "many"}')
        for i in range(n):
            f.write(',"k%d":%d' % (i, i))
        f.write("}\n")


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
        with open(os.path.join(d, "v.json"), "w") as f:
            f.write('{"$vendor": {"name": "v"}}\n')

        # 1. exactly 64 MiB, then one byte more
        big = os.path.join(d, "big.pol")
        policy_of_size(big, MIB64)
        st, out, err, _ = run([policyc, "check", "--format=json", big,
                               "v.json"], d)
        expect("64 MiB policy read", st == 0, f"status {st}: {err}")
        policy_of_size(big, MIB64 + 1)
        st, out, err, _ = run([policyc, "check", big, "v.json"], d)
        expect("64 MiB + 1 refused", st == 3 and
               err == f"policyc: {big}: input larger than 64 MiB\n",
               f"status {st}: {err}")
        os.unlink(big)

        # 2. a FIFO nobody writes
        fifo = os.path.join(d, "fifo")
        os.mkfifo(fifo)
        st, out, err, _ = run([policyc, "check", fifo, "v.json"], d)
        expect("FIFO as policy", st == 2 and "has no rules" in err,
               f"status {st}: {err}")
        st, out, err, _ = run([policyc, "eval", "--facts", fifo, "--", "1"],
                              d)
        expect("FIFO as eval --facts", st == 3, f"status {st}: {err}")
        with open(os.path.join(d, "ok.pol"), "w") as f:
            f.write("must ok: true\n")
        st, out, err, _ = run([policyc, "check", "ok.pol", fifo], d)
        expect("FIFO as vendor", st == 3, f"status {st}: {err}")

        # 3. 10^6 top-level keys
        keys = os.path.join(d, "keys.json")
        many_keys(keys, 10**6)
        st, out, err, kb = run([policyc, "eval", "--facts", keys, "--",
                                "k999999 == 999999 && k0 == 0"], d)
        expect("10^6 keys: eval --facts", st == 0 and out == "true\n",
               f"status {st}: {out}{err}")
        expect("10^6 keys: eval memory", kb < 512 * 1024, f"{kb} KB")
        with open(os.path.join(d, "keys.pol"), "w") as f:
            f.write("must last: k999999 == 999999\n")
        st, out, err, kb = run([policyc, "check", "--format=ndjson",
                                "keys.pol", keys], d)
        expect("10^6 keys: check", st == 0 and '"compliant":true' in out,
               f"status {st}: {err}")
        expect("10^6 keys: check memory", kb < 512 * 1024, f"{kb} KB")
        # validate: each key undeclared, one problem line each; only the
        # first 100 get a "did you mean" search (lib/validate.c)
        st, out, err, kb = run([policyc, "validate", keys], d)
        lines = out.splitlines()
        expect("10^6 keys: validate", st == 1 and len(lines) == 10**6 and
               lines[-1].endswith("k999999: not a declared fact"),
               f"status {st}, {len(lines)} lines: {err}")
        expect("10^6 keys: validate memory", kb < 512 * 1024, f"{kb} KB")

    for f in failures:
        print("hostile-test: FAIL " + f)
    print(f"hostile-test: {passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
