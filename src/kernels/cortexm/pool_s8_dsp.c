/* Cortex-M DSP int8 MAX_POOL_2D (see pool_s8_dsp.h).
 *
 * Per output pixel, 4 channels a word: the max of the window's taps by SSUB8
 * (per byte a - b, setting the GE bits where a >= b, signed) + SEL (per byte
 * the GE-selected operand): 2 instructions per 4 bytes and tap, plus the load.
 * The reference starts from -128 and maxes every in-image tap; starting from the
 * first tap is the same (max(-128, x) = x), and an empty window (none with
 * TFLite padding) gives clamp(-128). The activation clamp is 2 more SSUB8 + SEL
 * per word, skipped when the range is the whole int8 range. A full 3x3 window
 * (pool1 of ResNet50V2) has its 9 loads unrolled; 1x1 (the shortcut pools, a
 * strided copy) is a word copy; the last C % 4 channels go byte by byte.
 */
#include "pool_s8_dsp.h"

#if defined(R50_CORTEXM_DSP_POOL)

#include <stddef.h>
#include <string.h>

#include "../quant.h"
#include "../ref/conv.h" /* r50_tap_range */
#include "dsp_util.h"

/* nw words of a full 3x3 window: rows r, r + rs, r + 2 rs, taps C bytes apart */
static void win3x3(const int8_t *r, int32_t rs, int32_t C, int8_t *o, int32_t nw) {
  const int8_t *r1 = r + rs, *r2 = r1 + rs;
  const int32_t C2 = 2 * C;
  for (; nw > 0; nw--) {
    uint32_t m = max8(ld32(r), ld32(r + C));
    m = max8(m, ld32(r + C2));
    m = max8(m, ld32(r1));
    m = max8(m, ld32(r1 + C));
    m = max8(m, ld32(r1 + C2));
    m = max8(m, ld32(r2));
    m = max8(m, ld32(r2 + C));
    m = max8(m, ld32(r2 + C2));
    st32(o, m);
    r += 4;
    r1 += 4;
    r2 += 4;
    o += 4;
  }
}

/* nw words of a 1x1 window: a copy (two words a trip) */
static void win1x1(const int8_t *r, int8_t *o, int32_t nw) {
  for (; nw >= 2; nw -= 2, r += 8, o += 8) {
    const uint32_t a = ld32(r), b = ld32(r + 4);
    st32(o, a);
    st32(o + 4, b);
  }
  if (nw) st32(o, ld32(r));
}

/* nw words of any window of kh x kw taps (rows rs apart, taps C apart) */
static void win_any(const int8_t *r, int32_t rs, int32_t C, int32_t kh, int32_t kw, int8_t *o,
                    int32_t nw) {
  for (; nw > 0; nw--, r += 4, o += 4) {
    uint32_t m = ld32(r);
    const int8_t *row = r;
    for (int32_t y = 0; y < kh; y++, row += rs) {
      const int8_t *t = row;
      for (int32_t x = 0; x < kw; x++, t += C) m = max8(m, ld32(t));
    }
    st32(o, m);
  }
}

void r50_maxpool_s8_dsp(const r50_pool_params *p, const int8_t *input, int8_t *output) {
  const int32_t C = p->channels, nw = C >> 2, c4 = C & ~3;
  const int32_t lo = p->act_min, hi = p->act_max;
  const int clamp = lo > -128 || hi < 127;
  const uint32_t lo4 = rep4(lo), hi4 = rep4(hi);
  const int32_t rs = p->in_w * C; /* input row stride */
  for (int32_t b = 0; b < p->batch; b++) {
    const int8_t *in_b = input + (size_t)b * p->in_h * rs;
    for (int32_t oy = 0; oy < p->out_h; oy++) {
      const int32_t iy0 = oy * p->stride_h - p->pad_top;
      int32_t ky0, ky1;
      r50_tap_range(iy0, 1, p->in_h, p->filter_h, &ky0, &ky1);
      int8_t *out = output + ((size_t)b * p->out_h + oy) * p->out_w * C;
      for (int32_t ox = 0; ox < p->out_w; ox++, out += C) {
        const int32_t ix0 = ox * p->stride_w - p->pad_left;
        int32_t kx0, kx1;
        r50_tap_range(ix0, 1, p->in_w, p->filter_w, &kx0, &kx1);
        const int32_t kh = ky1 - ky0, kw = kx1 - kx0;
        if (kh <= 0 || kw <= 0) { /* no tap: the reference's initial -128, clamped */
          memset(out, (int8_t)r50_clamp_i32(-128, lo, hi), (size_t)C);
          continue;
        }
        const int8_t *x = in_b + (size_t)(iy0 + ky0) * rs + (size_t)(ix0 + kx0) * C;
        if (kh == 3 && kw == 3) win3x3(x, rs, C, out, nw);
        else if (kh == 1 && kw == 1) win1x1(x, out, nw);
        else win_any(x, rs, C, kh, kw, out, nw);
        if (clamp)
          for (int32_t w = 0; w < nw; w++) st32(out + 4 * w, min8(max8(ld32(out + 4 * w), lo4), hi4));
        for (int32_t c = c4; c < C; c++) { /* the last C % 4 channels */
          int32_t m = -128;
          for (int32_t ky = 0; ky < kh; ky++)
            for (int32_t kx = 0; kx < kw; kx++) {
              const int32_t v = x[(size_t)ky * rs + (size_t)kx * C + c];
              m = v > m ? v : m;
            }
          out[c] = (int8_t)r50_clamp_i32(m, lo, hi);
        }
      }
    }
  }
}

#else
typedef int r50_cortexm_pool_s8_dsp_unused; /* not a DSP Cortex-M build */
#endif
