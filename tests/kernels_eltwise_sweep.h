/* Bit-for-bit sweep of SIMD int8 ADD / SUB / MUL kernels against the
 * reference, shared by tests/test_kernels_x86.c and tests/test_kernels_arm.c
 * (included after check.h): random broadcast shapes of 1-4 dims, extreme zero
 * points, multipliers and shifts, activation ranges, and ADD in place
 * (output == input 1) when input 1 has the output's shape. */
#ifndef R50_TESTS_KERNELS_ELTWISE_SWEEP_H
#define R50_TESTS_KERNELS_ELTWISE_SWEEP_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/quant.h"
#include "kernels/ref/eltwise.h"
#include "r50.h"

typedef void (*es_addsub_fn)(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out,
                             const r50_parallel *par);
typedef void (*es_mul_fn)(const r50_mul_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out,
                          const r50_parallel *par);

static uint64_t es_rng = 0xA4093822299F31D0ull;
static uint32_t es_rnd(void) {
  es_rng ^= es_rng << 13;
  es_rng ^= es_rng >> 7;
  es_rng ^= es_rng << 17;
  return (uint32_t)(es_rng >> 16);
}
static int32_t es_in(int32_t lo, int32_t hi) { return lo + (int32_t)(es_rnd() % (uint32_t)(hi - lo + 1)); }
static int32_t es_pick(const int32_t *v, int n) { return v[es_rnd() % (uint32_t)n]; }

/* `cases` random cases through add/sub/mul (the kernels of level `isa`). */
static void es_eltwise_cases(const char *isa, int cases, es_addsub_fn add, es_addsub_fn sub, es_mul_fn mul,
                             const r50_parallel *par) {
  int bad = 0, ran = 0;
  for (int it = 0; it < cases; it++) {
    int32_t d1[4], d2[4], nd = es_in(1, 4);
    for (int i = 0; i < nd; i++) {
      d1[i] = es_in(1, 40);
      const int r = (int)(es_rnd() % 3);
      d2[i] = r == 0 ? 1 : d1[i];
      if (es_rnd() % 3 == 0) d1[i] = d2[i] == 1 ? d1[i] : d2[i];
      if (es_rnd() % 5 == 0) d1[i] = 1;
    }
    int32_t ond, od[6];
    if (!r50_bcast_shape(nd, d1, nd, d2, &ond, od)) continue;
    size_t n1 = 1, n2 = 1, no = 1;
    for (int i = 0; i < nd; i++) { n1 *= (size_t)d1[i]; n2 *= (size_t)d2[i]; no *= (size_t)od[i]; }
    int8_t *a = malloc(n1), *b = malloc(n2), *o_ref = malloc(no), *o_x = malloc(no + 1);
    for (size_t i = 0; i < n1; i++) a[i] = (int8_t)es_in(-128, 127);
    for (size_t i = 0; i < n2; i++) b[i] = (int8_t)es_in(-128, 127);
    const int32_t zps[] = {-128, 127, 0, 3, -7};
    const int kind = (int)(es_rnd() % 3);
    const int32_t lo = (es_rnd() & 1) ? -128 : es_pick(zps, 5), hi = (es_rnd() & 1) ? 127 : 100;
    if (kind < 2) {
      r50_addsub_s8_params p;
      memset(&p, 0, sizeof p);
      r50_bcast_init(&p.bc, nd, d1, nd, d2);
      p.in1_offset = -es_pick(zps, 5);
      p.in2_offset = -es_pick(zps, 5);
      p.out_offset = es_pick(zps, 5);
      p.left_shift = 20;
      p.in1_mult = (int32_t)((1u << 30) | (es_rnd() << 4));
      p.in2_mult = (int32_t)((1u << 30) | (es_rnd() << 4));
      p.out_mult = (int32_t)((1u << 30) | (es_rnd() << 4));
      p.in1_shift = -es_in(0, 8);
      p.in2_shift = -es_in(0, 8);
      p.out_shift = -es_in(0, 31);
      p.act_min = lo < hi ? lo : hi;
      p.act_max = hi;
      (kind ? r50_sub_s8_ref : r50_add_s8_ref)(&p, a, b, o_ref);
      (kind ? sub : add)(&p, a, b, o_x, par);
    } else {
      r50_mul_s8_params p;
      memset(&p, 0, sizeof p);
      r50_bcast_init(&p.bc, nd, d1, nd, d2);
      p.in1_offset = -es_pick(zps, 5);
      p.in2_offset = -es_pick(zps, 5);
      p.out_offset = es_pick(zps, 5);
      r50_quantize_multiplier((es_rnd() % 3 == 0) ? 1e-6 * (1 + es_rnd() % 100) : (es_rnd() % 2000) / 100.0 + 1e-3,
                              &p.out_mult, &p.out_shift);
      p.act_min = lo < hi ? lo : hi;
      p.act_max = hi;
      r50_mul_s8_ref(&p, a, b, o_ref);
      mul(&p, a, b, o_x, par);
    }
    ran++;
    if (memcmp(o_ref, o_x, no) != 0 && bad++ < 5)
      fprintf(stderr, "  %s eltwise kind %d nd %d: differs\n", isa, kind, (int)nd);
    /* in place: out == in1 when input 1 has the output's shape */
    if (n1 == no && kind == 0) {
      r50_addsub_s8_params p;
      memset(&p, 0, sizeof p);
      r50_bcast_init(&p.bc, nd, d1, nd, d2);
      p.in1_offset = 128; p.in2_offset = -3; p.out_offset = -5; p.left_shift = 20;
      p.in1_mult = p.in2_mult = p.out_mult = 1 << 30;
      p.in1_shift = p.in2_shift = -1; p.out_shift = -19;
      p.act_min = -128; p.act_max = 127;
      r50_add_s8_ref(&p, a, b, o_ref);
      add(&p, a, b, a, par);
      if (memcmp(o_ref, a, no) != 0 && bad++ < 5) fprintf(stderr, "  in-place add differs\n");
    }
    free(a); free(b); free(o_ref); free(o_x);
  }
  CHECK_MSG(bad == 0, "%s: %d of %d elementwise cases differ", isa, bad, ran);
  printf("%-10s eltwise: %d cases, %d differ\n", isa, ran, bad);
}

#endif
