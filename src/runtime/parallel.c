/* Per-thread parallel runner (see parallel.h). */
#include "parallel.h"

#include <stddef.h>

static _Thread_local const r50_parallel *g_par = NULL;

void r50_set_parallel(const r50_parallel *par) { g_par = par; }

const r50_parallel *r50_parallel_current(void) { return g_par; }
