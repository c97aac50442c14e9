/* placeholder: replaced by the public API */
#ifndef POL_H
#define POL_H
#define POL_VERSION_MAJOR 0
#define POL_VERSION_MINOR 1
#define POL_VERSION_PATCH 0
#endif
