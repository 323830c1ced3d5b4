/* Packing and level selection for the float32 conv kernels (conv_f32.h). */
#include "conv_f32.h"

#include "r50.h"

void r50_conv_f32_pack(const float *filter, int32_t out_c, int32_t k, float *packed) {
  const int32_t nblk = (out_c + R50_CONV_F32_BLOCK - 1) / R50_CONV_F32_BLOCK;
  for (int32_t b = 0; b < nblk; b++)
    for (int32_t i = 0; i < k; i++)
      for (int32_t l = 0; l < R50_CONV_F32_BLOCK; l++) {
        const int32_t oc = b * R50_CONV_F32_BLOCK + l;
        packed[((size_t)b * (size_t)k + (size_t)i) * R50_CONV_F32_BLOCK + (size_t)l] =
            oc < out_c ? filter[(size_t)oc * (size_t)k + (size_t)i] : 0.0f;
      }
}

r50_conv2d_f32_fn r50_conv2d_f32_kernel(int isa) {
  switch (isa) {
#if defined(__x86_64__)
    case R50_ISA_AVX2:
    case R50_ISA_AVXVNNI: return r50_conv2d_f32__avx2;
    case R50_ISA_AVX512VNNI: return r50_conv2d_f32__avx512vnni;
#endif
#if defined(__aarch64__)
    case R50_ISA_NEON:
    case R50_ISA_NEONDOT: return r50_conv2d_f32__neon;
#endif
    default: return 0;
  }
}
