/* tools/cli_quant.c: quantize / build ResNet50V2 with a calibration source.
 * Both print one-line errors and return an exit code (cli.h). */
#ifndef R50_CLI_QUANT_H
#define R50_CLI_QUANT_H
#include <stddef.h>
#include <stdint.h>

#include "host/quantize.h"

/* Calibrate on the .bin files in DIR when calib_dir, else on calib_k synthetic images in [lo, hi]. */
int cli_quantize(const void *fbuf, size_t flen, const r50_quant_options *o, const char *calib_dir, int calib_k,
                 uint64_t seed, float lo, float hi, void **out, size_t *out_len);
/* Float ResNet50V2, or (int8) quantized like the zoo's file: uint8 in, float32 out. */
int cli_make_rn50v2(int32_t h, int32_t w, int32_t classes, uint64_t seed, int int8, const char *calib_dir,
                    int calib_k, void **out, size_t *out_len);

/* The embedded default model: Keras ResNet50V2 224x224, 1000 classes, seed 1,
 * synthetic weights; int8 as `r50 build resnet50v2 --int8` (uint8 in, float32
 * out, CLI_DEFAULT_CALIB synthetic calibration images), or its float32 twin.
 * Built once and cached in $XDG_CACHE_HOME/r50 (or ~/.cache/r50), keyed by r50
 * version, builder version, synthetic-image version and seed. Writes the file's path, and a one-line
 * note ("default model (cached): PATH"); returns an exit code (message printed). */
#define CLI_DEFAULT_CALIB 8
int cli_default_model(int int8, char *path, size_t pathn, char *note, size_t noten);
/* Says that the default model's weights are synthetic (for classify/eval/validate). */
extern const char *const k_default_model_note;
#endif
