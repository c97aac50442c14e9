#!/usr/bin/env python3
"""check_cli_doc.py POLICYC: the options of `policyc CMD --help` against
docs/cli.md and docs/policyc.1, both ways.

Checks that
  * the commands of `policyc --help` are the commands of cli.md's table
    and of the man page's SYNOPSIS;
  * every option a command's --help lists appears in that command's
    section of cli.md (`## policyc CMD`) and in the man page (its
    `CMD OPTIONS` section, its SYNOPSIS line, or GLOBAL OPTIONS);
  * every option of an options table in cli.md's section (a row that
    starts with `| `-...`) and of the man page's `CMD OPTIONS` section
    is one --help lists (`-h`, `--help` aside);
  * the man page's title names the version `policyc --version` prints.

Prints one line per mismatch; exit 1 if there is one.
"""
import os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPT = re.compile(r"(?<![\w-])(--?[a-zA-Z][\w-]*)")
HELP_ONLY = {"-h", "--help"}


def run(*argv):
    return subprocess.run(argv, capture_output=True, text=True).stdout


def help_options(policyc, cmd):
    text = run(policyc, cmd, "--help")
    opts = set(re.findall(r"^\s+(--?[a-zA-Z][\w-]*)", text, re.M))
    opts |= set(re.findall(r"^\s+-\w, (--[\w-]+)", text, re.M))
    return opts - HELP_ONLY


def section(text, start, end):
    """The text from the line matching [start] to the next matching [end]."""
    m = re.search(start, text, re.M)
    if not m:
        return ""
    rest = text[m.end():]
    e = re.search(end, rest, re.M)
    return rest[:e.start()] if e else rest


def roff_plain(src):
    """The man page's source as text: escapes of fonts and dashes undone."""
    src = re.sub(r"\\f[BIRP]", "", src)
    return src.replace("\\-", "-").replace("\\(em", "-")


def main():
    policyc = sys.argv[1]
    cli = open(os.path.join(ROOT, "docs/cli.md"), encoding="utf-8").read()
    man = roff_plain(open(os.path.join(ROOT, "docs/policyc.1"),
                          encoding="utf-8").read())
    problems = []

    cmds = re.findall(r"^  (\w+) ", run(policyc, "--help"), re.M)
    table = section(cli, r"^\| command \|", r"^$")
    in_table = re.findall(r"^\| `(\w+)` \|", table, re.M)
    synopsis = section(man, r"^\.SH SYNOPSIS", r"^\.SH ")
    in_synopsis = re.findall(r"^\.B policyc (\w+)", synopsis, re.M)
    for name, listed in (("docs/cli.md's command table", in_table),
                         ("docs/policyc.1's SYNOPSIS", in_synopsis)):
        if sorted(listed) != sorted(cmds):
            problems.append("%s lists %s; policyc --help lists %s"
                            % (name, sorted(listed), sorted(cmds)))

    global_man = section(man, r"^\.SH GLOBAL OPTIONS", r"^\.SH ")
    for cmd in cmds:
        helped = help_options(policyc, cmd)
        sec = section(cli, r"^## policyc %s\b" % cmd, r"^## ")
        man_sec = section(man, r"^\.SH %s OPTIONS" % cmd.upper(), r"^\.SH ")
        man_syn = section(synopsis, r"^\.B policyc %s\b" % cmd,
                          r"^\.(br|B )")
        for opt in sorted(helped):
            if opt not in OPT.findall(sec):
                problems.append("docs/cli.md, policyc %s: no %s" % (cmd, opt))
            if opt not in OPT.findall(man_sec + man_syn + global_man):
                problems.append("docs/policyc.1, %s: no %s" % (cmd, opt))
        rows = re.findall(r"^\| `(-[^|]*)\|", sec, re.M)
        tabled = set(o for r in rows for o in OPT.findall(r))
        heads = re.findall(r"^\.TP\n\.(?:B|BI|BR) (.*)$", man_sec, re.M)
        manned = set(o for h in heads for o in OPT.findall(h.split(" As ")[0]))
        for opt in sorted(tabled - helped - HELP_ONLY):
            problems.append("docs/cli.md, policyc %s: %s is not in its "
                            "--help" % (cmd, opt))
        for opt in sorted(manned - helped - HELP_ONLY):
            problems.append("docs/policyc.1, %s OPTIONS: %s is not in "
                            "its --help" % (cmd.upper(), opt))

    version = run(policyc, "--version").split()[-1]
    th = re.search(r'^\.TH \S+ \S+ "[^"]*" "policyc ([^"]+)"', man, re.M)
    if not th or th.group(1) != version:
        problems.append("docs/policyc.1: .TH names version %s; policyc "
                        "--version prints %s"
                        % (th.group(1) if th else "none", version))

    for p in problems:
        print("check_cli_doc: " + p)
    if problems:
        sys.exit(1)
    print("docs/cli.md and docs/policyc.1 list every option of %d "
          "commands: ok" % len(cmds))


main()
