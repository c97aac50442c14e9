/*
 * sample.c: a plugin for the tests and docs/host-functions.md. Built as
 * build/tests/sample_plugin.so and loaded with `policyc --plugin` or
 * pol_env_load_plugin. It is plain C: the functions know nothing of the
 * engine, and the table below is all the plugin exports.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pol.h"

/* sample.add(int64, int64) -> int64, wrapping around: a C function has
 * no way to fail (a + b would be undefined behaviour on overflow, which
 * UBSan stops at); one that must fail uses the escape hatch. */
static int64_t add(int64_t a, int64_t b) {
  return (int64_t)((uint64_t)a + (uint64_t)b);
}

/* sample.ratio(double, double) -> double */
static double ratio(double a, double b) { return b == 0 ? 0 : a / b; }

/* sample.between(double, double, double) -> bool: lo <= x <= hi */
static bool between(double x, double lo, double hi) {
  return lo <= x && x <= hi;
}

/* sample.shout(string) -> string: ASCII letters upper-cased. The text
 * is returned in a per-thread buffer; the engine copies it at once. */
static const char *shout(const char *s) {
  static _Thread_local char buf[256];
  size_t i = 0;
  for (; s[i] && i + 1 < sizeof buf; i++)
    buf[i] = (char)toupper((unsigned char)s[i]);
  buf[i] = '\0';
  return buf;
}

/* sample.count_byte(strlen, int64) -> uint64: how often byte [c]
 * occurs in the [n] bytes at [p] (NULs included). */
static uint64_t count_byte(const char *p, size_t n, int64_t c) {
  uint64_t k = 0;
  for (size_t i = 0; i < n; i++)
    k += (unsigned char)p[i] == c;
  return k;
}

/* The plugin ABI this file was built for, which the loader checks. */
POL_PLUGIN_EXPORT_ABI;

/* The table policyc and pol_env_load_plugin look for. */
POL_API const pol_plugin_fn pol_plugin_functions[] = {
    {"sample.add", "int64(int64, int64)", (void (*)(void))add},
    {"sample.ratio", "double(double, double)", (void (*)(void))ratio},
    {"sample.between", "bool(double, double, double)",
     (void (*)(void))between},
    {"sample.shout", "string(string)", (void (*)(void))shout},
    {"sample.count_byte", "uint64(strlen, int64)",
     (void (*)(void))count_byte},
    {NULL, NULL, NULL},
};
