/* libFuzzer harness for one image decoder (R50_FUZZ_FORMAT: 0 BMP, 1 PPM/PGM,
 * 2 PNG, 3 JPEG; one executable each: fuzz_bmp, fuzz_pnm, fuzz_png,
 * fuzz_jpeg): bytes -> r50img_decode (pixel limit 2^18) -> resize to a small
 * tensor (size, interpolation and aspect mode picked from the input's last
 * byte) -> every pixel-to-tensor mapping.
 *
 * Inputs whose magic bytes belong to another format are skipped, so each
 * fuzzer spends its time in its own decoder. Properties: no crash, leak or
 * sanitizer report; a failure always has a message and leaves the image
 * empty; a success has 1 <= w, h and w*h <= the limit; nearest resizes only
 * produce pixel values; everything the decoder wrote is read (so MSan-like
 * uninitialised reads show up under valgrind in the replay test). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "r50img.h"

#ifndef R50_FUZZ_FORMAT
#define R50_FUZZ_FORMAT 0
#endif

#define MAX_PIXELS (1u << 18)

static int wanted(const uint8_t *b, size_t n) {
  switch (R50_FUZZ_FORMAT) {
    case 0: return n >= 2 && b[0] == 'B' && b[1] == 'M';
    case 1: return n >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '7';
    case 2: return n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8);
    default: return n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!wanted(data, size)) return 0;
  uint8_t knob = data[size - 1];
  r50img_opts o = {MAX_PIXELS, 0, 0};
  if (R50_FUZZ_FORMAT == 3 && (knob & 0x80)) o.jpeg_min_w = o.jpeg_min_h = 1 + (knob & 15);
  r50img img;
  char msg[256];
  r50img_status s = r50img_decode(data, size, &o, &img, msg, sizeof msg);
  if (s != R50IMG_OK) {
    if (!msg[0] || img.px || img.w || img.h) __builtin_trap();
    return 0;
  }
  if (!img.px || img.w < 1 || img.h < 1 || (uint64_t)img.w * (uint64_t)img.h > MAX_PIXELS ||
      !img.format || img.full_w < img.w || img.full_h < img.h)
    __builtin_trap();
  volatile uint8_t sink = 0;
  for (size_t i = 0; i < (size_t)img.w * (size_t)img.h * 3; i++) sink ^= img.px[i];
  (void)sink;

  const int32_t dw = 1 + (knob & 7), dh = 1 + ((knob >> 3) & 7);
  const r50img_interp interp = (r50img_interp)(knob % 3);
  const r50img_aspect aspect = (r50img_aspect)((knob / 3) % 3);
  const size_t n = (size_t)dw * (size_t)dh * 3;
  float rgb[8 * 8 * 3];
  if (r50img_resize(&img, dw, dh, interp, aspect, rgb) != 0) __builtin_trap();
  for (size_t i = 0; i < n; i++) {
    if (!(rgb[i] >= 0.0f && rgb[i] <= 255.0f)) __builtin_trap();
    if (interp != R50IMG_BILINEAR && rgb[i] != floorf(rgb[i])) __builtin_trap();
  }
  const r50img_rescale rs = {1.0 / 127.5, -1.0};
  struct {
    r50_dtype dt;
    float scale;
    int32_t zp;
  } maps[] = {{R50_DTYPE_UINT8, 2.0f / 255.0f, 128}, {R50_DTYPE_INT8, 1.0f / 128.0f, 0},
              {R50_DTYPE_UINT8, 0.01f, 3}, {R50_DTYPE_FLOAT32, 0.0f, 0}};
  _Alignas(16) uint8_t out[8 * 8 * 3 * 4];
  for (size_t k = 0; k < sizeof maps / sizeof maps[0]; k++) {
    r50img_map map;
    if (r50img_choose_map(maps[k].dt, maps[k].scale, maps[k].zp, rs, &map) != 0) __builtin_trap();
    r50img_to_tensor(rgb, n, map, maps[k].dt, maps[k].scale, maps[k].zp, rs, out);
  }
  r50img_free(&img);
  return 0;
}
