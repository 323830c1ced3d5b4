/* Calibration input sources for r50_quantize (host code). */
#ifndef R50_CALIB_H
#define R50_CALIB_H

#include <stddef.h>
#include <stdint.h>

#include "quantize.h"

/* Synthetic images (r50_synth_image) of h x w x c in [lo, hi]. */
typedef struct {
  uint64_t seed;
  int32_t h, w, c;
  float lo, hi;
} r50_synth_calib;
r50_status r50_synth_calib_fn(void *user, int32_t i, float *dst, size_t n, r50_error *err);

/* Every regular file in dir whose name ends in ".bin" and whose size is
 * exactly n_floats float32 values, in name order. */
typedef struct {
  char **paths;
  int32_t n;
} r50_dir_calib;
r50_status r50_dir_calib_open(const char *dir, size_t n_floats, r50_dir_calib *d, r50_error *err);
r50_status r50_dir_calib_fn(void *user, int32_t i, float *dst, size_t n, r50_error *err);
void r50_dir_calib_close(r50_dir_calib *d);

#endif
