#!/usr/bin/env python3
"""`policyc import` reproduces the check-sheet parts of the example facts.

    python3 tests/check_import.py POLICYC SHEETS_DIR

rakus-chatdealer.json and cybozu-china.json were made from their check
sheets with `policyc import` (tests/seed_sheets.py makes the sheets from
the seeds), plus facts made by hand where no row gives them. This check
runs the import again and fails unless everything it produces - each
fact, each $evidence entry, each $withheld path, each kept row and sheet
- is in the example fact set with the same value. Skipped when the
sheets are not there (no ../shared/seeds).

It also checks that `-o FILE` is all or nothing: a failed import leaves
FILE as it was and no temporary file beside it; a good one replaces it.
"""
import json, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES = {
    "cybozu-china": [("meti2013", "cybozu-meti2013.tsv")],
    "rakus-chatdealer": [("rakus-security", "rakus-security.tsv"),
                         ("meti-sla", "rakus-sla.tsv")],
}


def leaves(value, path=""):
    """Every fact as (path, value); lists and $ keys are whole values."""
    if isinstance(value, dict) and not path.endswith("items"):
        for k, v in value.items():
            if path == "" and k.startswith("$"):
                continue
            yield from leaves(v, path + "." + k if path else k)
    else:
        yield path, value


def compare(vendor, got, want):
    problems = []
    wanted = dict(leaves(want))
    for path, value in leaves(got):
        if path == "checksheet.sheets":
            missing = [s for s in value if s not in wanted.get(path, [])]
            if missing:
                problems.append("%s: sheet %s not in the example"
                                % (vendor, missing))
            continue
        if path == "checksheet.items":
            for row, item in value.items():
                if want["checksheet"]["items"].get(row) != item:
                    problems.append("%s: row %s differs" % (vendor, row))
            continue
        if wanted.get(path, object()) != value:
            problems.append("%s: %s = %r, example has %r"
                            % (vendor, path, value, wanted.get(path)))
    for key, cite in got["$evidence"].items():
        if want["$evidence"].get(key) != cite:
            problems.append("%s: $evidence %s differs" % (vendor, key))
    for p in got["$withheld"]:
        if p not in want["$withheld"]:
            problems.append("%s: $withheld lacks %s" % (vendor, p))
    return problems


def check_output_file(policyc):
    """Problems with `-o`: it must write whole or not at all."""
    cli = os.path.join(ROOT, "tests/golden/cli/sheets")
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "facts.json")
        with open(out, "w") as f:
            f.write("before\n")
        for sheet, status in (("unknown-unit.csv", 3), ("small.csv", 0)):
            p = subprocess.run([policyc, "import", "--map",
                                os.path.join(cli, "small.json"),
                                os.path.join(cli, sheet), "-o", out],
                               capture_output=True)
            text = open(out, encoding="utf-8").read()
            if p.returncode != status:
                problems.append("-o: %s exits %d" % (sheet, p.returncode))
            elif status and text != "before\n":
                problems.append("-o: a failed import changed the file")
            elif not status and not text.startswith("{"):
                problems.append("-o: a good import left the file as it was")
        if os.listdir(tmp) != ["facts.json"]:
            problems.append("-o: left behind %s" % os.listdir(tmp))
    return problems


def main(argv):
    policyc, sheets = argv[1], argv[2]
    problems = check_output_file(policyc)
    if problems:
        for p in problems:
            print("FAIL " + p)
        return 1
    if not os.path.exists(os.path.join(sheets, "cybozu-meti2013.tsv")):
        print("check_import: no sheets in %s (no seeds): skipped" % sheets)
        return 0
    problems = []
    for vendor, jobs in CASES.items():
        args = [policyc, "import"]
        for mapping, sheet in jobs:
            args += ["--map",
                     os.path.join(ROOT, "stdlib/sheets", mapping + ".json"),
                     os.path.join(sheets, sheet)]
        p = subprocess.run(args, capture_output=True)
        if p.returncode != 0:
            problems.append("%s: policyc import failed: %s"
                            % (vendor, p.stderr.decode()))
            continue
        want = json.load(open(os.path.join(ROOT, "examples/vendors",
                                           vendor + ".json"), encoding="utf-8"))
        problems += compare(vendor, json.loads(p.stdout), want)
    for p in problems:
        print("FAIL " + p)
    print("check_import: %d fact sets, %s" % (
        len(CASES), "%d problems" % len(problems) if problems else
        "the imports are part of the example facts"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
