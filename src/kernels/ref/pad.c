/* Reference PAD: walk the output one innermost row at a time; a row is either
 * entirely padding (an outer index outside the input) or left pad, a copy of
 * one input row, right pad. */
#include "pad.h"

#include <string.h>

static void fill(uint8_t *dst, const void *value, size_t n, int32_t elem_size) {
  if (elem_size == 1) {
    memset(dst, *(const uint8_t *)value, n);
    return;
  }
  for (size_t i = 0; i < n; i++) memcpy(dst + i * (size_t)elem_size, value, (size_t)elem_size);
}

void r50_pad_ref(const r50_pad_params *params, const void *input, const void *pad_value,
                 void *output) {
  /* Merge unpadded trailing dims into the one before (same element order), so
   * a row is as long as possible: NHWC padded in H and W only ([1,224,224,3]
   * -> [1,230,230,3]) copies 690-byte rows instead of 3-byte ones. */
  r50_pad_params m = *params;
  const r50_pad_params *p = &m;
  while (m.ndim > 1 && m.in_dims[m.ndim - 1] == m.out_dims[m.ndim - 1]) {
    const int32_t l = m.ndim - 1, n = m.in_dims[l];
    if ((int64_t)m.out_dims[l - 1] * n > INT32_MAX) break;
    m.in_dims[l - 1] *= n;
    m.out_dims[l - 1] *= n;
    m.left[l - 1] *= n;
    m.ndim = l;
  }
  const int32_t nd = p->ndim, last = nd - 1;
  const size_t es = (size_t)p->elem_size;
  const size_t out_row = (size_t)p->out_dims[last], in_row = (size_t)p->in_dims[last];
  const size_t left = (size_t)p->left[last], right = out_row - in_row - left;
  size_t rows = 1;
  for (int32_t d = 0; d < last; d++) rows *= (size_t)p->out_dims[d];

  const uint8_t *in = (const uint8_t *)input;
  uint8_t *out = (uint8_t *)output;
  int32_t idx[R50_PAD_MAX_DIMS] = {0}; /* output index of the outer dims */
  for (size_t r = 0; r < rows; r++) {
    int inside = 1;
    size_t in_off = 0; /* row-major input row number when inside */
    for (int32_t d = 0; d < last; d++) {
      const int32_t j = idx[d] - p->left[d];
      if (j < 0 || j >= p->in_dims[d]) inside = 0;
      in_off = in_off * (size_t)p->in_dims[d] + (size_t)(inside ? j : 0);
    }
    uint8_t *o = out + r * out_row * es;
    if (!inside) {
      fill(o, pad_value, out_row, p->elem_size);
    } else {
      fill(o, pad_value, left, p->elem_size);
      if (in_row) memcpy(o + left * es, in + in_off * in_row * es, in_row * es);
      fill(o + (left + in_row) * es, pad_value, right, p->elem_size);
    }
    for (int32_t d = last - 1; d >= 0; d--) {
      if (++idx[d] < p->out_dims[d]) break;
      idx[d] = 0;
    }
  }
}
