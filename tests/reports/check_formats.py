#!/usr/bin/env python3
"""The report formats, checked by `make check` (tests/reports/):

- csv: byte-order mark, RFC 4180 records that Python's csv module reads
  back to the same cells (commas, quotes, line breaks, Japanese), one row
  per vendor x rule plus the #stamp rows, formula-starting cells defused;
- junit: well-formed XML whose counts agree with its test cases, the
  elements and attributes the JUnit XML schema (Ant's junit.xsd) allows;
- sarif: the SARIF 2.1.0 fields used, with their enumerations and the
  rules the schema states (a result whose kind is not "fail" has level
  "none"; ruleIndex points at its ruleId);
- tap: TAP version 13 lines and a plan that counts them;
- html: with Chromium (Debian's `chromium`), the page rendered to PNG and
  its DOM's cells and rule rows counted per verdict against the JSON
  report; without it, "skipped: chromium not installed";
- every format from a 20,000-vendor stream, peak RSS (the child's
  ru_maxrss) within a bound over a 200-vendor run: memory may grow by the
  verdict cells only.

Usage: check_formats.py POLICYC BENCH_GEN OUTDIR
"""
import concurrent.futures, csv, html, io, json, os, re, shutil, subprocess, sys, time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FAILS = []
ENV = dict(os.environ, LANG="C.UTF-8", SOURCE_DATE_EPOCH="1768435200")
ENV.pop("LC_ALL", None)
ENV.pop("COLUMNS", None)


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL", what)
    return cond


def run(policyc, fmt, *args, lang="en"):
    cmd = [policyc, "check", "--format=" + fmt, "--lang=" + lang,
           "--waivers", os.path.join(HERE, "waivers.json"),
           os.path.join(HERE, "tricky.pol"), os.path.join(HERE, "tricky.json")]
    cmd += [os.path.join(ROOT, "examples/vendors", f)
            for f in sorted(os.listdir(os.path.join(ROOT, "examples/vendors")))
            if f.endswith(".json")]
    p = subprocess.run(cmd + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=ENV)
    check(p.returncode in (0, 1), "%s: exit %d %s" % (fmt, p.returncode,
                                                       p.stderr[:300]))
    return p.stdout


def json_report(policyc):
    return json.loads(run(policyc, "json"))


def verdict_counts(rep):
    n = {}
    for r in rep["results"]:
        for k, v in r["summary"].items():
            n[k] = n.get(k, 0) + v
    return n


# ---- csv -----------------------------------------------------------------

def test_csv(policyc, rep):
    raw = run(policyc, "csv")
    check(raw.startswith(b"\xef\xbb\xbf"), "csv: no byte-order mark")
    text = raw.decode("utf-8-sig")
    check("\r\n" in text, "csv: records do not end in CRLF")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    head, body = rows[0], [r for r in rows[1:] if r[0] != "#stamp"]
    stamp = [r for r in rows[1:] if r[0] == "#stamp"]
    nrules = len(rep["policy"]["rules"])
    check(len(body) == nrules * len(rep["results"]),
          "csv: %d rows for %d vendors x %d rules" %
          (len(body), len(rep["results"]), nrules))
    check(all(len(r) == len(head) for r in rows), "csv: ragged rows")
    check(any(r[0] == 'Tricky, "Quoted" Co.' for r in body),
          "csv: a name with a comma and quotes did not round-trip")
    check(any("3世代, \"daily\"」\nsecond line" in c for r in body for c in r),
          "csv: a multi-line citation did not round-trip")
    check(not any(c[:1] in "=+-@" and c for r in body for c in r),
          "csv: a cell starts with a formula character")
    check(any(r[1] == "engine" for r in stamp), "csv: no stamp rows")
    # the same cells again, written by Python's csv module, read alike
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    check(list(csv.reader(io.StringIO(out.getvalue(), newline=""))) == rows,
          "csv: does not round-trip through Python's csv module")
    ja = run(policyc, "csv", lang="ja").decode("utf-8-sig")
    check("適合" in ja and "不適合" in ja, "csv: --lang=ja verdict words")


# ---- junit ---------------------------------------------------------------

JUNIT_SUITE_ATTRS = {"name", "tests", "failures", "errors", "skipped",
                     "time", "timestamp", "hostname", "id", "package"}


