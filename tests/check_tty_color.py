#!/usr/bin/env python3
"""check_tty_color.py POLICYC: compile errors on a terminal.

The golden cases run with pipes, so they never see what `auto` does; this
runs policyc under a pseudo-terminal (stderr a tty) and checks the
defaults docs/cli.md ("Compile errors") promises:
  * --excerpt=auto and --color=auto: excerpt and colour on a terminal;
  * NO_COLOR set and not empty: excerpt, no colour;
  * NO_COLOR set but empty: colour (no-color.org);
  * NO_COLOR set with --color=always: colour;
  * --color=never on a terminal: no colour;
  * the same command with stderr a pipe: neither.
Prints one line per failed case and exits 1 if any failed.
"""
import os, pty, subprocess, sys, tempfile

ESC = b"\x1b["
BAD = 'rule r {\n  require x ＞＝ 1\n}\n'


def run_tty(argv, env):
    """stderr of [argv] run with stderr on a pseudo-terminal."""
    master, slave = pty.openpty()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=slave, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    p.wait(timeout=60)
    return out


def run_pipe(argv, env):
    return subprocess.run(argv, stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          env=env, timeout=60).stderr


def main():
    policyc = os.path.abspath(sys.argv[1])
    base = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    base["LANG"] = "C.UTF-8"
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bad.pol")
        with open(path, "w", encoding="utf-8") as f:
            f.write(BAD)
        cases = [
            # name, extra args, NO_COLOR (None: unset), tty, colour, excerpt
            ("auto on a terminal", [], None, True, True, True),
            ("NO_COLOR=1", [], "1", True, False, True),
            ("NO_COLOR empty", [], "", True, True, True),
            ("NO_COLOR=1 --color=always", ["--color=always"], "1", True,
             True, True),
            ("--color=never", ["--color=never"], None, True, False, True),
            ("--excerpt=never", ["--excerpt=never"], None, True, True, False),
            ("a pipe", [], None, False, False, False),
        ]
        for name, args, no_color, tty, colour, excerpt in cases:
            env = dict(base)
            if no_color is not None:
                env["NO_COLOR"] = no_color
            argv = [policyc, "compile", "--list"] + args + [path]
            err = (run_tty if tty else run_pipe)(argv, env)
            if b"error[E0003]" not in err:
                print("%s: no E0003 diagnostic: %r" % (name, err))
                failed += 1
                continue
            got_colour = ESC in err
            got_excerpt = b"| " in err and b"^" in err
            if (got_colour, got_excerpt) != (colour, excerpt):
                print("%s: colour %s excerpt %s, want colour %s excerpt %s:"
                      " %r" % (name, got_colour, got_excerpt, colour,
                               excerpt, err))
                failed += 1
    print("tty colour: %d passed, %d failed" % (len(cases) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
