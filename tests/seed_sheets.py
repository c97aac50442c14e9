#!/usr/bin/env python3
"""The check-sheet parts of seeds 002 and 004 as TSV files.

    python3 tests/seed_sheets.py SEEDS_DIR OUT_DIR

The seeds are text dumps of spreadsheets: cells separated by tabs, with
page headers repeated, HTML tags left in, and row numbers sometimes
pushed into the question text. This script undoes that, so that
`policyc import` can be tested on what a vendor's spreadsheet exported
as TSV would look like:

  OUT_DIR/cybozu-meti2013.tsv   seed 004, the METI 2013 guideline sheet:
                                項番, 確認事項, 実施有無, 備考
  OUT_DIR/rakus-security.tsv    seed 002, sections A to E of Rakus's
                                information-security sheet:
                                項番, 区分, 設問, 回答, 補足等
  OUT_DIR/rakus-sla.tsv         seed 002, the METI service-level check
                                sheet: 種別, No, 項目, 規定内容, 備考,
                                測定単位, 回答

Cell text is the seed's own: tags are dropped (<p> paragraphs become
lines), nothing is reworded. Rows keep the seed's order; the sheets'
own row numbers are rebuilt where the dump lost them (seed 004 numbers
items within a section, or within a sub-section, consecutively).
"""
import os, re, sys

SEED_002 = "002_1063c1c4597463ca.txt"
SEED_004 = "004_ba066a1a573142c1.txt"


def clean(cell):
    """A cell without HTML: <p> paragraphs become lines, links their text."""
    cell = re.sub(r'<a href="[^"]*">([^<]*)</a>', r"\1", cell)
    cell = re.sub(r"</p>\s*", "\n", cell)
    cell = re.sub(r"</?[a-zA-Z][^>]*>", "", cell)
    lines = [l.strip() for l in cell.split("\n")]
    return "\n".join(l for l in lines if l)


def tsv_cell(text):
    if any(c in text for c in '\t\n"'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write("\t".join(tsv_cell(c) for c in row) + "\n")


# ==== seed 004: the METI 2013 guideline sheet ===============================

NUMBERED = re.compile(r"^(\d+)\s+(.*)$", re.S)


def meti_rows(text):
    """Preamble, header and rows of seed 004 with rebuilt row numbers."""
    lines = text.split("\n")
    head = next(i for i, l in enumerate(lines) if "確認事項" in l)
    out = [[clean(l)] for l in lines[:head] if l.strip()]
    out.append(["項番", "確認事項", "実施有無", "備考"])
    top, sub, item = 0, None, 0
    for line in lines[head + 1:]:
        cells = [clean(c) for c in line.split("\t")]
        cells = [c for c in cells] + [""] * 4
        if not any(cells):
            continue
        first, second = cells[0], cells[1]
        mark = next((c for c in cells if c in ("○", "×", "※", "－")), "")
        if not mark:
            top, sub, item = heading(out, first, second, top, sub)
            continue
        item += 1
        rest = cells[cells.index(mark) + 1:]
        note = next((c for c in rest if c), "")
        question = second if first.isdigit() else (first or second)
        m = NUMBERED.match(question)
        if m and int(m.group(1)) == item:
            question = m.group(2)
        number = "%d.%s%d" % (top, "%d." % sub if sub else "", item)
        out.append([number, question, mark, note])
    return out


def heading(out, first, second, top, sub):
    """A section or sub-section heading row; the numbering state after."""
    title = " ".join(c for c in (first, second) if c)
    m = NUMBERED.match(title)
    if not m:
        return top, sub, 0
    n, name = int(m.group(1)), m.group(2).strip()
    if n == top + 1:
        out.append([str(n), name, "", ""])
        return n, None, 0
    out.append(["%d.%d" % (top, n), name, "", ""])
    return top, n, 0


# ==== seed 002: Rakus's security sheet, sections A to E =====================

def rakus_security_rows(text):
    lines = text.split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("A. 基本情報"))
    end = next(i for i, l in enumerate(lines)
               if "サービスレベルチェックシート" in l)
    out = [[clean(l)] for l in lines[:start] if l.strip() and
           not l.startswith("#")]
    out.insert(0, [clean(lines[2].lstrip("# "))])
    out.append(["項番", "区分", "設問", "回答", "補足等"])
    pending_e = None
    for line in lines[start:end]:
        cells = [clean(c) for c in line.split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        if not cells or cells[0].startswith("【ラクス】") or \
                cells[0].startswith("当シートは") or \
                cells[0].startswith("最終更新") or cells[0] == "項番":
            continue
        if re.match(r"^[A-E]\.", cells[0]) and len(cells) == 1:
            if cells[0].startswith("E."):
                pending_e = cells[0]
            out.append(["", cells[0], "", "", ""])
        elif pending_e:
            out.append(["E", "", pending_e[2:], " ".join(cells), ""])
            pending_e = None
        elif re.match(r"^[A-C]-\d+$", cells[0]):
            out.append([cells[0], "", cells[1], " ".join(cells[2:]), ""])
        elif re.match(r"^D-\d+$", cells[0]) or (cells[0] == "" and
                                                 len(cells) > 2 and
                                                 cells[2].startswith("D-")):
            out.append(d_row(cells))
        else:
            out.append(["", "", "", " ".join(c for c in cells if c), ""])
    return out


def d_row(cells):
    """A row of section D: 項番 区分 詳細No 設問 回答 補足等."""
    cells = cells + [""] * 6
    section = "%s %s" % (cells[0], cells[1]) if cells[0] else ""
    return [cells[2], section, cells[3], cells[4], cells[5]]


# ==== seed 002: the METI service-level check sheet ==========================

def rakus_sla_rows(text):
    lines = text.split("\n")
    start = next(i for i, l in enumerate(lines)
                 if "サービスレベルチェックシート" in l)
    end = next(i for i, l in enumerate(lines) if l.startswith("(参考)"))
    header = ["種別", "No", "項目", "規定内容", "備考", "測定単位", "回答"]
    out = [[clean(lines[start].strip("*# "))]]
    note = next(l for l in lines[start:] if l.startswith("当シート"))
    out.append([clean(note)])
    out.append(header)
    for line in lines[start + 1:end]:
        cells = [clean(c) for c in line.split("\t")]
        if not any(cells) or cells[:2] == header[:2] or \
                "サービスレベルチェックシート" in cells[0] or \
                cells[0].startswith("当シートは"):
            continue
        out.append((cells + [""] * 7)[:7])
    return out


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: seed_sheets.py SEEDS_DIR OUT_DIR\n")
        return 2
    seeds, outdir = argv[1], argv[2]
    os.makedirs(outdir, exist_ok=True)
    s004 = open(os.path.join(seeds, SEED_004), encoding="utf-8").read()
    s002 = open(os.path.join(seeds, SEED_002), encoding="utf-8").read()
    write(os.path.join(outdir, "cybozu-meti2013.tsv"), meti_rows(s004))
    write(os.path.join(outdir, "rakus-security.tsv"),
          rakus_security_rows(s002))
    write(os.path.join(outdir, "rakus-sla.tsv"), rakus_sla_rows(s002))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
