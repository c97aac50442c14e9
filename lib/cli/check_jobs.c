/*
 * check_jobs.c: running the vendors of `policyc check` through the
 * policy, one after another (check_serial) or on N threads
 * (check_parallel).
 *
 * In parallel, this thread reads the records and hands each to a slot of
 * a ring; N - 1 workers take the slots in order, load and check their
 * vendor (each worker with its own pol_ctx, each slot with its own fact
 * set and report: the policy is shared, read-only); this thread then
 * writes the slots in input order as they finish and reuses them. So the
 * output is byte for byte the output of one job, and memory holds at
 * most one vendor per slot (ring_size).
 *
 * This thread is the Nth: when the ring is full and the oldest slot is
 * not done, it checks the next record nobody has taken rather than
 * sleep. With N workers beside it, N + 1 threads shared N cores: each
 * was preempted by the others, and --jobs 2 took 1.5 times the CPU of
 * one job for the same vendors.
 *
 * Every time a thread sleeps and is woken is a context switch, which on
 * a virtual machine costs as much as checking a small vendor; so each
 * side sleeps until there is a batch for it: a worker until a few
 * records wait, the writer until the oldest half of the ring is done.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"

int check_record(const check_opts *o, pol_ctx *ctx, pol_facts *f,
                 pol_report *rep, const char *name, const record *rec,
                 const char *source, char *msg, size_t cap) {
  if (rec->error) {
    record_error(rec, name, msg, cap);
    return POL_EFORMAT;
  }
  int rc = pol_facts_load_record(f, rec->data, rec->len, name, rec->line);
  if (rc != POL_OK) {
    snprintf(msg, cap, "%s", pol_facts_errmsg(f));
    return rc == POL_ENOMEM ? rc : POL_EFORMAT;
  }
  /* all at once: one copy of the root however many there are */
  rc = pol_facts_assume_all(f, o->assume, (size_t)o->nassume, NULL);
  if (rc != POL_OK) {
    snprintf(msg, cap, "%s: --assume %s", source, pol_facts_errmsg(f));
    return rc == POL_ENOMEM ? rc : POL_EINVAL;
  }
  rc = pol_check(ctx, rep, f, source);
  if (rc != POL_OK)
    snprintf(msg, cap, "%s", pol_ctx_errmsg(ctx));
  return rc;
}

/* One input that held no record at all. */
static void empty_input(check_run *cr, const char *name) {
  char msg[4200];
  snprintf(msg, sizeof msg, "%s: no fact set (the input is empty)", name);
  check_bad_input(cr, name, msg);
}

/* ==== one after another ================================================== */

int check_serial(check_run *cr) {
  pol_facts *f = NULL;
  pol_report *rep = NULL;
  pol_ctx *ctx = NULL;
  int status = EXIT_OK;
  if (pol_facts_new(cr->env, &f) != POL_OK ||
      pol_report_new(cr->pol, cr->o->unknown, &rep) != POL_OK ||
      !check_report_setup(cr, rep) ||
      pol_ctx_new(cr->env, &ctx) != POL_OK) {
    cli_error("out of memory");
    status = EXIT_INPUT;
  }
  /* a report that can no longer be written ends the run: with SIGPIPE
   * ignored, `policyc check - | head -1` read an endless stream for ever
   * after head had gone */
  for (int i = 0; status == EXIT_OK && !cr->write_failed &&
                  i < cr->o->nfacts; i++) {
    char source[4200], msg[4400];
    reader *r = check_open(cr, cr->o->facts[i], msg, sizeof msg);
    if (!r) {
      check_unreadable(cr, cr->o->facts[i], msg);
      continue;
    }
    record rec;
    int got = 0, n = 0;
    while (status == EXIT_OK && !cr->write_failed &&
           (got = reader_next(r, &rec)) > 0) {
      check_source(source, sizeof source, reader_name(r), &rec,
                   n++ == 0 && rec.last);
      int rc = check_record(cr->o, ctx, f, rep, reader_name(r), &rec, source,
                            msg, sizeof msg);
      if (rc == POL_OK)
        check_write(cr, rep);
      else if (rc == POL_EFORMAT || rc == POL_EINVAL)
        check_rejected(cr, rc, source, msg);
      else {
        cli_error("%s", msg);
        status = EXIT_INPUT;
      }
    }
    if (got < 0 && reader_oom(r)) /* said: the run stops */
      status = EXIT_INPUT;
    else if (got < 0) /* the vendors read before are in the report */
      check_unreadable(cr, reader_name(r), reader_error(r));
    else if (n == 0 && !cr->write_failed) /* not: stopped before it */
      empty_input(cr, reader_name(r));
    reader_close(r);
  }
  pol_ctx_free(ctx);
  pol_report_free(rep);
  pol_facts_free(f);
  return status;
}

