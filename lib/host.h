/*
 * host.h: C functions a host registers (pol_env_register and friends),
 * called from expressions through libffi. Each registered function gets
 * a `builtin` entry with a stable address (the first member of its
 * host_fn), so compiled programs refer to host functions exactly as to
 * the built-in ones; the VM sees builtin.fn == NULL and calls
 * host_call() instead.
 * A registry belongs to one pol_env and is not changed once compiling
 * has started (docs/embedding.md says: register first).
 */
#ifndef POL_HOST_H
#define POL_HOST_H

#include "builtins.h"
#include "mem.h"
#include "pol.h"

typedef struct host_registry host_registry;
typedef struct host_fn host_fn;

/* An empty registry allocating through [m] (copied; NULL: libc). */
POL_INTERNAL host_registry *host_new(const mem *m);
POL_INTERNAL void host_free(host_registry *r);
/* Register C function [fn] as [name] with [signature] (the syntax of
 * pol.h). POL_EINVAL with a message in [err] for a bad name or signature,
 * or a name a builtin already has. */
POL_INTERNAL int host_add_c(host_registry *r, const char *name,
                            const char *signature, void (*fn)(void),
                            char *err, size_t errlen);
/* Register the escape-hatch function [fn]. */
POL_INTERNAL int host_add_value(host_registry *r, const char *name, int min,
                                int max, pol_value_fn fn, void *user,
                                char *err, size_t errlen);
/* Make the host function [name], registered before (by the host or a
 * plugin), the escape hatch [fn] instead: a test double. POL_EINVAL when
 * no host function [name] is registered, or for bad counts. */
POL_INTERNAL int host_replace_value(host_registry *r, const char *name,
                                    int min, int max, pol_value_fn fn,
                                    void *user, char *err, size_t errlen);
/* The builtin entry of host function [name], or NULL. [r] may be NULL. */
POL_INTERNAL const builtin *host_find(const host_registry *r,
                                      const char *name);
struct suggest;
/* Offer the name of every function of [r] (may be NULL) to [s]. */
POL_INTERNAL void host_offer(const host_registry *r, struct suggest *s);
/* Whether some function of [r] is named [ns].something: [ns] is then a
 * namespace of host functions (sample in sample.add), not a fact. */
POL_INTERNAL bool host_namespace(const host_registry *r, const char *ns);
/* The signature text of host builtin [b] ("int64(string, double)"), or
 * NULL for an escape-hatch function. */
POL_INTERNAL const char *host_signature(const builtin *b);
/* Whether argument [i] of host builtin [b] can be a value of [kind]
 * (for compile-time checks of literal arguments). */
POL_INTERNAL bool host_accepts(const builtin *b, int i, int kind);
/* Call host builtin [b] with [n] arguments (never errors: the VM has
 * propagated those). Results, and conversion errors, live in [a]. */
POL_INTERNAL val host_call(arena *a, const builtin *b, const val *args,
                           int n);
/* dlopen the shared object [path] ("x.so" means ./x.so: no library
 * path search) and register every entry of its POL_PLUGIN_SYMBOL table,
 * all or none. [r] keeps the handle open until host_free. POL_EIO with
 * the dlerror text when the file cannot be loaded, POL_EFORMAT when it
 * has no table or states another plugin ABI than POL_PLUGIN_ABI (or
 * none), POL_EINVAL naming the entry that cannot be registered;
 * the message goes to [err]. */
POL_INTERNAL int host_load_plugin(host_registry *r, const char *path,
                                  char *err, size_t errlen);

#endif
