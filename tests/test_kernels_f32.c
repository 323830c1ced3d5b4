/* float32 conv/FC kernels vectorized over output channels (src/kernels/conv_f32.h)
 * against the reference kernels, byte for byte, at every ISA level this CPU
 * (or QEMU) runs, 1 and 2 threads: random geometries (strides, dilations,
 * paddings with taps wholly outside the image, odd channel counts, batch),
 * values including -0.0, subnormals, huge values, infinities and NaN, bias or
 * none, every activation range. Also r50_conv_f32_pack's layout. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#define TRAND_SEED 0x5851F42D4C957F2Dull
#include "trand.h"
#include "kernels/conv_f32.h"
#include "kernels/ref/conv.h"
#include "kernels/ref/fc.h"
#include "r50.h"

static float rnd_value(int special) {
  if (special && rnd() % 16 == 0) {
    static const float sp[] = {-0.0f, 0.0f, 1e-40f, -1e-42f, 3e38f, -3e38f, INFINITY, -INFINITY, NAN};
    return sp[rnd() % (sizeof sp / sizeof sp[0])];
  }
  return ((float)(int32_t)(rnd() % 4001) - 2000.0f) / 997.0f;
}

static void pick_act(float *lo, float *hi) {
  switch (rnd() % 4) {
    case 0: *lo = -INFINITY, *hi = INFINITY; break;
    case 1: *lo = 0.0f, *hi = INFINITY; break;
    case 2: *lo = 0.0f, *hi = 6.0f; break;
    default: *lo = -1.0f, *hi = 1.0f; break;
  }
}

static void test_pack(void) {
  enum { OC = 19, K = 5 };
  float f[OC * K], pk[32 * K];
  for (int i = 0; i < OC * K; i++) f[i] = (float)i;
  CHECK(r50_conv_f32_packed_floats(OC, K) == 32 * K);
  r50_conv_f32_pack(f, OC, K, pk);
  int bad = 0;
  for (int b = 0; b < 2; b++)
    for (int k = 0; k < K; k++)
      for (int l = 0; l < 16; l++) {
        int oc = b * 16 + l;
        float want = oc < OC ? f[oc * K + k] : 0.0f;
        bad += pk[(b * K + k) * 16 + l] != want;
      }
  CHECK_MSG(bad == 0, "%d packed values misplaced", bad);
}

/* Bytes equal, except that any NaN equals any NaN: which NaN payload an IEEE
 * operation returns when both operands are NaN is the hardware's and the
 * compiler's operand order, not arithmetic (TFLite does not define it either). */
static size_t first_diff(const float *a, const float *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (isnan(a[i]) && isnan(b[i])) continue;
    if (memcmp(&a[i], &b[i], sizeof a[i]) != 0) return i;
  }
  return n;
}

