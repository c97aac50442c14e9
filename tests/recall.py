#!/usr/bin/env python3
"""Recall of the example fact sets against their seed documents.

tests/recall/<vendor>.tsv is an inventory of the security-relevant
statements one seed document makes, one per line:

    id <TAB> where <TAB> statement <TAB> paths <TAB> note

`where` is the section or check-sheet row, `statement` a short verbatim
fragment, `paths` the fact paths (space-separated) that record it, `-`
when nothing does (then `note` says why), or `RAW` for a check-sheet row
that states nothing security-relevant (a company name, a URL): it must be
kept as a row but is no statement of recall. Lines starting with # are
comments.

For each vendor this script checks, against examples/vendors/<vendor>.json:

  - every path an inventory line names is in the fact set (recorded, or
    listed in $withheld): the inventory cannot claim what is not there;
  - recall, the share of statements with a path, is at least 90 %;
  - every 「quote」 in $evidence is a verbatim fragment of the seed's
    visible text (its leftover HTML tags dropped, blanks compared
    loosely), when ../shared/seeds is there;
  - for a fact set made from a check sheet, every row of the sheet is kept
    under checksheet.items (the row numbers come from the inventory lines
    whose `where` starts with "row ").

`--table` prints the counts as the Markdown table of docs/facts.md;
`--where` prints, per document, where its statements went: the schema
module (control area) of each statement's first path, $withheld, or
nowhere; `--facts DIR` reads the fact sets from DIR instead (to measure an older
revision: git worktree or `git show REV:path` into a directory).
"""
import glob, json, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(os.path.dirname(ROOT), "shared", "seeds")
VENDORS = {  # vendor fact set -> seed document
    "crise-cloudbot": "000_7e40dfa21027c18e.txt",
    "chatwork-secure-samba": "001_83f89c6232a26a7d.txt",
    "rakus-chatdealer": "002_1063c1c4597463ca.txt",
    "synergy-crm": "003_53b3d008b5723dd2.txt",
    "cybozu-china": "004_ba066a1a573142c1.txt",
}
QUOTE = re.compile(r"「(.*?)」")
MIN_RECALL = 0.90


def inventory(vendor):
    rows = []
    path = os.path.join(ROOT, "tests/recall/%s.tsv" % vendor)
    for no, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.rstrip("\n").split("\t")
        if len(cols) < 4:
            raise SystemExit("%s:%d: expected 4 or 5 columns" % (path, no))
        rows.append({"no": no, "id": cols[0], "where": cols[1],
                     "statement": cols[2], "paths": cols[3].split(),
                     "note": cols[4] if len(cols) > 4 else ""})
    return rows


def present(facts, path):
    """Whether [path] is recorded (or withheld) in [facts]."""
    if path in facts.get("$withheld", []):
        return True
    node = facts
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def squash(s):
    return re.sub(r"\s+", "", s)


def visible(seed):
    """The seed's text as a reader sees it: the dumps keep some HTML
    (<p>, <b>, links), which is no part of what the document says."""
    seed = re.sub(r'<a href="[^"]*">([^<]*)</a>', r"\1", seed)
    return re.sub(r"</?[a-zA-Z][^>]*>", "", seed)


def balanced(cite):
    """Whether 「」 in [cite] pair up without nesting."""
    depth = 0
    for ch in cite:
        depth += (ch == "「") - (ch == "」")
        if depth not in (0, 1):
            return False
    return depth == 0


def check_quotes(vendor, facts, seed, problems):
    text = squash(visible(seed))
    for key, cite in facts.get("$evidence", {}).items():
        if not balanced(cite):
            problems.append("%s: $evidence %s: 「」 nested or unbalanced"
                            % (vendor, key))
        for q in QUOTE.findall(cite):
            if squash(q) not in text:
                problems.append("%s: $evidence %s: 「%s」 is not in the seed"
                                % (vendor, key, q))


def check_rows(vendor, facts, rows, problems):
    want = [r["where"][4:] for r in rows if r["where"].startswith("row ")]
    items = facts.get("checksheet", {}).get("items", {})
    for row in dict.fromkeys(want):
        if row not in items:
            problems.append("%s: check-sheet row %s is not kept"
                            % (vendor, row))
    return len(set(want)), len([r for r in set(want) if r in items])


