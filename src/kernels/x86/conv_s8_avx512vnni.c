/* int8 CONV_2D as GEMM with AVX-512 VNNI (VPDPBUSD), bit-exact with
 * r50_conv2d_s8_ref. See conv_s8_x86.h for the arithmetic. Compiled with
 * -mavx512f -mavx512bw -mavx512vl -mavx512vnni only; called only at level
 * R50_ISA_AVX512VNNI.
 *
 * Micro-kernel: 6 rows x 64 channels (24 zmm accumulators). Packed weights:
 * per panel of 64 channels, per group of 4 k: 64 channels x 4 bytes (256 B),
 * channel-major, so one zmm holds 16 channels x 4 k. */
#if defined(__x86_64__) && defined(__AVX512F__) && defined(__AVX512VNNI__)
#include <immintrin.h>
#include <string.h>

#include "conv_s8_requant_avx512.h"
#include "conv_s8_x86_impl.h"

#define MR 6
#define NR 64
#define MC_BYTES (256 * 1024)

static inline int32_t load_i32(const int8_t *p) {
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

void r50_requant16__avx512vnni(const int32_t *acc, const int32_t *mult, const int32_t *shift,
                               int32_t off, int32_t lo, int32_t hi, int32_t *out) {
  int32_t l[16], r[16];
  for (int i = 0; i < 16; i++) {
    l[i] = shift[i] > 0 ? shift[i] : 0;
    r[i] = shift[i] > 0 ? 0 : -shift[i];
  }
  const __m512i v = x86_requant16(1, _mm512_loadu_si512(acc), _mm512_loadu_si512(mult),
                            _mm512_loadu_si512(l), _mm512_loadu_si512(r), _mm512_set1_epi32(off),
                            _mm512_set1_epi32(lo), _mm512_set1_epi32(hi));
  _mm512_storeu_si512(out, v);
}

/* dword j of the packs result holds channels 4*(j/4 % 4)... of vector j % 4:
 * packs work per 128-bit lane, so lane L holds 4 channels of each vector. */
static inline __m512i pack_order(void) {
  return _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
}

/* One MR x 64 tile. Row r's A bytes for segment ky, k-group g are at
 * a[r] + ky * kstride + 4 * g (g < seg / 4); rows r >= mr repeat a valid row.
 * flip: A holds raw int8 (x ^ 0x80 applied here), else already shifted. */
static inline __attribute__((always_inline)) void tile_n(const r50_conv_s8_x86 *c, const int8_t *const *a,
                                                         int32_t mr, const int8_t *wp, int32_t n0,
                                                         int8_t *out, int flip, int32_t kh,
                                                         size_t kstride, int32_t seg, int rows) {
  __m512i c00 = _mm512_setzero_si512(), c01 = c00, c02 = c00, c03 = c00;
  __m512i c10 = c00, c11 = c00, c12 = c00, c13 = c00;
  __m512i c20 = c00, c21 = c00, c22 = c00, c23 = c00;
  __m512i c30 = c00, c31 = c00, c32 = c00, c33 = c00;
  __m512i c40 = c00, c41 = c00, c42 = c00, c43 = c00;
  __m512i c50 = c00, c51 = c00, c52 = c00, c53 = c00;
  const __m512i fl = _mm512_set1_epi32((int32_t)0x80808080u);
  const int8_t *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3], *a4 = a[4], *a5 = a[5];
  for (int32_t ky = 0; ky < kh; ky++) {
    for (int32_t k = 0; k < seg; k += 4) {
      const __m512i w0 = _mm512_loadu_si512(wp);
      const __m512i w1 = _mm512_loadu_si512(wp + 64);
      const __m512i w2 = _mm512_loadu_si512(wp + 128);
      const __m512i w3 = _mm512_loadu_si512(wp + 192);
      wp += 256;
#define ROW(r)                                                             \
  do {                                                                     \
    __m512i x = _mm512_set1_epi32(load_i32(a##r + k));                     \
    if (flip) x = _mm512_xor_si512(x, fl);                                 \
    c##r##0 = _mm512_dpbusd_epi32(c##r##0, x, w0);                         \
    c##r##1 = _mm512_dpbusd_epi32(c##r##1, x, w1);                         \
    c##r##2 = _mm512_dpbusd_epi32(c##r##2, x, w2);                         \
    c##r##3 = _mm512_dpbusd_epi32(c##r##3, x, w3);                         \
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
  const int32_t out_c = c->p.out_c;
  const int32_t left = out_c - n0;
  __m512i acc[MR][4] = {{c00, c01, c02, c03}, {c10, c11, c12, c13}, {c20, c21, c22, c23},
                        {c30, c31, c32, c33}, {c40, c41, c42, c43}, {c50, c51, c52, c53}};
  __m512i bias[4], mult[4], lsh[4], rsh[4], mo[4], msk[4], half[4];
  const __m512i one = _mm512_set1_epi32(1);
  for (int32_t i = 0; i < 4; i++) {
    bias[i] = _mm512_loadu_si512(c->bias + n0 + 16 * i);
    mult[i] = _mm512_loadu_si512(c->mult + n0 + 16 * i);
    lsh[i] = _mm512_loadu_si512(c->lsh + n0 + 16 * i);
    rsh[i] = _mm512_loadu_si512(c->rsh + n0 + 16 * i);
    mo[i] = _mm512_srli_epi64(mult[i], 32);
    msk[i] = _mm512_sub_epi32(_mm512_sllv_epi32(one, rsh[i]), one);
    half[i] = _mm512_srli_epi32(msk[i], 1);
  }
  /* int32 -> int16 (saturating) + offset (saturating) -> int8 (saturating) ->
   * [act_min, act_max] equals clamp(v + offset) for int8 offsets and ranges:
   * each saturation keeps the order and every bound lies inside the range. */
  const int32_t off = c->p.q.output_offset, amin = c->p.q.act_min, amax = c->p.q.act_max;
  if (off < -128 || off > 127 || amin < -128 || amax > 127) { /* not an int8 quantization */
    const __m512i voff = _mm512_set1_epi32(off);
    const __m512i vlo = _mm512_set1_epi32(amin), vhi = _mm512_set1_epi32(amax);
    for (int32_t i = 0; i < 4 && 16 * i < left; i++) {
      const __mmask16 m16 = left - 16 * i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (left - 16 * i)) - 1);
      for (int32_t r = 0; r < mr; r++)
        _mm512_mask_cvtepi32_storeu_epi8(
            out + (size_t)r * out_c + n0 + 16 * i, m16,
            x86_requant16(c->sat, _mm512_add_epi32(acc[r][i], bias[i]), mult[i], lsh[i], rsh[i], voff, vlo, vhi));
    }
    return;
  }
  const __m512i off16 = _mm512_set1_epi16((int16_t)off);
  const __m512i lo = _mm512_set1_epi8((int8_t)amin);
  const __m512i hi = _mm512_set1_epi8((int8_t)amax);
  const __m512i order = pack_order();
  const __mmask64 m = left >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << left) - 1);
  for (int32_t r = 0; r < mr; r++) {
    __m512i v[4];
    for (int32_t i = 0; i < 4; i++)
      v[i] = x86_mbqm16_pre(c->sat, c->lsh_any, _mm512_add_epi32(acc[r][i], bias[i]), mult[i], mo[i], lsh[i],
                      rsh[i], msk[i], half[i]);
    const __m512i p01 = _mm512_adds_epi16(_mm512_packs_epi32(v[0], v[1]), off16);
    const __m512i p23 = _mm512_adds_epi16(_mm512_packs_epi32(v[2], v[3]), off16);
    __m512i b = _mm512_permutexvar_epi32(order, _mm512_packs_epi16(p01, p23));
    b = _mm512_min_epi8(_mm512_max_epi8(b, lo), hi);
    _mm512_mask_storeu_epi8(out + (size_t)r * out_c + n0, m, b);
  }
}

#define R50_VNNI_CONV_NAME r50_conv2d_s8__avx512vnni
#define R50_VNNI_MEM_NAME r50_conv_s8_x86_mem__avx512vnni
#define R50_VNNI_PREPARE_NAME r50_conv_s8_x86_prepare__avx512vnni
#define R50_VNNI_PANEL_ALIGN 1
#include "conv_s8_vnni_driver.h"

#else
typedef int r50_conv_s8_avx512vnni_unused;
#endif
