/* float32 conv kernel for AArch64 NEON (four q registers per 16-channel block,
 * 4-pixel tiles). Not built for Armv7: its NEON flushes subnormals to zero.
 * See conv_f32.h. */
#if defined(__aarch64__)
#define R50_F32_VL 4
#define R50_F32_PX 4
#define R50_F32_NAME r50_conv2d_f32__neon
#include "../conv_f32_impl.h"
#else
typedef int r50_conv_f32_neon_unused;
#endif
