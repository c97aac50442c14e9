#!/usr/bin/env python3
"""questions_check.py POLICYC: every UNKNOWN verdict of the example
matrices (each example policy over each example vendor) has a residual
and decisive facts; and the questions of the example vendors under
the example procurement policy (issue 9, docs/unknowns.md), checked
against the reports that make them:

  * for each vendor, one question per distinct decisive fact of its
    UNKNOWN rules, and the same facts;
  * no vendor gets the same question text twice, and no two facts of
    the schema share a question in one language (the vendor could not
    tell which answer goes where);
  * no question is about a parent object (a path some declared fact lies
    below, that is not itself declared);
  * no Japanese question text or note names a fact path, carries a type
    note, or holds an English word (a few Latin-script terms Japanese
    writes as they are excepted); no English one holds Japanese;
  * --assume with a value of each decisive fact's declared type, for
    every decisive fact of one vendor: the fact is decisive for no rule
    afterwards, and each rule that waited for it alone is decided (PASS,
    FAIL or SKIPPED); all of them at once decide every UNKNOWN rule.

Run by `make check`; prints one line per vendor and exits 1 on the first
failure.
"""
import glob
import json
import os
import re
import subprocess
import sys

POLICY = "examples/policies/procurement.pol"
VENDORS = sorted(glob.glob("examples/vendors/*.json"))
ASSUME_VENDOR = "examples/vendors/crise-cloudbot.json"
# Latin-script words Japanese questions use as they are.
LATIN_OK = {"IaaS", "PaaS", "SaaS", "DDoS", "Web", "IPv"}
TYPE_NOTE = re.compile(r"\b(bool|int|uint|double|string|list|map|null|true|"
                       r"false)\b|\[\]|=")
PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_]")
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")


def run(policyc, *args):
    p = subprocess.run([policyc, "check", *args], capture_output=True,
                       text=True)
    if p.returncode not in (0, 1):
        sys.exit("policyc check %s: exit %d\n%s" % (" ".join(args),
                                                    p.returncode, p.stderr))
    return json.loads(p.stdout)


def declared():
    """Declared fact paths and types, from the schema modules."""
    decls = {}
    for f in glob.glob("stdlib/schema_*.pol"):
        for line in open(f, encoding="utf-8"):
            m = re.match(r"fact ([^:]+): *(\w+(?:\([^)]*\))?)"
                         r"(?: in \[([^\]]*)\])?", line)
            if m:
                allowed = re.findall(r'"([^"]*)"', m.group(3) or "")
                decls[m.group(1)] = (m.group(2), allowed)
    return decls


def check_schema_asks():
    """No two declared facts share a question in one language."""
    seen = {}
    for f in sorted(glob.glob("stdlib/schema_*.pol")):
        fact = None
        for line in open(f, encoding="utf-8"):
            m = re.match(r"fact ([^:]+):", line)
            fact = m.group(1) if m else fact
            for lang, text in re.findall(r'ask (ja|en) "([^"]*)"', line):
                if (lang, text) in seen and fact:
                    fail("%s and %s share the %s question: %s"
                         % (seen[lang, text], fact, lang, text))
                seen[lang, text] = fact
    print("schema: %d questions, no two facts share one" % len(seen))


def decisive_of(report):
    """rule id -> its decisive paths, for the UNKNOWN rules."""
    rules = report["results"][0]["rules"]
    return {r["id"]: [d["path"] for d in r.get("decisive", [])]
            for r in rules if r["verdict"] == "UNKNOWN"}


def fail(msg):
    sys.exit("FAIL " + msg)


def check_text(vendor, q, lang):
    for part in (q["text"], q["note"] or ""):
        if lang == "en":
            if CJK.search(part):
                fail("%s: %s: Japanese in English text: %s" % (vendor,
                                                               q["fact"], part))
            continue
        if PATH.search(part):
            fail("%s: %s: a fact path in: %s" % (vendor, q["fact"], part))
        if TYPE_NOTE.search(part):
            fail("%s: %s: a type note in: %s" % (vendor, q["fact"], part))
        for word in re.findall(r"[A-Za-z]+", part):
            if re.search("[a-z]", word) and word not in LATIN_OK:
                fail("%s: %s: the English word %r in: %s"
                     % (vendor, q["fact"], word, part))


