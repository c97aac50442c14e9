/*
 * pol_version.h: the version of libpol, the one source of truth for it:
 * the Makefile reads these lines for the soname and pol.pc, and
 * pol_version_number() returns the number the library was built with.
 * Compare it with POL_VERSION_NUMBER to detect a header/library mismatch.
 */
#ifndef POL_VERSION_H
#define POL_VERSION_H

#define POL_VERSION_MAJOR 1
#define POL_VERSION_MINOR 0
#define POL_VERSION_PATCH 0
#define POL_VERSION_STRING "1.0.0"
#define POL_VERSION_NUMBER \
  (POL_VERSION_MAJOR * 10000 + POL_VERSION_MINOR * 100 + POL_VERSION_PATCH)

#endif
