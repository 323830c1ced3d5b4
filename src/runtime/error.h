#ifndef R50_ERROR_H
#define R50_ERROR_H
#include "r50.h"

/* Record status and a printf-style message in err (if non-NULL); return s. */
r50_status r50_fail(r50_error *err, r50_status s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
#endif
