/* Image input shared by classify, eval and validate. */
#define _POSIX_C_SOURCE 200809L
#include "cli_image.h"

#include <stdlib.h>
#include <string.h>

const char *const k_pre_help =
    "Preprocessing (defaults follow the model zoo: nearest, fit, 1/127.5,-1):\n"
    "  --resize nearest|bilinear  tf.image.resize method (half-pixel centres)\n"
    "  --resize nearest-pil       PIL's NEAREST (how ../shared goldens were made; differs\n"
    "                             from TensorFlow at exact ties, see docs/images.md)\n"
    "  --aspect fit|crop|pad      stretch, centre crop, or keep aspect and pad with zeros\n"
    "  --rescale SCALE,OFFSET     real = pixel*SCALE + OFFSET (default 0.00784313725,-1;\n"
    "                             1,0 for a quantized input whose scale is >= 0.5)\n"
    "  --max-pixels N             refuse images with more pixels (default 100000000)\n"
    "  --fast-jpeg                JPEG DCT scaling to 1/2..1/8 when the image is still at\n"
    "                             least the input size (faster; results differ slightly)\n";

void cli_pre_defaults(cli_pre *p) {
  memset(p, 0, sizeof *p);
  p->interp = R50IMG_NEAREST;
  p->aspect = R50IMG_FIT;
  p->rescale.scale = 1.0 / 127.5;
  p->rescale.offset = -1.0;
}

int cli_pre_option(int argc, char **argv, int *i, cli_pre *p, const char *cmd) {
  const char *a = argv[*i];
  const char *v = *i + 1 < argc ? argv[*i + 1] : NULL;
  if (!strcmp(a, "--fast-jpeg")) {
    p->fast_jpeg = 1;
    return 1;
  }
  if (strcmp(a, "--resize") && strcmp(a, "--aspect") && strcmp(a, "--rescale") &&
      strcmp(a, "--max-pixels"))
    return 0;
  if (!v) {
    fprintf(stderr, "r50 %s: %s needs a value\n", cmd, a);
    return -1;
  }
  (*i)++;
  if (!strcmp(a, "--resize")) {
    if (!strcmp(v, "nearest")) p->interp = R50IMG_NEAREST;
    else if (!strcmp(v, "bilinear")) p->interp = R50IMG_BILINEAR;
    else if (!strcmp(v, "nearest-pil")) p->interp = R50IMG_NEAREST_PIL;
    else goto bad;
  } else if (!strcmp(a, "--aspect")) {
    if (!strcmp(v, "fit")) p->aspect = R50IMG_FIT;
    else if (!strcmp(v, "crop")) p->aspect = R50IMG_CROP;
    else if (!strcmp(v, "pad")) p->aspect = R50IMG_PAD;
    else goto bad;
  } else if (!strcmp(a, "--rescale")) {
    char *e1, *e2;
    double s = strtod(v, &e1);
    if (*e1 != ',') goto bad;
    double o = strtod(e1 + 1, &e2);
    if (*e2 || e2 == e1 + 1 || !(s == s) || !(o == o)) goto bad;
    p->rescale.scale = s;
    p->rescale.offset = o;
    p->rescale_set = 1;
  } else {
    char *e;
    unsigned long long n = strtoull(v, &e, 10);
    if (*e || !n) goto bad;
    p->dec.max_pixels = n;
  }
  return 1;
bad:
  fprintf(stderr, "r50 %s: bad value '%s' for %s\n", cmd, v, a);
  return -1;
}

int cli_input_prepare(const r50_model *m, const cli_pre *p, cli_input *ci) {
  memset(ci, 0, sizeof *ci);
  r50_model_input(m, 0, &ci->in);
  char shape[96];
  cli_format_shape(ci->in.dims, ci->in.ndim, shape, sizeof shape);
  if (ci->in.ndim != 4 || ci->in.dims[0] != 1 || ci->in.dims[3] != 3) {
    fprintf(stderr, "r50: input '%s' has shape %s; images need [1,H,W,3] (NHWC RGB)\n",
            ci->in.name, shape);
    return EXIT_INPUT;
  }
  ci->h = ci->in.dims[1];
  ci->w = ci->in.dims[2];
  ci->rs = p->rescale;
  if (!p->rescale_set && ci->in.dtype != R50_DTYPE_FLOAT32 && ci->in.scale >= 0.5f) {
    ci->rs.scale = 1.0;
    ci->rs.offset = 0.0;
  }
  if (r50img_choose_map(ci->in.dtype, ci->in.scale, ci->in.zero_point, ci->rs, &ci->map) != 0) {
    fprintf(stderr, "r50: input '%s' is %s %s; images need uint8, int8 (quantized) or float32\n",
            ci->in.name, r50_dtype_name(ci->in.dtype), shape);
    return EXIT_INPUT;
  }
  ci->tmp = malloc(sizeof(float) * (size_t)ci->h * (size_t)ci->w * 3);
  if (!ci->tmp) {
    fprintf(stderr, "r50: out of memory\n");
    return EXIT_FAIL;
  }
  return EXIT_OK;
}