def check_vendor(policyc, vendor, decls):
    dec = decisive_of(run(policyc, "--format", "json", POLICY, vendor))
    facts = {p for ps in dec.values() for p in ps}
    for lang in ("ja", "en"):
        qs = run(policyc, "--format", "questions-json", "--lang", lang,
                 POLICY, vendor)["vendors"][0]["questions"]
        asked = [q["fact"] for q in qs]
        if len(asked) != len(facts) or set(asked) != facts:
            fail("%s (%s): %d questions for %d decisive facts: %s"
                 % (vendor, lang, len(asked), len(facts),
                    sorted(set(asked) ^ facts)))
        texts = {}
        for q in qs:
            check_text(vendor, q, lang)
            if q["text"] in texts:
                fail("%s (%s): %s and %s get the same question: %s"
                     % (vendor, lang, texts[q["text"]], q["fact"], q["text"]))
            texts[q["text"]] = q["fact"]
            f = q["fact"]
            if f not in decls and any(d.startswith(f + ".") for d in decls):
                fail("%s: asks about the parent object %s" % (vendor, f))
    print("%s: %d UNKNOWN rules, %d questions = %d decisive facts"
          % (os.path.basename(vendor), len(dec), len(facts), len(facts)))
    return dec


def sample(path, decls):
    """A CEL literal of the declared type of [path] (or of the declared
    fact above it), to answer the question with."""
    parts = re.split(r"\.|\[", path)
    for n in range(len(parts), 0, -1):
        p = ".".join(x for x in parts[:n])
        if p in decls:
            typ, allowed = decls[p]
            below = n < len(parts)
            break
    else:
        return '"JP"'
    if below:  # an entry of a declared list or map: its element
        typ = re.sub(r"^(list|map)\((?:string, *)?(.*)\)$", r"\2", typ)
    if allowed:
        one = json.dumps(allowed[0], ensure_ascii=False)
        return "[%s]" % one if typ.startswith("list") else one
    return {"bool": "true", "int": "1", "uint": "1u", "double": "99.99",
            "string": '"2030-01-01"', "any": '"JP"'}.get(
                typ.split("(")[0], "[]" if typ.startswith("list") else "{}")


def check_assume(policyc, vendor, dec, decls):
    verdicts = lambda r: {x["id"]: x["verdict"]
                          for x in r["results"][0]["rules"]}
    facts = sorted({p for ps in dec.values() for p in ps})
    every = []
    for f in facts:
        a = "%s=%s" % (f, sample(f, decls))
        every += ["--assume", a]
        rep = run(policyc, "--format", "json", "--assume", a, POLICY, vendor)
        after, v = decisive_of(rep), verdicts(rep)
        for rule, ps in after.items():
            if f in ps:
                fail("--assume %s: still decisive for %s" % (a, rule))
        for rule, ps in dec.items():
            if ps == [f] and v[rule] not in ("PASS", "FAIL", "SKIPPED"):
                fail("--assume %s: %s is %s" % (a, rule, v[rule]))
    v = verdicts(run(policyc, "--format", "json", *every, POLICY, vendor))
    left = [r for r in dec if v[r] not in ("PASS", "FAIL", "SKIPPED")]
    if left:
        fail("every decisive fact assumed, still undecided: %s" % left)
    print("--assume: each of %d decisive facts of %s answered, alone and "
          "together: every UNKNOWN rule decided"
          % (len(facts), os.path.basename(vendor)))


def check_matrices(policyc):
    """Every UNKNOWN verdict of the example matrices has a residual and
    decisive facts."""
    n = 0
    for pol in sorted(glob.glob("examples/policies/*.pol")):
        for vendor in VENDORS:
            for r in run(policyc, "--format", "json", pol,
                         vendor)["results"][0]["rules"]:
                if r["verdict"] != "UNKNOWN":
                    continue
                n += 1
                if not (r.get("passes_if") or r.get("applies_if")) or \
                        not r.get("decisive"):
                    fail("%s, %s: UNKNOWN %s has no residual" % (pol, vendor,
                                                                  r["id"]))
    print("example matrices: %d UNKNOWN verdicts, each with a residual and "
          "decisive facts" % n)


def main():
    policyc = sys.argv[1]
    decls = declared()
    check_schema_asks()
    check_matrices(policyc)
    for vendor in VENDORS:
        dec = check_vendor(policyc, vendor, decls)
        if vendor == ASSUME_VENDOR:
            assume_dec = dec
    check_assume(policyc, ASSUME_VENDOR, assume_dec, decls)


if __name__ == "__main__":
    main()
