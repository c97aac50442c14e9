#!/usr/bin/env python3
"""Extract the first ```c block of a Markdown file into OUT.c.

usage: doc_example.py DOC.md OUT.c
Used by `make check` to compile and run the example in docs/embedding.md,
so the documented code keeps working.
"""
import re, sys

text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"```c\n(.*?)```", text, re.S)
if not m:
    sys.exit("%s: no ```c block" % sys.argv[1])
open(sys.argv[2], "w", encoding="utf-8").write(m.group(1))
