/* Reference QUANTIZE / requantize / DEQUANTIZE kernels, bit-exact with
 * TFLite Micro (reference/quantize.h AffineQuantize, reference/requantize.h
 * Requantize, reference/dequantize.h Dequantize).
 *
 * In-place: quantize (float -> 8-bit) and requantize (8-bit -> 8-bit) may run
 * with `out` at the same address as `in` (each element is read before any
 * byte of a later element is written); dequantize may not. */
#ifndef R50_KERNELS_REF_QUANTIZE_H
#define R50_KERNELS_REF_QUANTIZE_H

#include <stddef.h>
#include <stdint.h>

/* float32 -> int8/uint8: q = clamp((int32)roundf(x / scale) + zero_point, qmin, qmax)
 * (x / scale in float, round half away from zero). Outside int32 range the
 * conversion saturates and NaN gives the zero point (TFLite's cast is
 * undefined there). */
typedef struct {
  size_t n;            /* elements */
  float scale;         /* output scale (> 0) */
  int32_t zero_point;  /* output zero point */
} r50_quantize_f32_params;

void r50_quantize_f32_s8_ref(const r50_quantize_f32_params *p, const float *in, int8_t *out);
void r50_quantize_f32_u8_ref(const r50_quantize_f32_params *p, const float *in, uint8_t *out);

/* 8-bit -> 8-bit: q = clamp(MultiplyByQuantizedMultiplier(x - in_zp, mult, shift) + out_zp),
 * (mult, shift) = QuantizeMultiplier((double)in_scale / (double)out_scale).
 * When mult == 1<<30 && shift == 1 (equal scales) and the types are
 * uint8 -> int8 with in_zp - out_zp == 128 or int8 -> uint8 with -128, the
 * result is x ^ 0x80 (TFLite's fast path; equal to the general formula). */
typedef struct {
  size_t n;
  int32_t in_zp, out_zp;
  int32_t mult, shift;
} r50_requantize_params;

void r50_requantize_s8_s8_ref(const r50_requantize_params *p, const int8_t *in, int8_t *out);
void r50_requantize_u8_s8_ref(const r50_requantize_params *p, const uint8_t *in, int8_t *out);
void r50_requantize_s8_u8_ref(const r50_requantize_params *p, const int8_t *in, uint8_t *out);

/* int8/uint8 -> float32: y = (float)((double)scale * (double)(q - zero_point)).
 * (TFLite has computed this both as double and as float * int; for 8-bit
 * inputs both are the correctly rounded product, so they agree bit for bit.) */
typedef struct {
  size_t n;
  double scale;        /* (double) input scale */
  int32_t zero_point;
} r50_dequantize_params;

void r50_dequantize_s8_f32_ref(const r50_dequantize_params *p, const int8_t *in, float *out);
void r50_dequantize_u8_f32_ref(const r50_dequantize_params *p, const uint8_t *in, float *out);

#endif
