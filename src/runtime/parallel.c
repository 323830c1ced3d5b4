/* Per-thread parallel runner (see parallel.h). Hosted targets keep it per
 * thread; bare-metal targets (one thread, no TLS runtime) use a plain static. */
#include "parallel.h"

#include <stddef.h>

#if defined(__linux__) || defined(__APPLE__) || defined(_WIN32) || defined(__FreeBSD__)
static _Thread_local const r50_parallel *g_par = NULL;
#else
static const r50_parallel *g_par = NULL;
#endif

void r50_set_parallel(const r50_parallel *par) { g_par = par; }

const r50_parallel *r50_parallel_current(void) { return g_par; }