void cli_input_free(cli_input *ci) {
  free(ci->tmp);
  ci->tmp = NULL;
}

r50img_status cli_input_load(cli_input *ci, const cli_pre *p, const char *path, char *msg,
                             size_t msgn) {
  r50img_opts o = p->dec;
  if (p->fast_jpeg) {
    o.jpeg_min_w = ci->w;
    o.jpeg_min_h = ci->h;
  }
  r50img img;
  r50img_status s = r50img_load(path, &o, &img, msg, msgn);
  if (s != R50IMG_OK) return s;
  r50img_resize(&img, ci->w, ci->h, p->interp, p->aspect, ci->tmp);
  r50img_free(&img);
  r50img_to_tensor(ci->tmp, (size_t)ci->h * (size_t)ci->w * 3, ci->map, ci->in.dtype,
                   ci->in.scale, ci->in.zero_point, ci->rs, ci->in.data);
  return R50IMG_OK;
}

void cli_input_describe(const cli_input *ci, char *out, size_t n) {
  if (ci->map == R50IMG_MAP_RAW)
    snprintf(out, n, "uint8 raw pixels (the input quantization, scale %g zp %d, encodes the rescaling %g,%g)",
             ci->in.scale, (int)ci->in.zero_point, ci->rs.scale, ci->rs.offset);
  else if (ci->map == R50IMG_MAP_QUANT)
    snprintf(out, n, "%s quantized: round((pixel*%g%+g)/%g)%+d", r50_dtype_name(ci->in.dtype),
             ci->rs.scale, ci->rs.offset, ci->in.scale, (int)ci->in.zero_point);
  else
    snprintf(out, n, "float32: pixel*%g%+g", ci->rs.scale, ci->rs.offset);
}

float *cli_output_scores(const r50_model *m, size_t *n) {
  r50_tensor_info o;
  r50_model_output(m, 0, &o);
  size_t cnt = 1;
  for (int32_t d = 0; d < o.ndim; d++) cnt *= (size_t)o.dims[d];
  float *s = malloc(sizeof(float) * (cnt ? cnt : 1));
  if (!s) return NULL;
  for (size_t i = 0; i < cnt; i++) {
    switch (o.dtype) {
      case R50_DTYPE_FLOAT32: s[i] = ((const float *)o.data)[i]; break;
      case R50_DTYPE_UINT8: s[i] = ((int)((const uint8_t *)o.data)[i] - o.zero_point) * o.scale; break;
      case R50_DTYPE_INT8: s[i] = ((int)((const int8_t *)o.data)[i] - o.zero_point) * o.scale; break;
      case R50_DTYPE_INT16: s[i] = ((int)((const int16_t *)o.data)[i] - o.zero_point) * o.scale; break;
      default: s[i] = 0; break;
    }
    if (o.dtype != R50_DTYPE_FLOAT32 && o.scale == 0.0f) s[i] = 0;
  }
  *n = cnt;
  return s;
}

void cli_topk(const float *s, size_t n, int k, int *idx) {
  for (int j = 0; j < k; j++) idx[j] = -1;
  for (size_t i = 0; i < n; i++) {
    int pos = k;
    while (pos > 0 && (idx[pos - 1] < 0 || s[i] > s[idx[pos - 1]])) pos--;
    if (pos >= k) continue;
    memmove(idx + pos + 1, idx + pos, sizeof(int) * (size_t)(k - pos - 1));
    idx[pos] = (int)i;
  }
}

int cli_labels_load(const char *path, cli_labels *l) {
  memset(l, 0, sizeof *l);
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "r50: cannot open labels file '%s'\n", path);
    return -1;
  }
  int rc = cli_labels_read(f, l);
  fclose(f);
  if (rc != 0) fprintf(stderr, "r50: out of memory reading labels file '%s'\n", path);
  return rc;
}

const char *cli_label(const cli_labels *l, size_t n_out, size_t i) {
  if (!l || !l->n) return "";
  size_t off = l->n == n_out + 1 ? 1 : 0;
  return i + off < l->n ? l->name[i + off] : "";
}
