/*
 * diag_codes.h: THE table of diagnostic codes. Every diagnostic the
 * library can report has one stable code, E0xxx for errors (W0xxx is kept
 * for warnings), documented with an example in docs/errors.md; a test
 * (tests/check_errors_doc.py) checks that every code here is used by the
 * sources and documented, and that every documented code is here.
 *
 * X(NAME, CODE, TITLE): DC_NAME is the code's enum name, CODE the text
 * users see (its letter is the severity), TITLE what the docs head it
 * with. Codes never change meaning; one that goes out of use is retired,
 * not reused. The hundreds group them:
 *
 *   E00xx  characters and tokens: encoding, full-width and Japanese
 *          punctuation, literals
 *   E01xx  syntax: statements, clauses, operators, layout
 *   E02xx  names: facts, lets, functions, methods, modules
 *   E03xx  types and values known at compile time
 *   E04xx  policy structure: rules, clauses, headers, messages
 *   E09xx  limits of the engine
 */
#ifndef POL_DIAG_CODES_H
#define POL_DIAG_CODES_H

#define DIAG_CODES(X)                                                        \
  X(BAD_UTF8, "E0001", "source is not valid UTF-8")                          \
  X(SHIFT_JIS, "E0002", "source is Shift_JIS, not UTF-8")                    \
  X(FULLWIDTH, "E0003", "full-width character in code")                      \
  X(SMART_QUOTE, "E0004", "curly or full-width quotes around a string")      \
  X(STRAY_CHAR, "E0005", "character that starts no token")                   \
  X(HASH_COMMENT, "E0006", "comment not started with '//'")                  \
  X(UNTERMINATED, "E0007", "string or name with a quote missing")            \
  X(BAD_ESCAPE, "E0008", "invalid escape sequence")                          \
  X(BAD_NUMBER, "E0009", "invalid number, or a number with a unit")         \
  X(NON_ASCII_NAME, "E0010", "name with non-ASCII characters")               \
  X(JA_QUOTE, "E0011", "Japanese brackets around a string")                  \
  X(BAD_OPERATOR, "E0012", "operator from another language")                 \
  X(CR_LINE_ENDS, "E0013", "lines ended by a carriage return alone")        \
  X(SYNTAX, "E0101", "syntax error")                                         \
  X(WORD_OPERATOR, "E0102", "'or', 'and' or 'not' for an operator")          \
  X(LEADING_OPERATOR, "E0103", "line starting with a binary operator")       \
  X(MISSING_BRACE, "E0104", "block not closed with '}'")                     \
  X(UNKNOWN_CLAUSE, "E0105", "unknown clause")                               \
  X(RESERVED_WORD, "E0106", "reserved word used as a name")                  \
  X(BAD_SEVERITY, "E0107", "unknown severity")                               \
  X(UNKNOWN_STATEMENT, "E0108", "unknown statement keyword")                 \
  X(BAD_FACT_DECL, "E0109", "malformed fact declaration")                    \
  X(BAD_LANGUAGE, "E0110", "unknown language of a question")                 \
  X(UNSUPPORTED, "E0111", "construct the language does not support")         \
  X(UNKNOWN_FACT, "E0201", "unknown fact")                                   \
  X(UNKNOWN_NAME, "E0202", "unknown name")                                   \
  X(UNKNOWN_FUNCTION, "E0203", "unknown function")                           \
  X(UNKNOWN_METHOD, "E0204", "unknown method")                               \
  X(ARITY, "E0205", "wrong number of arguments")                             \
  X(MODULE_NOT_FOUND, "E0206", "module not found")                           \
  X(IMPORT_CYCLE, "E0207", "import cycle")                                   \
  X(BAD_MODULE_NAME, "E0208", "invalid module name")                         \
  X(DUPLICATE, "E0209", "name defined twice")                                \
  X(RECURSIVE_LET, "E0210", "let defined in terms of itself")                \
  X(BAD_MACRO, "E0211", "macro used the wrong way")                          \
  X(UNKNOWN_RULE, "E0212", "unknown rule in exclude or override")            \
  X(NOT_BOOL, "E0301", "condition that is not a bool")                       \
  X(FACT_TYPE, "E0302", "fact compared with a value of another type")        \
  X(RECEIVER_TYPE, "E0303", "method called on a value of the wrong type")    \
  X(ARG_TYPE, "E0304", "argument of the wrong type")                         \
  X(BAD_REGEX, "E0305", "invalid regular expression")                        \
  X(BAD_ALLOWED, "E0306", "allowed values that are not a list of literals")  \
  X(OPERAND_TYPE, "E0307", "operator on values of the wrong types")         \
  X(NO_REQUIRE, "E0401", "rule without 'require'")                           \
  X(DUPLICATE_CLAUSE, "E0402", "clause given twice")                         \
  X(CLAUSE_VALUE, "E0403", "clause value of the wrong form")                 \
  X(HEADER, "E0404", "misplaced policy header")                              \
  X(BAD_TEMPLATE, "E0405", "malformed message template")                     \
  X(OVERRIDE_CLAUSE, "E0406", "clause an override cannot change")            \
  X(OVERRIDE_OWN, "E0407", "override of the policy's own rule")              \
  X(OVERRIDE_TWICE, "E0408", "rule overridden twice")                        \
  X(LIMIT, "E0901", "limit of the engine reached")                           \
  X(NO_MEMORY, "E0902", "out of memory")                                     \
  X(INTERNAL, "E0903", "internal error")

typedef enum {
#define X(name, code, title) DC_##name,
  DIAG_CODES(X)
#undef X
  DC_COUNT
} diag_code;

#endif
