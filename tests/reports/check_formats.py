#!/usr/bin/env python3
"""The report formats, checked by `make check` (tests/reports/):

- csv: byte-order mark, RFC 4180 records that Python's csv module reads
  back to the same cells (commas, quotes, line breaks, Japanese), one row
  per vendor x rule plus the #stamp rows, formula-starting cells defused;
- junit: well-formed XML whose counts agree with its test cases, and
  what the JUnit XML schema CI servers read (Jenkins' junit-10.xsd, which
  GitLab and the xunit plugin follow) requires and allows: the
  attributes each element must have and may have, and its children;
- sarif: the SARIF 2.1.0 fields used, with their enumerations and the
  rules the schema states (a result whose kind is not "fail" has level
  "none"; ruleIndex points at its ruleId);
- tap: TAP version 13 lines and a plan that counts them;
- html: every element closed in order (well-formed), text in Arabic and
  Hebrew (rtl.json) isolated in <bdi> where it sits among other text;
  with Chromium (Debian's `chromium`), the page rendered to PNG and
  its DOM's cells and rule rows counted per verdict against the JSON
  report, the <bdi> kept; without it, "skipped: chromium not installed";
- an input not checked (a bad record in the middle of a stream): an
  entry in every format, in input order (csv, junit, sarif, tap, html,
  markdown, text, the question lists);
- every format from a 20,000-vendor stream, peak RSS (the child's
  ru_maxrss) within a bound over a 200-vendor run: memory may grow by the
  verdict cells only.

Usage: check_formats.py POLICYC BENCH_GEN OUTDIR
"""
import concurrent.futures, csv, html, html.parser, io, json, os, re, shutil, subprocess, sys, time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FAILS = []
GEN = None  # bench-gen, for the generated vendors
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
           os.path.join(HERE, "tricky.pol"), os.path.join(HERE, "tricky.json"),
           os.path.join(HERE, "rtl.json")]
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
    check(run(policyc, "questions-csv", lang="ja").startswith(
        b"\xef\xbb\xbf\xe4\xba\x8b"), "questions-csv: no byte-order mark "
          "(Excel on a Japanese Windows reads it as Shift_JIS)")
    ja = run(policyc, "csv", lang="ja").decode("utf-8-sig")
    check("適合" in ja and "不適合" in ja, "csv: --lang=ja verdict words")


# ---- junit ---------------------------------------------------------------

# What Jenkins' junit-10.xsd (jenkinsci/xunit-plugin, the schema GitLab
# and most CI servers follow) says of each element: (required attributes,
# allowed attributes, allowed children). Written from the schema, not
# copied: it is checked here, element by element, rather than by a
# validator, so that no third-party file lives in the repository.
JUNIT_SCHEMA = {
    "testsuites": (set(), {"name", "time", "tests", "failures", "errors"},
                   {"testsuite"}),
    "testsuite": ({"name", "tests", "failures", "errors"},
                  {"name", "tests", "failures", "errors", "group", "time",
                   "skipped", "timestamp", "hostname", "id", "package",
                   "file", "log", "url"},
                  {"testsuite", "properties", "testcase", "system-out",
                   "system-err"}),
    "properties": (set(), set(), {"property"}),
    "property": ({"name", "value"}, {"name", "value"}, set()),
    "testcase": ({"name"}, {"name", "time", "classname", "group"},
                 {"skipped", "error", "failure", "rerunFailure",
                  "rerunError", "flakyFailure", "flakyError", "system-out",
                  "system-err"}),
    "failure": (set(), {"type", "message"}, set()),
    "error": (set(), {"type", "message"}, set()),
    "skipped": (set(), {"type", "message"}, set()),
    "system-out": (set(), set(), set()),
    "system-err": (set(), set(), set()),
}


def junit_schema(el, where="junit"):
    """[el] and everything in it as junit-10.xsd has them."""
    if not check(el.tag in JUNIT_SCHEMA, "%s: element <%s>" % (where, el.tag)):
        return
    need, may, kids = JUNIT_SCHEMA[el.tag]
    check(need <= set(el.attrib), "%s: <%s> lacks %s" %
          (where, el.tag, sorted(need - set(el.attrib))))
    check(set(el.attrib) <= may, "%s: <%s> has %s, which the schema does "
          "not define" % (where, el.tag, sorted(set(el.attrib) - may)))
    for k in el:
        check(k.tag in kids, "%s: <%s> inside <%s>" % (where, k.tag, el.tag))
        junit_schema(k, where)


