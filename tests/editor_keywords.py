#!/usr/bin/env python3
"""editor_keywords.py: the editor syntax files under docs/editors/ know
every keyword of the grammar.

The keywords are read from the sources that define them:

  - grammar/parser.y: the quoted names of the keyword tokens
    (`%token <tok> POLICY "policy" ...` and `TRUE "true"`, `IN "in"`);
  - grammar/lexer.l: the reserved words (RES1, RES2);
  - lib/parse.c: the layout's keyword tables (`{"title", TOK_TITLE}`):
    statement words and the clause words of every kind of block.

Each must appear as a whole word in the Vim syntax file and in the
TextMate grammar (in a keyword list or pattern, not only in a comment).
Run by `make check` (policy-tests); exits 1 listing what is missing.
"""
import json, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(*path):
    with open(os.path.join(ROOT, *path), encoding="utf-8") as f:
        return f.read()


def grammar_keywords():
    words = set()
    parser = read("grammar", "parser.y")
    for line in parser.splitlines():
        if line.startswith("%token"):
            # a keyword token is spelt as its own name: POLICY "policy";
            # IDENT "identifier" and COMMENT "comment" are classes
            for tok, name in re.findall(r'([A-Z_]+) "([a-z_]+)"', line):
                if tok.lower() == name and tok != "COMMENT":
                    words.add(name)
    lexer = read("grammar", "lexer.l")
    for m in re.finditer(r"^RES\d\s+(.+)$", lexer, re.M):
        words.update(m.group(1).split("|"))
    parse = read("lib", "parse.c")
    words.update(re.findall(r'\{"([a-z_]+)", TOK_[A-Z_]+\}', parse))
    # "end of input" and the like are token descriptions, not words
    return sorted(w for w in words if re.fullmatch(r"[a-z_]+", w))


def vim_words():
    text = read("docs", "editors", "vim", "syntax", "policy.vim")
    words = set()
    for line in text.splitlines():
        m = re.match(r"\s*syn keyword \w+\s+(.*)$", line)
        if m:
            words.update(m.group(1).split())
    return words


def textmate_words():
    grammar = json.loads(read("docs", "editors", "vscode", "syntaxes",
                              "policy.tmLanguage.json"))
    words = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "match" and isinstance(value, str):
                    words.update(re.findall(r"[a-z_]+", value))
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
    walk(grammar["repository"])
    return words


def main():
    keywords = grammar_keywords()
    if len(keywords) < 30:
        print("editor_keywords.py: found only %d keywords: did a source "
              "change shape?" % len(keywords))
        return 1
    failed = False
    for name, found in (("docs/editors/vim/syntax/policy.vim", vim_words()),
                        ("docs/editors/vscode/syntaxes/policy.tmLanguage.json",
                         textmate_words())):
        missing = [w for w in keywords if w not in found]
        if missing:
            print("%s lacks: %s" % (name, " ".join(missing)))
            failed = True
    if not failed:
        print("editor syntax files: all %d keywords of the grammar: ok"
              % len(keywords))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
