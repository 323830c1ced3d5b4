/* Full-integer post-training quantization of a float32 .tflite, the way the
 * TFLite converter does it (host code: allocates).
 *
 *  - weights of CONV_2D / DEPTHWISE_CONV_2D: int8 symmetric per output channel
 *    (dim 0 / dim 3), scale = max|w| / 127, q = round(w / scale) in [-127,127]
 *    (per tensor with per_tensor); FULLY_CONNECTED weights per tensor;
 *  - biases: int32, scale in_scale * w_scale[c], q = round(b / scale);
 *  - other float constants (MUL/ADD operands, e.g. the pre-activation BN):
 *    int8 asymmetric per tensor from their own min/max;
 *  - activations: int8 asymmetric per tensor from the calibration min/max,
 *    range widened to include 0, scale = (max - min) / 255, zero point
 *    nudged to round(-128 - min / scale) clamped to [-128,127]
 *    (r50_quant_asym_params, as TFLite's GetAsymmetricQuantizationParams);
 *  - PAD/PADV2, MAX_POOL_2D, AVERAGE_POOL_2D, RESHAPE, SQUEEZE keep their
 *    input's parameters; SOFTMAX and LOGISTIC outputs are 1/256, zp -128;
 *  - QUANTIZE at the input for uint8 / float32 input types, DEQUANTIZE (float)
 *    or QUANTIZE (uint8) at the output.
 * Calibration runs the FLOAT model through the r50 runtime and records every
 * op's output range (r50_model_set_hook) and the input range. */
#ifndef R50_QUANTIZE_H
#define R50_QUANTIZE_H

#include <stddef.h>
#include <stdint.h>

#include "r50.h"

typedef struct {
  r50_dtype input_type;  /* R50_DTYPE_UINT8, R50_DTYPE_INT8 or R50_DTYPE_FLOAT32 */
  r50_dtype output_type; /* R50_DTYPE_FLOAT32, R50_DTYPE_INT8 or R50_DTYPE_UINT8 */
  int per_tensor;        /* conv weights per tensor instead of per channel */
  int fix_input;         /* use input_scale/input_zp (int8 domain) instead of calibration */
  float input_scale;
  int32_t input_zp;
} r50_quant_options;

/* Calibration sample i: write n float32 values (input tensor 0) into dst. */
typedef r50_status (*r50_calib_fn)(void *user, int32_t i, float *dst, size_t n, r50_error *err);

/* Quantize float_tflite; n_samples calibration inputs come from fn. The result
 * is a malloc'd R50_MODEL_ALIGN-aligned buffer (free with r50_file_free). */
r50_status r50_quantize(const void *float_tflite, size_t len, const r50_quant_options *opt,
                        int32_t n_samples, r50_calib_fn fn, void *user, void **out, size_t *out_len,
                        r50_error *err);

/* TFLite GetAsymmetricQuantizationParams for int8 [-128,127]. */
void r50_quant_asym_params(float min, float max, float *scale, int32_t *zero_point);
/* Symmetric int8 scale for a max |value| (1 when it is 0). */
float r50_quant_sym_scale(float max_abs);
/* round half away from zero (std::round), without libm. */
double r50_quant_round(double x);

/* Synthetic calibration images (version R50_SYNTH_VERSION): seeded "dead
 * leaves" in [lo, hi] -- occluding disks with r^-3 radii, correlated colour
 * channels, a third with triangle gratings, 4 % noise -- NHWC h x w x c.
 * Deterministic on any machine (double +,-,*,/,sqrt only). */
#define R50_SYNTH_VERSION 2
void r50_synth_image(uint64_t seed, int32_t i, int32_t h, int32_t w, int32_t c, float lo, float hi, float *dst);

#endif
