/* r50 info --memory / --svg: the interpreter's memory plan, op by op. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plan/plan.h"
#include "runtime/model_internal.h"

/* Per op: bytes of distinct live buffers (aliased tensors count once) and the
 * highest arena address in use; the plan's peak is the max of the latter. */
int cli_info_memory(const r50_model *m, const char *svg_path) {
  const r50_graph *g = r50_model_graph(m);
  const int32_t nt = g->n_tensors, no = g->n_ops;
  const size_t *scratch = r50_model_scratch_sizes(m);
  int32_t *first = malloc(sizeof(int32_t) * (size_t)(nt + 1));
  int32_t *last = malloc(sizeof(int32_t) * (size_t)(nt + 1));
  if (!first || !last) {
    free(first);
    free(last);
    fprintf(stderr, "r50: out of memory\n");
    return EXIT_FAIL;
  }
  r50_plan_lifetimes(g, first, last);
  const size_t act = r50_model_activation_bytes(m);
  printf("memory plan (%s): activations + scratch %zu bytes (%.1f KiB)\n",
         (r50_model_plan_flags(m) & R50_PLAN_INPLACE) ? "in-place on" : "in-place off", act,
         (double)act / 1024.0);
  printf("  %4s  %-16s %10s %10s  %s\n", "op", "type", "live B", "top B", "live tensors (offset+size)");
  size_t peak_top = 0, peak_live = 0;
  int32_t peak_op = 0;
  for (int32_t o = 0; o < no; o++) {
    size_t live = 0, top = 0;
    char names[2048];
    size_t k = 0;
    names[0] = 0;
    for (int32_t t = 0; t < nt; t++) {
      int64_t off = r50_model_tensor_offset(m, t);
      if (off < 0 || first[t] > o || last[t] < o) continue;
      /* count a buffer shared by aliased tensors once: skip t if an earlier
       * live tensor has the same offset and size */
      int dup = 0;
      for (int32_t u = 0; u < t && !dup; u++)
        dup = first[u] <= o && last[u] >= o && r50_model_tensor_offset(m, u) == off &&
              g->tensors[u].bytes == g->tensors[t].bytes;
      if (!dup) live += g->tensors[t].bytes;
      if ((size_t)off + g->tensors[t].bytes > top) top = (size_t)off + g->tensors[t].bytes;
      if (k < sizeof names - 64)
        k += (size_t)snprintf(names + k, sizeof names - k, "%s%s@%lld+%zu", k ? " " : "",
                              g->tensors[t].name, (long long)off, g->tensors[t].bytes);
    }
    int64_t so = r50_model_scratch_offset(m, o);
    if (so >= 0) {
      live += scratch[o];
      if ((size_t)so + scratch[o] > top) top = (size_t)so + scratch[o];
      if (k < sizeof names - 64)
        k += (size_t)snprintf(names + k, sizeof names - k, " [scratch@%lld+%zu]", (long long)so,
                              scratch[o]);
    }
    if (top > peak_top || (top == peak_top && live > peak_live)) {
      peak_top = top;
      peak_live = live;
      peak_op = o;
    }
    printf("  %4d  %-16s %10zu %10zu  %s\n", (int)o, r50_op_type_name(g->ops[o].type), live, top,
           names);
  }
  printf("peak: %zu bytes at op %d %s (%zu bytes live there)\n", peak_top, (int)peak_op,
         r50_op_type_name(g->ops[peak_op].type), peak_live);

  int rc = EXIT_OK;
  if (svg_path) {
    FILE *f = fopen(svg_path, "w");
    if (!f) {
      fprintf(stderr, "r50: cannot write '%s'\n", svg_path);
      rc = EXIT_IO;
    } else {
      const double W = 1000.0, H = 600.0, L = 70.0, T = 30.0;
      const double xs = W / (no > 0 ? no : 1), ys = act ? H / (double)act : 1.0;
      fprintf(f,
              "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
              "font-family=\"sans-serif\" font-size=\"11\">\n"
              "<text x=\"%.0f\" y=\"18\">arena over time: ops on x (0..%d), addresses on y "
              "(0..%zu bytes); peak at op %d</text>\n"
              "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
              "stroke=\"#888\"/>\n",
              W + L + 20, H + T + 40, L, (int)(no - 1), act, (int)peak_op, L, T, W, H);
      for (int32_t t = 0; t < nt; t++) {
        int64_t off = r50_model_tensor_offset(m, t);
        if (off < 0 || last[t] < 0) continue;
        unsigned hue = (unsigned)(t * 47) % 360u;
        fprintf(f,
                "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
                "fill=\"hsl(%u,60%%,65%%)\" fill-opacity=\"0.8\" stroke=\"#333\" "
                "stroke-width=\"0.3\"><title>%s: %zu B @ %lld, ops %d..%d</title></rect>\n",
                L + first[t] * xs, T + H - ((double)off + (double)g->tensors[t].bytes) * ys,
                (last[t] - first[t] + 1) * xs, (double)g->tensors[t].bytes * ys, hue,
                g->tensors[t].name, g->tensors[t].bytes, (long long)off, (int)first[t],
                (int)last[t]);
      }
      for (int32_t o = 0; o < no; o++) {
        int64_t so = r50_model_scratch_offset(m, o);
        if (so < 0) continue;
        fprintf(f,
                "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#222\" "
                "fill-opacity=\"0.5\"><title>op %d scratch: %zu B @ %lld</title></rect>\n",
                L + o * xs, T + H - ((double)so + (double)scratch[o]) * ys, xs,
                (double)scratch[o] * ys, (int)o, scratch[o], (long long)so);
      }
      fprintf(f,
              "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"red\"/>\n"
              "<text x=\"4\" y=\"%.0f\">%zu B</text><text x=\"4\" y=\"%.0f\">0</text>\n"
              "<text x=\"%.0f\" y=\"%.0f\">op index</text>\n</svg>\n",
              L + (peak_op + 0.5) * xs, T, L + (peak_op + 0.5) * xs, T + H, T + 10, act, T + H,
              L + W / 2, T + H + 30);
      if (fclose(f) != 0) rc = EXIT_IO;
      else printf("svg: %s\n", svg_path);
    }
  }
  free(first);
  free(last);
  return rc;
}
