/* float32 conv kernel for the AVX-512 level (one zmm per 16-channel block,
 * 8-pixel tiles); compiled with the AVX-512 flags only. See conv_f32.h. */
#if defined(__x86_64__) && defined(__AVX512F__)
#define R50_F32_VL 16
#define R50_F32_PX 8
#define R50_F32_NAME r50_conv2d_f32__avx512vnni
#include "../conv_f32_impl.h"
#else
typedef int r50_conv_f32_avx512vnni_unused;
#endif
