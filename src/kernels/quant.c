#include "quant.h"

#include <math.h>

void r50_quantize_multiplier(double m, int32_t *mult, int32_t *shift) {
  if (m == 0.0) {
    *mult = 0;
    *shift = 0;
    return;
  }
  int e = 0;
  const double q = frexp(m, &e);
  int64_t q_fixed = (int64_t)round(q * (double)(1LL << 31));
  if (q_fixed == (1LL << 31)) {
    q_fixed /= 2;
    ++e;
  }
  if (e < -31) {
    e = 0;
    q_fixed = 0;
  }
  /* No clamp of shifts above 30: TFLite only does that in its
   * TFLITE_SINGLE_ROUNDING build, and the reference is double rounding. */
  *mult = (int32_t)q_fixed;
  *shift = e;
}