def test_junit(policyc, rep):
    root = ET.fromstring(run(policyc, "junit"))
    check(root.tag == "testsuites", "junit: root is not <testsuites>")
    suites = root.findall("testsuite")
    check(len(suites) == len(rep["results"]) + 1,
          "junit: %d suites for %d vendors (+ stamp)" %
          (len(suites), len(rep["results"])))
    for s in suites:
        check(set(s.attrib) <= JUNIT_SUITE_ATTRS,
              "junit: testsuite attributes %s" % sorted(s.attrib))
        cases = s.findall("testcase")
        kids = [k.tag for k in s]
        check(kids[:1] == ["properties"] and
              set(kids[1:]) <= {"testcase"},
              "junit: testsuite children %s" % kids[:3])
        for p in s.find("properties"):
            check(p.tag == "property" and set(p.attrib) == {"name", "value"},
                  "junit: property %s" % p.attrib)
        check(int(s.get("tests")) == len(cases), "junit: tests count")
        check(int(s.get("failures")) ==
              sum(1 for c in cases if c.find("failure") is not None),
              "junit: failures count of " + s.get("name"))
        check(int(s.get("skipped")) ==
              sum(1 for c in cases if c.find("skipped") is not None),
              "junit: skipped count of " + s.get("name"))
        for c in cases:
            check({"name", "classname"} <= set(c.attrib),
                  "junit: testcase attributes")
            for f in c.findall("failure"):
                check(f.get("type") in ("FAIL", "ERROR", "UNKNOWN"),
                      "junit: failure type %s" % f.get("type"))
    fails = sum(1 for r in rep["results"] for x in r["rules"]
                if x["verdict"] in ("FAIL", "ERROR", "UNKNOWN"))
    got = sum(int(s.get("failures")) + int(s.get("skipped")) for s in suites)
    check(got >= fails - 0, "junit: fewer failures+skips than non-PASS")
    if shutil.which("xmllint"):
        p = subprocess.run(["xmllint", "--noout", "-"], input=run(
            policyc, "junit"), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        check(p.returncode == 0, "junit: xmllint: %s" % p.stderr[:200])


# ---- sarif ---------------------------------------------------------------

KINDS = {"pass", "fail", "open", "review", "notApplicable", "informational"}
LEVELS = {"none", "note", "warning", "error"}


def test_sarif(policyc, rep):
    doc = json.loads(run(policyc, "sarif"))
    check(doc.get("version") == "2.1.0", "sarif: version")
    check("$schema" in doc, "sarif: $schema")
    run0 = doc["runs"][0]
    driver = run0["tool"]["driver"]
    check(driver["name"] == "policyc" and "version" in driver,
          "sarif: tool.driver")
    ids = [r["id"] for r in driver["rules"]]
    check(ids == [r["id"] for r in rep["policy"]["rules"]],
          "sarif: reportingDescriptors are not the policy's rules")
    for d in driver["rules"]:
        check(isinstance(d["shortDescription"]["text"], str),
              "sarif: shortDescription.text")
    results = run0["results"]
    check(len(results) == len(ids) * len(rep["results"]),
          "sarif: %d results" % len(results))
    want = {"PASS": "pass", "FAIL": "fail", "UNKNOWN": "open",
            "ERROR": "review", "SKIPPED": "notApplicable"}
    for r in results:
        check(r["kind"] in KINDS and r["level"] in LEVELS,
              "sarif: kind/level %s/%s" % (r["kind"], r["level"]))
        check(r["kind"] == "fail" or r["level"] == "none",
              "sarif: a %s result with level %s" % (r["kind"], r["level"]))
        check(ids[r["ruleIndex"]] == r["ruleId"], "sarif: ruleIndex")
        check(r["kind"] == want[r["properties"]["verdict"]],
              "sarif: kind of " + r["properties"]["verdict"])
        check(isinstance(r["message"]["text"], str) and r["message"]["text"],
              "sarif: message.text")
        loc = r["locations"][0]["physicalLocation"]
        check(isinstance(loc["artifactLocation"]["uri"], str) and
              loc["region"]["startLine"] >= 1 and
              loc["region"]["startColumn"] >= 1, "sarif: physicalLocation")
        for s in r.get("suppressions", []):
            check(s["kind"] in ("inSource", "external") and
                  s["status"] in ("accepted", "underReview", "rejected"),
                  "sarif: suppression")
    check(any(r.get("suppressions") for r in results),
          "sarif: the waived result has no suppression")
    check("stamp" in run0["properties"], "sarif: run.properties.stamp")


# ---- tap -----------------------------------------------------------------

def test_tap(policyc, rep):
    lines = run(policyc, "tap").decode("utf-8").split("\n")
    check(lines[0] == "TAP version 13", "tap: version line")
    points = [l for l in lines if re.match(r"^(not )?ok\b", l)]
    plan = [l for l in lines if re.match(r"^1\.\.\d+$", l)]
    check(len(plan) == 1 and int(plan[0][3:]) == len(points),
          "tap: plan %s for %d points" % (plan, len(points)))
    check(any("# TODO waived" in l for l in points), "tap: waived TODO")
    check(any("# SKIP" in l for l in points), "tap: SKIP directive")


# ---- html in Chromium ------------------------------------------------------

def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def html_questions(policyc, page):
    """Each vendor section lists the questions --format questions-json
    gives that vendor, in its order, text and all."""
    qs = json.loads(run(policyc, "questions-json", lang="ja"))["vendors"]
    sections = page.split('<section class="vendor"')[1:]
    check(len(sections) == len(qs), "html: %d sections, %d question lists"
          % (len(sections), len(qs)))
    for sec, v in zip(sections, qs):
        items = [html.unescape(t) for t in
                 re.findall(r'<li class="question[^"]*"><p>(.*?)</p>', sec)]
        want = [q["text"] for q in v["questions"]]
        check(items == want, "html: %s: %d questions, questions-json has %d"
              % (v["vendor"], len(items), len(want)))


def test_html(policyc, rep, outdir):
    page = os.path.join(outdir, "report.html")
    with open(page, "wb") as f:
        f.write(run(policyc, "html", lang="ja"))
    html_questions(policyc, open(page, encoding="utf-8").read())
    browser = chromium()
    if not browser:
        print("html: skipped: chromium not installed (Debian package "
              "chromium; tests/deps.sh installs it as root)")
        return
    flags = [browser, "--headless", "--no-sandbox", "--disable-gpu",
             "--hide-scrollbars", "--window-size=1280,1800"]
    png = os.path.join(outdir, "report.png")
    p = subprocess.run(flags + ["--screenshot=" + png, "file://" + os.path.abspath(page)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=180)
    check(os.path.exists(png) and
          open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n",
          "html: no PNG from chromium: %s" % p.stderr[-300:])
    p = subprocess.run(flags + ["--dump-dom", "file://" + os.path.abspath(page)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=180)
    dom = p.stdout.decode("utf-8")
    want = verdict_counts(rep)
    for v in ("PASS", "FAIL", "UNKNOWN", "ERROR", "SKIPPED"):
        cls = "v-" + v.lower()
        cells = len(re.findall(r'<td class="cell %s[" ]' % cls, dom))
        rows = len(re.findall(r'<tr class="rule %s[" ]' % cls, dom))
        check(cells == want[v] and rows == want[v],
              "html: %s: %d cells, %d rows, JSON says %d" %
              (v, cells, rows, want[v]))
    check(len(re.findall(r'<section class="vendor"', dom)) ==
          len(rep["results"]), "html: vendor sections")
    print("html: rendered in %s to %s" % (os.path.basename(browser), png))


# ---- memory --------------------------------------------------------------

FORMATS = ["text", "json", "ndjson", "markdown", "html", "csv", "junit",
           "sarif", "tap", "questions"]


def peak_rss_kb(argv):
    """The child's peak RSS. Not wait4's ru_maxrss of a child of ours:
    Linux carries the forking process's (Python's) high-water mark over
    exec. GNU time (/usr/bin/time) is a small parent, so its %M is the
    program's own; without it, the child's VmHWM is read from /proc as
    it runs (the last reading before it exits)."""
    if os.path.exists("/usr/bin/time"):
        p = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           env=ENV)
        return int(p.stderr.split()[-1]), p.returncode
    with open(os.devnull, "wb") as null:
        p = subprocess.Popen(argv, stdout=null, stderr=null, env=ENV)
        hwm = 0
        while p.poll() is None:
            try:
                for line in open("/proc/%d/status" % p.pid):
                    if line.startswith("VmHWM:"):
                        hwm = max(hwm, int(line.split()[1]))
            except OSError:
                pass
            time.sleep(0.02)
    return hwm, p.returncode


def test_memory(policyc, gen, outdir):
    pol = os.path.join(ROOT, "tests/bench/bench40.pol")
    files = {}
    for n in (200, 20000):
        files[n] = os.path.join(outdir, "vendors-%d.ndjson" % n)
        if not os.path.exists(files[n]):
            with open(files[n], "wb") as f:
                subprocess.run([gen, "vendors", str(n)], stdout=f, check=True)
    # what a matrix format keeps: 40 cells, names and counts, ~250 B/vendor
    allowance = 20000 * 250 // 1024 + 2 * 1024
    def measure(fmt):
        small, _ = peak_rss_kb([policyc, "check", "--format=" + fmt, pol,
                                files[200]])
        big, rc = peak_rss_kb([policyc, "check", "--format=" + fmt, pol,
                               files[20000]])
        return fmt, small, big, rc
    with concurrent.futures.ThreadPoolExecutor(2) as ex:  # 2 cores
        measured = list(ex.map(measure, FORMATS))
    for fmt, small, big, rc in measured:
        print("memory: %-9s 200 vendors %6d KB, 20000 vendors %6d KB" %
              (fmt, small, big))
        check(rc in (0, 1), "memory: %s exit %d" % (fmt, rc))
        check(big - small <= allowance,
              "memory: %s grows by %d KB over 200 vendors (allowed %d)" %
              (fmt, big - small, allowance))


def main():
    policyc, gen, outdir = sys.argv[1:4]
    os.makedirs(outdir, exist_ok=True)
    rep = json_report(policyc)
    test_csv(policyc, rep)
    test_junit(policyc, rep)
    test_sarif(policyc, rep)
    test_tap(policyc, rep)
    test_html(policyc, rep, outdir)
    if os.environ.get("POL_SKIP_MEMORY"):
        print("memory: skipped: POL_SKIP_MEMORY=%s (a sanitizer build's memory is not the program's)" % os.environ["POL_SKIP_MEMORY"])
    else:
        test_memory(policyc, gen, outdir)
    print("report formats: %d failed" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
