#!/usr/bin/env python3
"""Extract a ```c block of a Markdown file into OUT.c.

usage: doc_example.py DOC.md OUT.c [NAME]
Without NAME, the first block opened by a bare ```c; with NAME, the block
opened by ```c NAME (a Markdown info string: still C to a renderer).
Used by `make check` to compile and run the examples in docs/embedding.md,
so the documented code keeps working.
"""
import re, sys

text = open(sys.argv[1], encoding="utf-8").read()
name = sys.argv[3] if len(sys.argv) > 3 else ""
opening = "```c " + re.escape(name) if name else "```c"
m = re.search(opening + r"\n(.*?)```", text, re.S)
if not m:
    sys.exit("%s: no %s block" % (sys.argv[1], opening.replace("\\", "")))
open(sys.argv[2], "w", encoding="utf-8").write(m.group(1))