/* ==== on N threads ======================================================= */

enum { SLOT_FREE, SLOT_READY, SLOT_DONE };

typedef struct slot {
  record rec;          /* its data points into [data], its error into
                          [error]: the reader may be closed before the
                          worker takes the slot */
  char *data, *name, *source, *error;
  size_t cap;
  pol_facts *facts;
  pol_report *rep;
  const char *text;    /* its part of the output, rendered by the worker */
  size_t len;
  int state, rc;
  char msg[4400];
} slot;

typedef struct pool {
  check_run *cr;
  slot *slots;
  size_t nslots;
  unsigned long long in, taken, out; /* records handed, taken, written */
  pthread_mutex_t mu;
  pthread_cond_t work, done;
  bool closing;
  bool failed;         /* out of memory in a worker: stop */
  /* Who sleeps, so that a thread is woken only when it has something to
   * do: the writer when the slots it waits for are done, a worker for a
   * few records at once (each wake-up is a context switch: one per
   * record and side cost --jobs 2 a fifth more CPU than one job). */
  unsigned long long writer_until; /* the writer sleeps until every slot
                                      before this one is done; 0: awake */
  int idle;            /* workers waiting for records */
  pol_ctx *ctx;        /* this thread's, to check records too; NULL:
                          out of memory, it only reads and writes */
} pool;

/* Records handed at once to a sleeping worker, unless the writer is
 * about to wait (then every record counts). The ring: SLOTS_PER_JOB
 * slots per job. A slot holds a vendor's facts, report and text, about
 * 0.35 MB for a 5 KB vendor, and what the report keeps from vendor to
 * vendor: the fewer slots, the warmer each. With the
 * writer asleep whenever the oldest slot was not done, 4 slots per job
 * woke it for nearly every record (20,000 vendors, --jobs 2: 30,000
 * context switches) and 16 were chosen; since it checks records
 * instead of sleeping (about 200 switches), 4 are faster (--jobs 2
 * 0.65-0.68 s -> 0.64 s, --jobs 4 0.83-0.85 s -> 0.70-0.75 s) in half
 * the memory. */
enum { HAND_BATCH = 3, SLOTS_PER_JOB = 4 };

static size_t ring_size(int jobs) { return SLOTS_PER_JOB * (size_t)jobs; }

static void slot_free(slot *s) {
  free(s->data);
  free(s->name);
  free(s->source);
  free(s->error);
  pol_facts_free(s->facts);
  pol_report_free(s->rep);
}

/* Copy [rec] of input [name] into [s], named [source]. */
static bool slot_fill(slot *s, const record *rec, const char *name,
                      const char *source) {
  if (rec->data && rec->len + 1 > s->cap) {
    char *d = realloc(s->data, rec->len + 1);
    if (!d)
      return false;
    s->data = d;
    s->cap = rec->len + 1;
  }
  free(s->name);
  free(s->source);
  free(s->error);
  s->name = strdup(name);
  s->source = strdup(source);
  s->error = rec->error ? strdup(rec->error) : NULL;
  s->rec = *rec;
  s->rec.error = s->error;
  if (rec->data) {
    memcpy(s->data, rec->data, rec->len);
    s->rec.data = s->data;
  }
  return s->name && s->source && (s->error || !rec->error);
}

/* Whether every slot from the oldest up to (not including) record
 * number [until] is done. */
