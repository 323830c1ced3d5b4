/* Seeded xorshift64 for generating test cases: the sequences are the same on
 * every machine. Define TRAND_SEED (a nonzero 64-bit value) before including;
 * each test file has its own. */
#ifndef R50_TESTS_TRAND_H
#define R50_TESTS_TRAND_H

#include <stdint.h>

#ifndef TRAND_SEED
#error "define TRAND_SEED before including trand.h"
#endif

static uint64_t g_rng = TRAND_SEED;

static uint32_t rnd(void) {
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 7;
  g_rng ^= g_rng << 17;
  return (uint32_t)(g_rng >> 16);
}

/* uniform-ish integer in [lo, hi] */
static int32_t rnd_range(int32_t lo, int32_t hi) { return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1)); }

#endif
