/* Cortex-M DSP-extension CONV_2D / FULLY_CONNECTED kernels (ARMv7E-M /
 * ARMv8-M Mainline with DSP: SXTB16, SMLAD), bit-exact with the reference.
 *
 * The kernels are compiled only by firmware/Makefile (KERNELS=dsp defines
 * R50_CORTEXM_DSP) for a target with __ARM_FEATURE_DSP; on the host this
 * header only provides the tiling below. Selection is at compile time: when
 * R50_CORTEXM_DSP_KERNELS is defined, op prepare picks these kernels for int8.
 *
 * Memory: the weights of a block of output channels and the inputs of a pixel
 * tile are sign-extended to int16 once into a scratch buffer in the arena
 * (never in flash: weight flash stays the parameter bytes; never on the stack:
 * runtime RAM stays small). Its size is a pure function of the layer shape
 * (r50_conv_dsp_tiling_of), compiled on the host too, because the generated
 * firmware recomputes its memory plan on the device and NAME_init requires it
 * to equal the plan `r50 codegen` made on the host with the reference kernels.
 * Conv / FC prepare therefore declare this scratch whenever the model is loaded
 * with R50_OPT_CORTEXM (r50 codegen sets it, and so does the generated
 * NAME_init, whatever kernels the firmware was built with) or the DSP kernels
 * are compiled in (so the DSP kernel always has its scratch).
 *
 * Band calls: the kernels take the geometry (in_h, out_h, pad_top) from the
 * params struct, so op eval_rows passes its adjusted copy unchanged, with the band
 * tiling (r50_conv2d_s8_dsp_band_tiling; any tiling is valid for any call).
 */
#ifndef R50_KERNELS_CORTEXM_CONV_S8_DSP_H
#define R50_KERNELS_CORTEXM_CONV_S8_DSP_H

#include <stddef.h>
#include <stdint.h>

#include "../ref/conv.h"
#include "../ref/fc.h"

/* Caps of the tiling and the scratch budget (chosen by measurement, docs/porting-stm32.md
 * section 2). The scratch adds to the memory plan's peak where the layer is at the peak, so a
 * layer gets at most max(R50_DSP_SCRATCH_MIN, its input + output bytes / R50_DSP_SCRATCH_DIV);
 * bands of a streamed region (which share one scratch) at most R50_DSP_BAND_SCRATCH (32 KiB: the
 * stem and the 3x3 / K = 256 band layers keep one chunk / wider blocks; ResNet50V2 activation
 * RAM +12,032 B, conv-bench band rows -0.04..-0.21 instructions/MAC). */
enum {
  R50_DSP_CB_MAX = 64,   /* output channels per block */
  R50_DSP_KW_MAX = 256,  /* bytes of K (= fh * fw * in_c) per chunk */
  R50_DSP_NPB_MAX = 192, /* pixels per block when K takes several chunks */
  R50_DSP_SCRATCH_MIN = 8192,
  R50_DSP_SCRATCH_DIV = 1,
  R50_DSP_BAND_SCRATCH = 32768
};

/* How a layer is cut, and where each buffer sits in the scratch. */
typedef struct {
  int32_t cb;       /* channels per block (even, <= R50_DSP_CB_MAX) */
  int32_t kw;       /* K bytes per chunk (multiple of 16; >= K when one chunk) */
  int32_t npb;      /* pixels per block (multiple of 3; 3 with one chunk) */
  uint32_t w_off;   /* cb x kw int16: the block's extended weights, channel pairs interleaved */
  uint32_t acc_off; /* npb x cb int32 accumulators */
  uint32_t x_off;   /* 3 x kw int16: a 3-pixel tile's extended inputs, interleaved */
  uint32_t st_off;  /* 3 x (kw + 4) bytes: the tile's gathered chunks */
  uint32_t bytes;   /* total scratch bytes */
} r50_conv_dsp_tiling;

/* Tiling of a GEMM with out_c channels, K = fh * fw * in_c and npix output pixels per call
 * under the caps cb_max (even, <= R50_DSP_CB_MAX), kw_max (multiple of 16), npb_max:
 * chunks, blocks and pixel blocks of balanced sizes. */