def test_junit(policyc, rep):
    root = ET.fromstring(run(policyc, "junit"))
    check(root.tag == "testsuites", "junit: root is not <testsuites>")
    junit_schema(root)
    suites = root.findall("testsuite")
    check(len(suites) == len(rep["results"]) + 1,
          "junit: %d suites for %d vendors (+ stamp)" %
          (len(suites), len(rep["results"])))
    for s in suites:
        cases = s.findall("testcase")
        check(int(s.get("tests")) == len(cases), "junit: tests count")
        check(int(s.get("failures")) ==
              sum(1 for c in cases if c.find("failure") is not None),
              "junit: failures count of " + s.get("name"))
        check(int(s.get("skipped")) ==
              sum(1 for c in cases if c.find("skipped") is not None),
              "junit: skipped count of " + s.get("name"))
        check(int(s.get("errors")) ==
              sum(1 for c in cases if c.find("error") is not None),
              "junit: errors count of " + s.get("name"))
        for c in cases:
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


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


class Tree(html.parser.HTMLParser):
    """The page as nested [tag, children...] lists; what does not nest
    (an end tag that is not the open element's) in [bad]."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = ["#document"]
        self.stack = [self.root]
        self.bad = []

    def handle_starttag(self, tag, attrs):
        el = [tag]
        self.stack[-1].append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].append([tag])

    def handle_endtag(self, tag):
        if len(self.stack) > 1 and self.stack[-1][0] == tag:
            self.stack.pop()
        else:
            self.bad.append("</%s> inside <%s>" % (tag, self.stack[-1][0]))

    def handle_data(self, data):
        self.stack[-1].append(data)


def html_tree(page, where):
    """The page's tree, after checking that every element is closed, in
    order: a page a browser must repair is not what we meant to write."""
    t = Tree()
    t.feed(page)
    t.close()
    check(not t.bad, "%s: not well-formed: %s" % (where, t.bad[:3]))
    check(len(t.stack) == 1, "%s: unclosed <%s>" %
          (where, "> <".join(e[0] for e in t.stack[1:])))
    return t.root


BLOCK = {"html", "body", "header", "main", "footer", "section", "div", "p",
         "blockquote", "table", "thead", "tbody", "tr", "td", "th", "ol",
         "ul", "li", "dl", "dt", "dd", "h1", "h2", "h3", "title", "style",
         "svg", "#document"}


def has_rtl(node):
    if isinstance(node, str):
        return bool(RTL.search(node))
    return any(has_rtl(k) for k in node[1:])


def rtl_not_isolated(el, inside_bdi=False):
    """Right-to-left text that shares a line with other text (a text or
    inline element among others in its element) outside a <bdi>: the
    bidi algorithm may move the text around it (a path after its value,
    a separator). Blocks are lines of their own."""
    bad = []
    inside_bdi = inside_bdi or el[0] == "bdi"
    kids = [k for k in el[1:] if not (isinstance(k, str) and not k.strip())]
    crowded = len(kids) > 1 and not inside_bdi and el[0] not in ("title",
                                                                 "style")
    for k in kids:
        inline = isinstance(k, str) or k[0] not in BLOCK
        if crowded and inline and has_rtl(k) and \
                (isinstance(k, str) or k[0] != "bdi"):
            bad.append("in <%s>: %r" % (el[0], str(k)[:60]))
        if isinstance(k, list):
            bad += rtl_not_isolated(k, inside_bdi)
    return bad


def test_html(policyc, rep, outdir):
    page = os.path.join(outdir, "report.html")
    with open(page, "wb") as f:
        f.write(run(policyc, "html", lang="ja"))
    text = open(page, encoding="utf-8").read()
    html_questions(policyc, text)
    tree = html_tree(text, "html")
    check(not rtl_not_isolated(tree), "html: right-to-left text beside "
          "other text outside <bdi>: %s" % rtl_not_isolated(tree)[:3])
    check(text.count("<bdi>") > 10 and "<bdi>ענן מאובטח</bdi>" in text,
          "html: rtl.json's service is not isolated")
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
    check(dom.count("<bdi>") == text.count("<bdi>"),
          "html: Chromium's DOM has %d <bdi>, the page %d" %
          (dom.count("<bdi>"), text.count("<bdi>")))
    print("html: rendered in %s to %s" % (os.path.basename(browser), png))
    html_layout(browser, page, outdir)
    html_vendor_rows(policyc, browser, outdir)


# What the page measures of itself once laid out, appended to a copy of
# it (the report has no script): the page's width, the narrowest title
# cell of the matrix (rules as rows) and the widest table.
MEASURE = """<script>
const w = e => e.getBoundingClientRect().width;
const titles = [...document.querySelectorAll('.by-rule td:first-of-type')];
const out = {page: document.documentElement.scrollWidth,
             title: Math.min(...titles.map(w), 1e9),
             table: Math.max(...[...document.querySelectorAll('table')].map(w))};