static bool done_until(const pool *p, unsigned long long until) {
  for (unsigned long long i = p->out; i < until; i++)
    if (p->slots[i % p->nslots].state != SLOT_DONE)
      return false;
  return true;
}

/* Load, check and render the record of [s] with [ctx] (NULL: out of
 * memory), outside the lock. */
static void check_slot(pool *p, pol_ctx *ctx, slot *s) {
  s->rc = ctx ? check_record(p->cr->o, ctx, s->facts, s->rep, s->name,
                             &s->rec, s->source, s->msg, sizeof s->msg)
              : POL_ENOMEM;
  if (s->rc == POL_OK) /* rendering, too, is the checking thread's */
    s->rc = pol_report_chunk(s->rep, p->cr->w, &s->text, &s->len);
  if (s->rc == POL_ENOMEM)
    snprintf(s->msg, sizeof s->msg, "out of memory");
}

/* Take the next record nobody has taken, check it with [ctx] and mark
 * it done; called and returns with the lock held. */
static void take_one(pool *p, pol_ctx *ctx) {
  slot *s = &p->slots[p->taken++ % p->nslots];
  pthread_mutex_unlock(&p->mu);
  check_slot(p, ctx, s);
  pthread_mutex_lock(&p->mu);
  s->state = SLOT_DONE;
  if (p->writer_until && done_until(p, p->writer_until))
    pthread_cond_signal(&p->done);
}

static void *worker(void *arg) {
  pool *p = arg;
  pol_ctx *ctx = NULL;
  if (pol_ctx_new(p->cr->env, &ctx) != POL_OK)
    ctx = NULL;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (!p->closing && p->taken == p->in) {
      p->idle++;
      pthread_cond_wait(&p->work, &p->mu);
      p->idle--;
    }
    if (p->taken == p->in)
      break;
    take_one(p, ctx);
  }
  pthread_mutex_unlock(&p->mu);
  pol_ctx_free(ctx);
  return NULL;
}

/* Write the oldest slot, which is done, and free it for the next record. */
static void write_one(pool *p) {
  slot *s = &p->slots[p->out % p->nslots];
  if (s->rc == POL_OK)
    check_write_chunk(p->cr, s->rep, s->text, s->len);
  else if (s->rc == POL_EFORMAT || s->rc == POL_EINVAL)
    check_rejected(p->cr, s->rc, s->source, s->msg);
  else if (!p->failed) {
    cli_error("%s", s->msg);
    p->failed = true;
  }
  s->state = SLOT_FREE;
  p->out++;
}

/* Wait until the oldest [n] slots are done (at least the oldest one
 * when it is not), then write every slot that is done, in order. */
static void drain(pool *p, unsigned long long n) {
  pthread_mutex_lock(&p->mu);
  if (p->slots[p->out % p->nslots].state != SLOT_DONE) {
    if (p->idle && p->taken < p->in)
      pthread_cond_broadcast(&p->work); /* records wait: no batch now */
    p->writer_until = p->out + n;
    while (!done_until(p, p->writer_until)) {
      if (p->ctx && p->taken < p->in)
        take_one(p, p->ctx); /* this thread checks too */
      else
        pthread_cond_wait(&p->done, &p->mu);
    }
    p->writer_until = 0;
  }
  unsigned long long ready = p->out;
  while (ready < p->in && p->slots[ready % p->nslots].state == SLOT_DONE)
    ready++;
  pthread_mutex_unlock(&p->mu);
  while (p->out < ready) /* a done slot is the writer's: no lock */
    write_one(p);
}

/* Hand the record [rec] to the next slot (once one is free). */
static bool hand(pool *p, const record *rec, const char *name,
                 const char *source) {
  if (p->in - p->out == p->nslots)
    drain(p, p->nslots / 2);
  slot *s = &p->slots[p->in % p->nslots];
  if (!slot_fill(s, rec, name, source)) {
    cli_error("out of memory");
    return false;
  }
  pthread_mutex_lock(&p->mu);
  s->state = SLOT_READY;
  p->in++;
  if (p->idle && (p->in - p->taken >= HAND_BATCH || p->in - p->out ==
                  p->nslots))
    pthread_cond_signal(&p->work);
  pthread_mutex_unlock(&p->mu);
  return true;
}