/* One random case at `isa`; returns 1 when the kernel ran. */
static int one_case(int isa, int trial, const r50_parallel *par2) {
  r50_conv2d_f32_fn fn = r50_conv2d_f32_kernel(isa);
  if (!fn) return 0;
  r50_conv_params p;
  memset(&p, 0, sizeof p);
  const int fc = trial % 5 == 0;
  p.batch = 1 + (int32_t)(rnd() % (fc ? 3 : 2));
  p.groups = 1;
  if (fc) {
    p.in_h = p.in_w = p.out_h = p.out_w = 1;
    p.filter_h = p.filter_w = 1;
    p.in_c = rnd_range(1, 300);
    p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = 1;
  } else {
    static const int32_t fs[] = {1, 1, 2, 3, 3, 5, 7};
    p.filter_h = fs[rnd() % 7];
    p.filter_w = rnd() % 4 ? p.filter_h : fs[rnd() % 7];
    p.in_h = rnd_range(1, 13), p.in_w = rnd_range(1, 13);
    p.in_c = rnd_range(1, 37);
    p.stride_h = rnd_range(1, 2), p.stride_w = rnd_range(1, 2);
    p.dilation_h = rnd() % 5 ? 1 : 2, p.dilation_w = rnd() % 5 ? 1 : 2;
    const int32_t eh = (p.filter_h - 1) * p.dilation_h + 1, ew = (p.filter_w - 1) * p.dilation_w + 1;
    p.pad_top = rnd_range(0, eh), p.pad_left = rnd_range(0, ew); /* up to a whole window outside */
    const int32_t ph = p.in_h + 2 * p.pad_top - eh, pw = p.in_w + 2 * p.pad_left - ew;
    if (ph < 0 || pw < 0) return 1; /* no output: nothing to compare */
    p.out_h = ph / p.stride_h + 1, p.out_w = pw / p.stride_w + 1;
  }
  p.filter_in_c = p.in_c;
  p.out_c = rnd() % 3 ? rnd_range(1, 70) : 16 * rnd_range(1, 4);
  pick_act(&p.act_min_f, &p.act_max_f);
  const int special = trial % 3 == 0;
  const size_t ni = (size_t)p.batch * p.in_h * p.in_w * p.in_c, K = (size_t)p.filter_h * p.filter_w * p.in_c;
  const size_t nw = (size_t)p.out_c * K, no = (size_t)p.batch * p.out_h * p.out_w * p.out_c;
  float *in = malloc(ni * sizeof *in), *w = malloc(nw * sizeof *w), *b = malloc((size_t)p.out_c * sizeof *b);
  float *pk = malloc(r50_conv_f32_packed_floats(p.out_c, (int32_t)K) * sizeof *pk);
  float *o_ref = malloc(no * sizeof *o_ref), *o1 = malloc(no * sizeof *o1), *o2 = malloc(no * sizeof *o2);
  for (size_t i = 0; i < ni; i++) in[i] = rnd_value(special);
  for (size_t i = 0; i < nw; i++) w[i] = rnd_value(special);
  for (int32_t i = 0; i < p.out_c; i++) b[i] = rnd_value(special);
  const float *bias = rnd() % 4 ? b : NULL;
  r50_conv_f32_pack(w, p.out_c, (int32_t)K, pk);
  memset(o1, 0x55, no * sizeof *o1);
  memset(o2, 0x66, no * sizeof *o2);
  if (fc) {
    r50_fc_params f = {p.batch, p.in_c, p.out_c, {0, 0, NULL, NULL, 0, 0}, p.act_min_f, p.act_max_f};
    r50_fc_f32_ref(&f, in, w, bias, o_ref);
  } else {
    r50_conv2d_f32_ref(&p, in, w, bias, o_ref);
  }
  fn(&p, in, pk, bias, o1, NULL);
  fn(&p, in, pk, bias, o2, par2);
  CHECK_MSG(first_diff(o_ref, o1, no) == no,
            "%s trial %d: 1 thread differs from the reference (%s b%d %dx%dx%d -> %dx%dx%d f%dx%d s%d,%d d%d,%d p%d,%d)",
            r50_isa_name((r50_isa)isa), trial, fc ? "fc" : "conv", (int)p.batch, (int)p.in_h, (int)p.in_w,
            (int)p.in_c, (int)p.out_h, (int)p.out_w, (int)p.out_c, (int)p.filter_h, (int)p.filter_w,
            (int)p.stride_h, (int)p.stride_w, (int)p.dilation_h, (int)p.dilation_w, (int)p.pad_top, (int)p.pad_left);
  CHECK_MSG(memcmp(o1, o2, no * sizeof *o1) == 0, "%s trial %d: 2 threads differ from 1",
            r50_isa_name((r50_isa)isa), trial);
  free(in), free(w), free(b), free(pk), free(o_ref), free(o1), free(o2);
  return 1;
}

int main(void) {
  test_pack();
  r50_parallel par2;
  r50_error e;
  CHECK(r50_threadpool_create(2, &par2, &e) == R50_OK);
  int ran_levels = 0;
  for (int isa = 1; isa < R50_ISA_COUNT; isa++) {
    if (!r50_isa_supported((r50_isa)isa) || !r50_conv2d_f32_kernel(isa)) continue;
    int ran = 0;
    for (int t = 0; t < 600; t++) ran += one_case(isa, t, &par2);
    printf("%s: %d float conv/FC cases against the reference\n", r50_isa_name((r50_isa)isa), ran);
    ran_levels++;
  }
  if (!ran_levels) printf("no SIMD level with float kernels on this machine: only the packing is tested\n");
  r50_threadpool_destroy(&par2);
  return test_finish("test_kernels_f32");
}