document.body.insertAdjacentHTML('beforeend',
  '<pre id="measured">' + JSON.stringify(out) + '</pre>');
</script>"""
PRINT_W = 703  # A4 less the page's 12 mm margins, in CSS px


def measure(browser, page, outdir, width, media):
    """The layout of [page] at [width] px; media "print" applies the
    page's print rules (as the screen's) at the width of an A4 page. A
    headless window is at least 500 px wide, so a phone's page is laid
    out in an iframe of its width, whose script writes to its parent."""
    text = open(page, encoding="utf-8").read()
    if media == "print":
        text = text.replace("@media print{@page{size:A4;margin:12mm}",
                            "@media all{")
    text = text.replace("</body>", MEASURE + "</body>")
    if width < 500:
        text = text.replace("document.body.insertAdjacentHTML",
                            "parent.document.body.insertAdjacentHTML")
        text = ('<!DOCTYPE html><html><body style="margin:0"><iframe '
                'style="width:%dpx;height:900px;border:0" srcdoc="%s">'
                '</iframe></body></html>' % (width, html.escape(text)))
    copy = os.path.join(outdir, "measure-%s-%d.html" % (media, width))
    with open(copy, "w", encoding="utf-8") as f:
        f.write(text)
    p = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", "--window-size=%d,900" %
                        max(width, 500),
                        "--dump-dom", "file://" + os.path.abspath(copy)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=300)
    m = re.search(r'<pre id="measured">(\{.*?)</pre>', p.stdout.decode("utf-8"))
    check(m, "html: no measurement at %d px (%s)" % (width, media))
    return json.loads(m.group(1)) if m else {}


def html_layout(browser, page, outdir):
    """Read as on a phone (390 px) and printed on A4: the page itself
    never scrolls sideways (a wide table scrolls in its own box), the
    matrix keeps its titles readable rather than a character a line, and
    on paper nothing runs past the page's edge."""
    text = open(page, encoding="utf-8").read()
    check(re.search(r'<html lang="(ja|en)">', text), "html: no <html lang>")
    check('<meta name="viewport" content="width=device-width' in text,
          "html: no viewport: a phone lays the page out 980 px wide")
    check(not re.search(r'<script|<link|<img|<iframe|@import|url\(|src=',
                        text), "html: fetches something (not self-contained)")
    heads = re.findall(r"<th[ >][^>]*>?", text)
    check(heads and all("scope=" in h for h in heads),
          "html: a <th> without scope: %s" %
          [h for h in heads if "scope=" not in h][:3])
    phone = measure(browser, page, outdir, 390, "screen")
    check(phone.get("page", 1e9) <= 390,
          "html: at 390 px the page is %s px wide" % phone.get("page"))
    check(phone.get("title", 0) >= 80, "html: at 390 px a matrix title "
          "is %s px wide" % phone.get("title"))
    paper = measure(browser, page, outdir, PRINT_W, "print")
    check(paper.get("table", 1e9) <= PRINT_W and
          paper.get("title", 0) >= 80,
          "html: on A4, a table %s px wide (page %d), matrix titles %s px" %
          (paper.get("table"), PRINT_W, paper.get("title")))


