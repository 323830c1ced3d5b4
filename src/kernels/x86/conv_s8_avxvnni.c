/* int8 CONV_2D as GEMM with AVX-VNNI (VEX-encoded VPDPBUSD on ymm, for CPUs
 * with AVX-VNNI but no AVX-512, e.g. Alder Lake), bit-exact with
 * r50_conv2d_s8_ref. Same arithmetic as the AVX-512 VNNI kernel (A holds
 * x + 128, the effective bias folds in (input_offset - 128) * sum w; see
 * conv_s8_x86.h) and the same A layouts (1x1 rows in place, windows read in
 * place, or gathered), on 16 ymm registers. Compiled with -mavx2 -mfma
 * -mavxvnni only; called only at level R50_ISA_AVXVNNI.
 *
 * Micro-kernel: 6 rows x 16 channels (12 ymm accumulators, 2 weight vectors,
 * 1 broadcast). Packed weights: per panel of 16 channels, per group of 4 k:
 * 16 channels x 4 bytes (64 B), so one ymm holds 8 channels x 4 k. */
#if defined(__x86_64__) && defined(__AVX2__) && defined(__AVXVNNI__)
#include <immintrin.h>
#include <string.h>

#include "conv_s8_requant_avx2.h"
#include "conv_s8_x86_impl.h"

#define MR 6
#define NR 16
#define MC_BYTES (128 * 1024)

static inline int32_t load_i32(const int8_t *p) {
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* One MR x 16 tile (see the AVX-512 file for the A addressing). */
static inline __attribute__((always_inline)) void tile_n(const r50_conv_s8_x86 *c, const int8_t *const *a,
                                                         int32_t mr, const int8_t *wp, int32_t n0,
                                                         int8_t *out, int flip, int32_t kh,
                                                         size_t kstride, int32_t seg, int rows) {
  __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256i c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  const __m256i fl = _mm256_set1_epi32((int32_t)0x80808080u);
  const int8_t *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3], *a4 = a[4], *a5 = a[5];
  for (int32_t ky = 0; ky < kh; ky++) {
    for (int32_t k = 0; k < seg; k += 4) {
      const __m256i w0 = _mm256_loadu_si256((const __m256i *)wp);
      const __m256i w1 = _mm256_loadu_si256((const __m256i *)(wp + 32));
      wp += 64;
#define ROW(r)                                                  \
  do {                                                          \
    __m256i x = _mm256_set1_epi32(load_i32(a##r + k));          \
    if (flip) x = _mm256_xor_si256(x, fl);                      \
    c##r##0 = _mm256_dpbusd_avx_epi32(c##r##0, x, w0);          \
    c##r##1 = _mm256_dpbusd_avx_epi32(c##r##1, x, w1);          \
  } while (0)
      ROW(0);
      if (rows > 1) ROW(1);
      if (rows > 2) ROW(2);
      if (rows > 3) ROW(3);
      if (rows > 4) ROW(4);
      if (rows > 5) ROW(5);
#undef ROW
    }
    a0 += kstride;
    a1 += kstride;
    a2 += kstride;
    a3 += kstride;
    a4 += kstride;
    a5 += kstride;
  }
  const int32_t out_c = c->p.out_c, left = out_c - n0;
  __m256i acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  __m256i bias[2], mult[2], lsh[2], rsh[2], mo[2], msk[2], half[2];
  const __m256i one = _mm256_set1_epi32(1);
  for (int32_t i = 0; i < 2; i++) {
    bias[i] = _mm256_loadu_si256((const __m256i *)(c->bias + n0 + 8 * i));
    mult[i] = _mm256_loadu_si256((const __m256i *)(c->mult + n0 + 8 * i));
    lsh[i] = _mm256_loadu_si256((const __m256i *)(c->lsh + n0 + 8 * i));
    rsh[i] = _mm256_loadu_si256((const __m256i *)(c->rsh + n0 + 8 * i));
    mo[i] = _mm256_srli_epi64(mult[i], 32);
    msk[i] = _mm256_sub_epi32(_mm256_sllv_epi32(one, rsh[i]), one);
    half[i] = _mm256_srli_epi32(msk[i], 1);
  }
  const int32_t off = c->p.q.output_offset, amin = c->p.q.act_min, amax = c->p.q.act_max;
  const int wide = off < -128 || off > 127 || amin < -128 || amax > 127; /* not int8 */
  /* As in the AVX-512 file: int32 -> int16 (saturating) + offset (saturating)
   * -> int8 (saturating) -> [act_min, act_max] equals the int32 clamp. */
  const __m256i off16 = _mm256_set1_epi16((int16_t)off);
  const __m128i lo = _mm_set1_epi8((int8_t)amin), hi = _mm_set1_epi8((int8_t)amax);
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  for (int32_t r = 0; r < mr; r++) {
    int8_t *o = out + (size_t)r * out_c + n0;
    __m256i v0, v1;
    if (wide) {
      const __m256i voff = _mm256_set1_epi32(off);
      const __m256i vlo = _mm256_set1_epi32(amin), vhi = _mm256_set1_epi32(amax);
      v0 = x86_requant8(c->sat, _mm256_add_epi32(acc[r][0], bias[0]), mult[0], lsh[0], rsh[0], voff, vlo, vhi);
      v1 = x86_requant8(c->sat, _mm256_add_epi32(acc[r][1], bias[1]), mult[1], lsh[1], rsh[1], voff, vlo, vhi);
    } else {
      v0 = x86_mbqm8_pre(c->sat, c->lsh_any, _mm256_add_epi32(acc[r][0], bias[0]), mult[0], mo[0],
                         lsh[0], rsh[0], msk[0], half[0]);
      v1 = x86_mbqm8_pre(c->sat, c->lsh_any, _mm256_add_epi32(acc[r][1], bias[1]), mult[1], mo[1],
                         lsh[1], rsh[1], msk[1], half[1]);
    }
    __m256i p = _mm256_packs_epi32(v0, v1); /* lane L: v0[4L..4L+3], v1[4L..4L+3] */
    if (!wide) p = _mm256_adds_epi16(p, off16);
    p = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(p, p), order);
    __m128i b = _mm256_castsi256_si128(p);
    if (!wide) b = _mm_min_epi8(_mm_max_epi8(b, lo), hi);
    if (left >= 16) {
      _mm_storeu_si128((__m128i *)o, b);
    } else {
      int8_t t[16];
      _mm_storeu_si128((__m128i *)t, b);
      memcpy(o, t, (size_t)left);
    }
  }
}

#define R50_VNNI_CONV_NAME r50_conv2d_s8__avxvnni
#define R50_VNNI_MEM_NAME r50_conv_s8_x86_mem__avxvnni
#define R50_VNNI_PREPARE_NAME r50_conv_s8_x86_prepare__avxvnni
#define R50_VNNI_PANEL_ALIGN 4
#include "conv_s8_vnni_driver.h"

#else
typedef int r50_conv_s8_avxvnni_unused;
#endif
