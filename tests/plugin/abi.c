/*
 * abi.c: a plugin that pol_env_load_plugin must refuse for its plugin
 * ABI, for test_ffi and the plugin_abi goldens. Built twice: as
 * build/tests/abi_future_plugin.so with ABI_FUTURE, stating the ABI
 * after this pol.h's (a plugin built against a newer pol.h), and as
 * build/tests/abi_none_plugin.so stating none (one built against a
 * pol.h from before plugins stated theirs). Its one function would
 * work: only the ABI is wrong.
 */
#include <stddef.h>
#include <stdint.h>

#include "pol.h"

static int64_t one(void) { return 1; }

#ifdef ABI_FUTURE
POL_API const int pol_plugin_abi = POL_PLUGIN_ABI + 1;
#endif

POL_API const pol_plugin_fn pol_plugin_functions[] = {
    {"abi.one", "int64()", (void (*)(void))one},
    {NULL, NULL, NULL},
};
