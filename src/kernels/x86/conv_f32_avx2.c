/* float32 conv kernel for AVX2 (two ymm per 16-channel block, 4-pixel tiles);
 * compiled with the AVX2 flags only. See conv_f32.h. */
#if defined(__x86_64__) && defined(__AVX2__)
#define R50_F32_VL 8
#define R50_F32_PX 4
#define R50_F32_NAME r50_conv2d_f32__avx2
#include "../conv_f32_impl.h"
#else
typedef int r50_conv_f32_avx2_unused;
#endif
