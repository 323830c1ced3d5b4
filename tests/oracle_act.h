/* Test oracles for the fused activation clamp, written from the TFLite
 * semantics (CalculateActivationRangeQuantized / ActivationFunctionWithMinMax),
 * independently of src/: int8 [lo, hi] for an output scale and zero point,
 * and the float range. */
#ifndef R50_TESTS_ORACLE_ACT_H
#define R50_TESTS_ORACLE_ACT_H

#include <math.h>
#include <stdint.h>

#include "graph/graph.h"

static void o_act_q(int act, float scale, int32_t zp, int32_t *lo, int32_t *hi) {
  *lo = -128;
  *hi = 127;
  if (act == R50_ACT_RELU || act == R50_ACT_RELU6) *lo = zp > -128 ? zp : -128;
  if (act == R50_ACT_RELU6) {
    int32_t six = zp + (int32_t)roundf(6.0f / scale);
    *hi = six < 127 ? six : 127;
  }
  if (act == R50_ACT_RELU_N1_TO_1) {
    int32_t a = zp + (int32_t)roundf(-1.0f / scale), b = zp + (int32_t)roundf(1.0f / scale);
    *lo = a > -128 ? a : -128;
    *hi = b < 127 ? b : 127;
  }
}

static void o_act_f(int act, float *lo, float *hi) {
  *lo = -INFINITY;
  *hi = INFINITY;
  if (act == R50_ACT_RELU) *lo = 0.0f;
  if (act == R50_ACT_RELU6) { *lo = 0.0f; *hi = 6.0f; }
  if (act == R50_ACT_RELU_N1_TO_1) { *lo = -1.0f; *hi = 1.0f; }
}

#endif