def measure(vendor, facts_dir, problems, strict):
    facts = json.load(open(os.path.join(facts_dir, vendor + ".json"),
                           encoding="utf-8"))
    rows = inventory(vendor)
    captured = 0
    stated = [r for r in rows if r["paths"] != ["RAW"]]
    for r in stated:
        paths = [p for p in r["paths"] if p != "-"]
        missing = [p for p in paths if not present(facts, p)]
        if strict and missing:
            problems.append("tests/recall/%s.tsv:%d: %s not in the fact set"
                            % (vendor, r["no"], " ".join(missing)))
        captured += bool(paths) and len(missing) < len(paths)
    seed = os.path.join(SEEDS, VENDORS[vendor])
    if strict and os.path.exists(seed):
        check_quotes(vendor, facts, open(seed, encoding="utf-8").read(),
                     problems)
    nrows, kept = check_rows(vendor, facts, rows, problems if strict else [])
    recall = captured / len(stated) if stated else 0
    if strict and recall < MIN_RECALL:
        problems.append("%s: recall %.0f %% is below %.0f %%"
                        % (vendor, 100 * recall, 100 * MIN_RECALL))
    return {"statements": len(stated), "captured": captured, "recall": recall,
            "rows": nrows, "kept": kept}


def modules():
    """Fact path -> the schema module that declares it."""
    out = {}
    for f in sorted(glob.glob(os.path.join(ROOT, "stdlib/schema_*.pol"))):
        name = os.path.basename(f)[:-4]
        for line in open(f, encoding="utf-8"):
            m = re.match(r"fact ([a-z0-9_.\[\]]+):", line)
            if m:
                out[m.group(1)] = name
    return out


def destination(facts, r, where):
    """Where statement [r] went: a module, $withheld, or nowhere."""
    if r["paths"] == ["RAW"]:
        return None
    paths = [p for p in r["paths"] if p != "-"]
    if not paths:
        return "not recorded"
    if all(p in facts.get("$withheld", []) for p in paths):
        return "`$withheld`"
    return "`%s`" % where.get(paths[0], "?")


def print_where(vendor, facts_dir):
    facts = json.load(open(os.path.join(facts_dir, vendor + ".json"),
                           encoding="utf-8"))
    where, counts, paths = modules(), {}, {}
    for r in inventory(vendor):
        d = destination(facts, r, where)
        if d:
            counts[d] = counts.get(d, 0) + 1
            for p in r["paths"][:1]:
                if p != "-":
                    paths.setdefault(d, {}).setdefault(p, 0)
                    paths[d][p] += 1
    print("\n#### %s (seed %s)\n" % (vendor, VENDORS[vendor][:3]))
    print("| went to | statements | most often |")
    print("|---|---|---|")
    last = ("`$withheld`", "not recorded")
    for d in sorted(counts, key=lambda d: (d in last, d == last[1],
                                            -counts[d], d)):
        top = sorted(paths.get(d, {}).items(), key=lambda kv: -kv[1])[:3]
        print("| %s | %d | %s |" % (d, counts[d], ", ".join(
            "`%s`" % k for k, _ in top)))
    items = facts.get("checksheet", {}).get("items", {})
    if items:
        print("| and every check-sheet row, as answered | %d rows | "
              "`checksheet.items` |" % len(items))


def main(argv):
    facts_dir = os.path.join(ROOT, "examples/vendors")
    table = "--table" in argv
    if "--facts" in argv:
        facts_dir = argv[argv.index("--facts") + 1]
    strict = facts_dir == os.path.join(ROOT, "examples/vendors")
    if "--where" in argv:
        for vendor in VENDORS:
            print_where(vendor, facts_dir)
        return 0
    problems, results = [], {}
    for vendor in VENDORS:
        results[vendor] = measure(vendor, facts_dir, problems, strict)
    if table:
        print("| document | statements | recorded | recall "
              "| check-sheet rows | kept |")
        print("|---|---|---|---|---|---|")
    for vendor, r in results.items():
        rows = "%d" % r["rows"] if r["rows"] else "—"
        kept = "%d" % r["kept"] if r["rows"] else "—"
        if table:
            print("| %s | %d | %d | %.0f %% | %s | %s |" % (
                vendor, r["statements"], r["captured"], 100 * r["recall"],
                rows, kept))
        else:
            print("%-22s %3d/%3d statements (%3.0f %%), check-sheet rows %s/%s"
                  % (vendor, r["captured"], r["statements"],
                     100 * r["recall"], kept, rows))
    for p in problems:
        print("FAIL " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