static inline void r50_conv_dsp_tiling_of(int32_t out_c, int32_t K, int64_t npix, int32_t cb_max,
                                          int32_t kw_max, int32_t npb_max,
                                          r50_conv_dsp_tiling *t) {
  const int32_t nk = (K + kw_max - 1) / kw_max;
  t->kw = ((K + nk - 1) / nk + 15) / 16 * 16;
  const int32_t nb = (out_c + cb_max - 1) / cb_max;
  t->cb = ((out_c + nb - 1) / nb + 1) / 2 * 2;
  if (t->kw >= K || npix < 1) {
    t->npb = 3; /* one chunk: each tile is finished (requantized) at once */
  } else {
    const int64_t np = (npix + npb_max - 1) / npb_max;
    t->npb = (int32_t)(((npix + np - 1) / np + 2) / 3 * 3);
  }
  t->w_off = 0;
  t->acc_off = t->w_off + (uint32_t)t->cb * (uint32_t)t->kw * 2u;
  t->x_off = t->acc_off + (uint32_t)t->npb * (uint32_t)t->cb * 4u;
  t->st_off = t->x_off + 3u * (uint32_t)t->kw * 2u;
  t->bytes = t->st_off + (3u * (((uint32_t)t->kw + 4u + 3u) / 4u * 4u) + 15u) / 16u * 16u;
}

/* The largest tiling within `budget` scratch bytes: the caps are halved (pixel block, then
 * chunk, then channel block: the order of their measured cost) until it fits or they are
 * at their floors (16 channels, 64 bytes, 24 pixels). */
static inline void r50_conv_dsp_tiling_fit(int32_t out_c, int32_t K, int64_t npix, int64_t budget,
                                           r50_conv_dsp_tiling *t) {
  int32_t cb = R50_DSP_CB_MAX, kw = R50_DSP_KW_MAX, npb = R50_DSP_NPB_MAX;
  for (;;) {
    r50_conv_dsp_tiling_of(out_c, K, npix, cb, kw, npb, t);
    if ((int64_t)t->bytes <= budget) return;
    if (npb > 48) npb /= 2;
    else if (kw > 128) kw /= 2;
    else if (cb > 32) cb /= 2;
    else if (npb > 24) npb /= 2;
    else if (kw > 64) kw /= 2;
    else if (cb > 16) cb /= 2;
    else return;
  }
}

static inline int64_t r50_conv_dsp_budget(int64_t in_bytes, int64_t out_bytes) {
  const int64_t b = (in_bytes + out_bytes) / R50_DSP_SCRATCH_DIV;
  return b > R50_DSP_SCRATCH_MIN ? b : R50_DSP_SCRATCH_MIN;
}

/* CONV_2D int8, groups == 1: the whole layer in one call. */
static inline void r50_conv2d_s8_dsp_tiling(const r50_conv_params *p, r50_conv_dsp_tiling *t) {
  const int64_t npix = (int64_t)p->batch * p->out_h * p->out_w;
  r50_conv_dsp_tiling_fit(
      p->out_c, p->filter_h * p->filter_w * p->in_c, npix,
      r50_conv_dsp_budget((int64_t)p->batch * p->in_h * p->in_w * p->in_c, npix * p->out_c), t);
}

/* CONV_2D int8, groups == 1, called in row bands (op eval_rows): pixel blocks of one row. */
static inline void r50_conv2d_s8_dsp_band_tiling(const r50_conv_params *p,
                                                 r50_conv_dsp_tiling *t) {
  r50_conv_dsp_tiling_fit(p->out_c, p->filter_h * p->filter_w * p->in_c, p->out_w,
                          R50_DSP_BAND_SCRATCH, t);
}

/* FULLY_CONNECTED int8: a 1x1 convolution over `batch` pixels. */
static inline void r50_fc_s8_dsp_tiling(const r50_fc_params *p, r50_conv_dsp_tiling *t) {
  r50_conv_dsp_tiling_fit(p->out, p->in, p->batch,
                          r50_conv_dsp_budget((int64_t)p->batch * p->in, (int64_t)p->batch * p->out),
                          t);
}

#if defined(R50_CORTEXM_DSP) && defined(__ARM_FEATURE_DSP) && !defined(__aarch64__)
#define R50_CORTEXM_DSP_KERNELS 1

/* CONV_2D int8, groups == 1 (any filter, stride, dilation, padding, channels).
 * t: r50_conv2d_s8_dsp_tiling of the whole layer; scratch: t->bytes, 4-byte aligned. */
void r50_conv2d_s8_dsp(const r50_conv_params *p, const r50_conv_dsp_tiling *t,
                       const int8_t *input, const int8_t *filter, const int32_t *bias,
                       int8_t *output, void *scratch);

/* FULLY_CONNECTED int8 (t: r50_fc_s8_dsp_tiling). */
void r50_fc_s8_dsp(const r50_fc_params *p, const r50_conv_dsp_tiling *t, const int8_t *input,
                   const int8_t *weights, const int32_t *bias, int8_t *output, void *scratch);
#endif

#endif
