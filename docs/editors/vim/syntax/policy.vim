" Vim syntax file
" Language:    policyc policy files (*.pol): docs/policies.md, docs/language.md
" Maintainer:  the policyc project (docs/editors/README.md)
"
" Every keyword of the grammar is here: tests/editor_keywords.py checks
" this file against grammar/parser.y, grammar/lexer.l and the layout's
" keyword tables in lib/parse.c, so a new keyword cannot be forgotten.

if exists("b:current_syntax")
  finish
endif

" Statements (the first word of a statement) and clause names (inside a
" block). The layout makes them keywords only where they stand there;
" elsewhere they are ordinary names, which a highlighter cannot know.
syn keyword polStatement policy import let rule fact override
syn keyword polSeverity  must should may
syn keyword polClause    title version description severity refs when
syn keyword polClause    require message ask exclude
syn keyword polLanguage  ja en
syn keyword polConstant  true false null
syn keyword polOperator  in
" Reserved by CEL: not usable as names.
syn keyword polReserved  as break const continue else for function if
syn keyword polReserved  loop package namespace return var void while
" Macros and the functions every policy uses.
syn keyword polMacro     has all exists exists_one map filter
syn keyword polFunction  size contains startsWith endsWith matches
syn keyword polFunction  int uint double string bytes bool duration
syn keyword polFunction  timestamp type dyn now
syn keyword polType      list

syn match   polComment   "//.*$" contains=@Spell,polTodo
syn keyword polTodo      TODO contained

" Numbers: 7, 7u, 0x1F, 99.9, 1e6.
syn match   polNumber    "\<\d\+[uU]\=\>"
syn match   polNumber    "\<0[xX]\x\+[uU]\=\>"
syn match   polNumber    "\<\d*\.\d\+\([eE][+-]\=\d\+\)\=\>"
syn match   polNumber    "\<\d\+[eE][+-]\=\d\+\>"

" Strings: "..." '...' """...""" '''...''', raw (r"...") and bytes (b"...").
syn region  polString    start=+[bB]\=[rR]\="""+ end=+"""+ contains=@Spell
syn region  polString    start=+[bB]\=[rR]\='''+ end=+'''+ contains=@Spell
syn region  polString    start=+[bB]\=[rR]\="+ skip=+\\\\\|\\"+ end=+"+ oneline contains=polEscape,polTemplate,@Spell
syn region  polString    start=+[bB]\=[rR]\='+ skip=+\\\\\|\\'+ end=+'+ oneline contains=polEscape,@Spell
syn match   polEscape    +\\[abfnrtv\\?"'`]\|\\x\x\{2}\|\\u\x\{4}\|\\U\x\{8}\|\\[0-3]\o\{2}+ contained
" {expr} in a message template
syn match   polTemplate  "{[^{}]*}" contained

" `quoted name`s in fact paths.
syn match   polQuoted    "`[^`]*`"

hi def link polStatement Statement
hi def link polSeverity  Keyword
hi def link polClause    Keyword
hi def link polLanguage  Special
hi def link polConstant  Constant
hi def link polOperator  Operator
hi def link polReserved  Error
hi def link polMacro     Function
hi def link polFunction  Function
hi def link polType      Type
hi def link polComment   Comment
hi def link polTodo      Todo
hi def link polNumber    Number
hi def link polString    String
hi def link polEscape    SpecialChar
hi def link polTemplate  Special
hi def link polQuoted    Identifier

let b:current_syntax = "policy"
