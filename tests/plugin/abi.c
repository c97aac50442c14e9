/*
 * abi.c: plugins that state their plugin ABI otherwise than the sample
 * does, for test_ffi and the plugin_abi goldens. Built twice: as
 * build/tests/abi_future_plugin.so with ABI_FUTURE, stating the ABI
 * after this pol.h's (a plugin built against a newer pol.h), which
 * pol_env_load_plugin refuses; and as build/tests/abi_none_plugin.so
 * stating none (one built against a pol.h from before plugins stated
 * theirs), taken as plugin ABI 1, which loads while the ABI is 1.
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
