/*
 * render_stamp.c: the reproducibility stamp every report ends with
 * (render.h, docs/report-format.md "The stamp"): the engine's version,
 * the SHA-256 of the policy and of every input, the as-of date and the
 * options that change verdicts. Inputs are hashed as the host reads
 * them (pol_writer_input_data), so a stream of any length is hashed
 * without being kept.
 */
#include <stdlib.h>
#include <string.h>

#include "pol.h"
#include "render.h"
#include "sha256.h"

void stamp_free(stamp *s) {
  const mem *m = &s->m;
  for (size_t i = 0; i < s->ninputs; i++)
    mem_free(m, (char *)s->inputs[i].name);
  mem_free(m, s->inputs);
  mem_free(m, s->hash);
  mem_free(m, (char *)s->as_of);
  mem_free(m, (char *)s->options);
  mem keep = s->m;
  memset(s, 0, sizeof *s);
  s->m = keep;
}

void stamp_close(stamp *s) {
  if (!s->hash)
    return;
  sha256_hex(s->hash, s->inputs[s->ninputs - 1].sha256);
  mem_free(&s->m, s->hash);
  s->hash = NULL;
}

bool stamp_input_begin(stamp *s, int kind, const char *name) {
  stamp_close(s);
  if (!mem_grow(&s->m, (void **)&s->inputs, &s->cap, s->ninputs + 1,
                sizeof *s->inputs))
    return false;
  stamp_input *in = &s->inputs[s->ninputs];
  memset(in, 0, sizeof *in);
  in->kind = kind;
  in->name = mem_strdup(&s->m, name);
  s->hash = mem_alloc(&s->m, sizeof *s->hash);
  if (!in->name || !s->hash) {
    mem_free(&s->m, (char *)in->name);
    mem_free(&s->m, s->hash);
    s->hash = NULL;
    return false;
  }
  sha256_init(s->hash);
  s->ninputs++;
  return true;
}

void stamp_input_data(stamp *s, const void *data, size_t len) {
  if (s->hash && len)
    sha256_update(s->hash, len, data);
}

bool stamp_input_open(const stamp *s) { return s->hash != NULL; }

static const char *kind_name(int kind) {
  return kind == POL_INPUT_WAIVERS ? "waivers" : "facts";
}

void stamp_each(const renderer *w, stamp_put_fn put, sbuf *out) {
  void *user = out;
  const stamp *s = &w->stamp;
  sbuf t;
  sb_init(&t, &w->m);
  put(user, "engine", "policyc " POL_VERSION_STRING);
  const char *file = w->pol->saved_file ? w->pol->saved_file : w->pol->file;
  sb_printf(&t, "%s sha256:%s", file ? file : w->pol->name, w->pol->sha256);
  sb_putc(&t, '\0');
  put(user, "policy", t.oom ? "" : t.p);
  out->oom |= t.oom;
  for (const policy_module *pm = w->pol->modules; pm; pm = pm->next) {
    t.len = 0;
    t.oom = false;
    sb_printf(&t, "%s sha256:%s", pm->file, pm->sha256);
    sb_putc(&t, '\0');
    put(user, "module", t.oom ? "" : t.p);
    out->oom |= t.oom;
  }
  put(user, "as_of", s->as_of ? s->as_of : "");
  put(user, "options", s->options ? s->options : "");
  for (size_t i = 0; i < s->ninputs; i++) {
    t.len = 0;
    t.oom = false;
    sb_printf(&t, "%s sha256:%s", s->inputs[i].name, s->inputs[i].sha256);
    sb_putc(&t, '\0');
    put(user, kind_name(s->inputs[i].kind), t.oom ? "" : t.p);
    out->oom |= t.oom;
  }
  sb_free(&t);
}