/* Read every input into the pool. */
static int feed(pool *p) {
  check_run *cr = p->cr;
  for (int i = 0; i < cr->o->nfacts && !p->failed && !cr->write_failed;
       i++) {
    char why[4400];
    reader *r = check_open(cr, cr->o->facts[i], why, sizeof why);
    if (!r) {
      while (p->out < p->in) /* in order: write what came before */
        drain(p, p->in - p->out);
      check_unreadable(cr, cr->o->facts[i], why);
      continue;
    }
    record rec;
    int got = 0, n = 0;
    char source[4200];
    while (!p->failed && !cr->write_failed &&
           (got = reader_next(r, &rec)) > 0) {
      check_source(source, sizeof source, reader_name(r), &rec,
                   n++ == 0 && rec.last);
      if (!hand(p, &rec, reader_name(r), source))
        p->failed = true;
    }
    while ((n == 0 || got < 0) && p->out < p->in) /* in order: write
                                                      what came before */
      drain(p, p->in - p->out);
    if (got < 0 && reader_oom(r)) /* said: the run stops */
      p->failed = true;
    else if (got < 0 && !p->failed)
      check_unreadable(cr, reader_name(r), reader_error(r));
    else if (n == 0 && !p->failed && !cr->write_failed)
      empty_input(cr, reader_name(r));
    reader_close(r);
  }
  while (p->out < p->in)
    drain(p, p->in - p->out);
  return p->failed ? EXIT_INPUT : EXIT_OK;
}

static bool pool_init(pool *p, check_run *cr) {
  memset(p, 0, sizeof *p);
  p->cr = cr;
  p->nslots = ring_size(cr->o->jobs);
  p->slots = calloc(p->nslots, sizeof *p->slots);
  for (size_t i = 0; p->slots && i < p->nslots; i++)
    if (pol_facts_new(cr->env, &p->slots[i].facts) != POL_OK ||
        pol_report_new(cr->pol, cr->o->unknown, &p->slots[i].rep) != POL_OK ||
        !check_report_setup(cr, p->slots[i].rep))
      return false;
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->work, NULL);
  pthread_cond_init(&p->done, NULL);
  if (pol_ctx_new(cr->env, &p->ctx) != POL_OK)
    p->ctx = NULL;
  return p->slots != NULL;
}

static void pool_free(pool *p) {
  pol_ctx_free(p->ctx);
  for (size_t i = 0; p->slots && i < p->nslots; i++)
    slot_free(&p->slots[i]);
  free(p->slots);
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->work);
  pthread_cond_destroy(&p->done);
}

int check_parallel(check_run *cr) {
  pool p;
  memset(&p, 0, sizeof p); /* pool_free below, even when !t skips init */
  int n = cr->o->jobs - 1, started = 0, status; /* and this thread */
  pthread_t *t = calloc((size_t)n, sizeof *t);
  if (!t || !pool_init(&p, cr)) {
    free(t);
    pool_free(&p);
    cli_error("out of memory");
    return EXIT_INPUT;
  }
  int err = 0;
  while (started < n &&
         (err = pthread_create(&t[started], NULL, worker, &p)) == 0)
    started++;
  if (started == 0) {
    /* EAGAIN is what glibc says when it cannot allocate a thread's
     * stack or TLS: out of memory, as every command says it */
    cli_error("%scannot start threads for --jobs",
              err == EAGAIN || err == ENOMEM ? "out of memory: " : "");
    status = EXIT_INPUT;
  } else {
    status = feed(&p);
  }
  pthread_mutex_lock(&p.mu);
  p.closing = true;
  pthread_cond_broadcast(&p.work);
  pthread_mutex_unlock(&p.mu);
  for (int i = 0; i < started; i++)
    pthread_join(t[i], NULL);
  pool_free(&p);
  free(t);
  return status;
}