def html_vendor_rows(policyc, browser, outdir):
    """200 generated vendors, vendors as rows: the matrix fits an A4 page,
    each verdict a mark that reads without its colour, the legend and
    the numbered rules' key there to say what marks and numbers mean."""
    gen = os.path.join(outdir, "vendors-200.ndjson")
    if not os.path.exists(gen):
        with open(gen, "wb") as f:
            subprocess.run([GEN, "vendors", "200"], stdout=f, check=True)
    p = subprocess.run([policyc, "check", "--format=html",
                        os.path.join(ROOT, "tests/bench/bench40.pol"), gen],
                       stdout=subprocess.PIPE, env=ENV)
    page = os.path.join(outdir, "vendors-200.html")
    with open(page, "wb") as f:
        f.write(p.stdout)
    text = p.stdout.decode("utf-8")
    check('class="matrix by-vendor"' in text and 'class="legend"' in text
          and text.count('<ol class="key">\n') == 1,
          "html: 200 vendors: no vendors-as-rows matrix, legend or key")
    paper = measure(browser, page, outdir, PRINT_W, "print")
    check(paper.get("table", 1e9) <= PRINT_W,
          "html: 200 vendors: on A4 the matrix is %s px wide (page %d)" %
          (paper.get("table"), PRINT_W))


# ---- an input not checked ------------------------------------------------

# What says "this input was not checked", per format (--lang=en).
NOT_CHECKED = {
    "text": "NOT CHECKED: ", "json": '"error": ', "ndjson": '"error":',
    "markdown": "## Not checked: ", "html": '<section class="not-checked"',
    "csv": ",NOT CHECKED,", "junit": '<error type="input"',
    "sarif": '"toolExecutionNotifications": [\n', "tap": ": input not checked",
    "questions": "■ Not checked: ", "questions-json": '{"source":',
    "questions-csv": ',,,"This input could not be read',
}


def test_not_checked(policyc, outdir):
    """A stream of two vendors with a bad record between them: every
    format has an entry for the record, between the vendors' (SARIF's is a
    notification, where it has no order), and stays well-formed."""
    stream = os.path.join(outdir, "not-checked.ndjson")
    first = json.load(open(os.path.join(HERE, "rtl.json"), encoding="utf-8"))
    with open(stream, "w", encoding="utf-8") as f:
        f.write(json.dumps(first, ensure_ascii=False) + "\n")
        f.write('{"$vendor": {"name": "bad",}}\n')
        f.write('{"$vendor": {"name": "Z社"}, "backup": {"offered": false}}\n')
    for fmt, mark in NOT_CHECKED.items():
        p = subprocess.run([policyc, "check", "--format=" + fmt, "--lang=en",
                            os.path.join(HERE, "tricky.pol"), stream],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=ENV)
        out = p.stdout.decode("utf-8")
        check(p.returncode == 3, "not checked: %s: exit %d" %
              (fmt, p.returncode))
        at = out.find(mark)
        check(at >= 0, "not checked: %s: no entry (%r)" % (fmt, mark))
        a, z = out.find("شركة"), out.rfind("Z社")
        if fmt not in ("sarif", "questions-csv"):
            check(0 <= a < at < z, "not checked: %s: the entry is not "
                  "between the vendors (%d, %d, %d)" % (fmt, a, at, z))
        if fmt == "html":
            html_tree(out, "not checked: html")
            check('<tr class="not-checked">' in out,
                  "not checked: html: no row in the scores")
        if fmt == "junit":
            junit_schema(ET.fromstring(p.stdout), "not checked: junit")
        if fmt == "sarif":
            inv = (json.loads(out)["runs"][0].get("invocations") or [{}])[0]
            n = inv.get("toolExecutionNotifications", [])
            loc = n[0]["locations"][0]["physicalLocation"] if n else {}
            check(inv.get("executionSuccessful") is False and len(n) == 1 and
                  n[0]["level"] == "error" and
                  loc["artifactLocation"]["uri"].endswith("not-checked.ndjson")
                  and loc["region"]["startLine"] == 2,
                  "not checked: sarif: notification %s" % n)


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
    global GEN
    policyc, gen, outdir = sys.argv[1:4]
    GEN = gen
    os.makedirs(outdir, exist_ok=True)
    rep = json_report(policyc)
    test_csv(policyc, rep)
    test_junit(policyc, rep)
    test_sarif(policyc, rep)
    test_tap(policyc, rep)
    test_html(policyc, rep, outdir)
    test_not_checked(policyc, outdir)
    if os.environ.get("POL_SKIP_MEMORY"):
        print("memory: skipped: POL_SKIP_MEMORY=%s (a sanitizer build's memory is not the program's)" % os.environ["POL_SKIP_MEMORY"])
    else:
        test_memory(policyc, gen, outdir)
    print("report formats: %d failed" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
