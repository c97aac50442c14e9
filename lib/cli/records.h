/*
 * records.h: vendors read one at a time from a file or a pipe. A file
 * holds one JSON object, or many (NDJSON: one per line; or pretty-printed
 * objects one after another). The reader finds where each record ends by
 * a scan that follows brackets and strings, without parsing it, so that
 * only one record (or one per job) is in memory at a time, however long
 * the stream. Parsing, and every error about the JSON itself, is the
 * library's (pol_facts_load_record).
 *
 * Framing rules (docs/cli.md): records are separated by whitespace
 * (space, tab, CR, LF; nothing else); a record ends on the line where
 * its brackets close, and the rest of that line must be blank; a string
 * cannot span lines (JSON forbids raw line breaks in strings), so a
 * malformed record ends at the line break; while a record's brackets are
 * still open, a line that starts with '{' starts the next record, so
 * one unclosed object does not swallow the rest of the stream.
 */
#ifndef POLICYC_RECORDS_H
#define POLICYC_RECORDS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct reader reader;

/* One record: [len] bytes at [data] (valid until the next reader call),
 * starting at line [line] of its input; [error] when the reader itself
 * found it bad (too large, text after it on its line): then [data] may
 * be NULL and [error] says why. */
typedef struct record {
  const char *data;
  size_t len;
  unsigned line;
  const char *error;
  unsigned err_line, err_col; /* where the reader found it bad (col 0:
                                 the record as a whole, e.g. too large) */
  bool last;         /* no record follows it in this input */
} record;

/* Open [path] ("-": standard input) with a record size limit of
 * [max_record] bytes; NULL after printing why it cannot be read. */
reader *reader_open(const char *path, size_t max_record);
void reader_close(reader *r);
/* Have [fn]([user], bytes, n) called with every piece of the input as it
 * is read, in order (for the report's stamp: its SHA-256). */
void reader_tap(reader *r, void (*fn)(void *user, const void *data,
                                      size_t n), void *user);
/* The name of the input in messages: its path, or "<stdin>". */
const char *reader_name(const reader *r);
/* The next record into *[rec]: 1, or 0 at the end of the input, or -1
 * when the input cannot be read any more (after printing why). */
int reader_next(reader *r, record *rec);
/* The message of a record the reader found bad ([rec]->error set), read
 * from the input [name]: "name:line:col: why" (or "name:line: why" for
 * the record as a whole) into [msg] of [cap] bytes. */
void record_error(const record *rec, const char *name, char *msg,
                  size_t cap);
/* Whether the reader found [rec] bad: then that message is said on
 * standard error (for commands that stop or go on without a report to
 * put it in). */
bool record_refused(const record *rec, const char *name);
/* After reader_next returned -1: why, as "NAME: reason" (valid until
 * reader_close); else NULL. */
const char *reader_error(const reader *r);
/* Whether that reason is memory running out (said on standard error):
 * an out-of-memory run stops, as everywhere, instead of listing the
 * input as one that could not be read. */
bool reader_oom(const reader *r);

#endif
