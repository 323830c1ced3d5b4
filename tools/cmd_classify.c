/* r50 classify [--model M] [--labels FILE] [--top K] [--json] IMAGE... */
#include <stdlib.h>
#include <string.h>

#include "cli_image.h"
#include "cli_quant.h"

static void usage_classify(FILE *f) {
  fprintf(f,
          "Usage: r50 classify [--model MODEL] [--labels FILE] [--top K] [--json] IMAGE...\n\n"
          "Decodes each image (BMP, PPM/PGM, PNG, JPEG), preprocesses it for input tensor 0 and\n"
          "prints the top-K classes with their scores (output 0 dequantized) and the invoke time.\n\n"
          "  --model MODEL       .tflite classifier (default: the embedded default, the int8\n"
          "                      ResNet50V2 224x224/1000 of `r50 report`, built once and cached;\n"
          "                      its weights are SYNTHETIC, so its classes mean nothing)\n"
          "  --labels FILE       one class name per line; a file with one line more than the\n"
          "                      model has outputs starts with 'background' (1001-class files)\n"
          "  --top K             classes per image (default 5)\n"
          "  --json              one JSON document on stdout\n"
          "  --save-input FILE   write the input tensor's raw bytes (last image) to FILE\n\n%s\n%s",
          k_pre_help, k_exit_codes);
}

static void json_str(const char *s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 0x20) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

int cmd_classify(int argc, char **argv) {
  if (cli_has_help(argc, argv)) {
    usage_classify(stdout);
    return EXIT_OK;
  }
  const char *model = NULL, *labels_path = NULL, *save = NULL;
  int top = 5, json = 0;
  cli_pre pre;
  cli_pre_defaults(&pre);
  char **imgs = calloc((size_t)argc + 1, sizeof *imgs);
  int nimg = 0;
  if (!imgs) return EXIT_FAIL;
  for (int i = 0; i < argc; i++) {
    int r = cli_pre_option(argc, argv, &i, &pre, "classify");
    if (r < 0) goto usage_err;
    if (r > 0) continue;
    if (!strcmp(argv[i], "--model") && i + 1 < argc) model = argv[++i];
    else if (!strcmp(argv[i], "--labels") && i + 1 < argc) labels_path = argv[++i];
    else if (!strcmp(argv[i], "--save-input") && i + 1 < argc) save = argv[++i];
    else if (!strcmp(argv[i], "--top") && i + 1 < argc) {
      char *e;
      long k = strtol(argv[++i], &e, 10);
      if (*e || k < 1 || k > 100000) {
        fprintf(stderr, "r50 classify: bad value '%s' for --top\n", argv[i]);
        goto usage_err;
      }
      top = (int)k;
    } else if (!strcmp(argv[i], "--json")) json = 1;
    else if (argv[i][0] == '-' && argv[i][1] == '-') {
      fprintf(stderr, "r50 classify: unknown option '%s'\n", argv[i]);
      goto usage_err;
    } else imgs[nimg++] = argv[i];
  }
  if (!nimg) {
    fprintf(stderr, "r50 classify: no IMAGE given (try --help)\n");
    goto usage_err;
  }
  char defpath[4096], note[4200];
  int synthetic = 0;
  if (!model) {
    int drc = cli_default_model(1, defpath, sizeof defpath, note, sizeof note);
    if (drc) {
      free(imgs);
      return drc;
    }
    model = defpath;
    synthetic = 1;
    fprintf(stderr, "r50: %s\nr50: %s\n", note, k_default_model_note);
  }
  cli_labels labels = {0};
  if (labels_path && cli_labels_load(labels_path, &labels) != 0) {
    free(imgs);
    return EXIT_IO;
  }
  cli_model l;
  int rc = cli_model_load(model, &l);
  if (rc) {
    cli_labels_free(&labels);
    free(imgs);
    return rc;
  }
  cli_input ci;
  rc = cli_input_prepare(l.m, &pre, &ci);
  int *idx = calloc((size_t)top, sizeof *idx);
  if (!rc && !idx) rc = EXIT_FAIL;
  if (json && !rc) {
    printf("{\"model\": ");
    json_str(model);
    printf(", \"synthetic_weights\": %s, \"results\": [", synthetic ? "true" : "false");
  }
  int failed = 0, first = 1;
  for (int k = 0; k < nimg && !rc; k++) {
    char msg[512];
    r50img_status st = cli_input_load(&ci, &pre, imgs[k], msg, sizeof msg);
    if (st != R50IMG_OK) {
      fprintf(stderr, "r50: %s\n", msg);
      failed = st == R50IMG_ERR_IO ? EXIT_IO : EXIT_INPUT;
      continue;
    }
    if (save && cli_write_file(save, ci.in.data, ci.in.bytes) != 0) {
      fprintf(stderr, "r50: cannot write '%s'\n", save);
      rc = EXIT_IO;
      break;
    }
    r50_error err;
    double t0 = cli_now_s();
    if (r50_model_invoke(l.m, &err) != R50_OK) {
      fprintf(stderr, "r50: invoke failed: %s\n", err.msg);
      rc = EXIT_FAIL;
      break;
    }
    double ms = (cli_now_s() - t0) * 1e3;
    size_t n;
    float *s = cli_output_scores(l.m, &n);
    if (!s) {
      rc = EXIT_FAIL;
      break;
    }
    int kk = top < (int)n ? top : (int)n;
    cli_topk(s, n, kk, idx);
    if (json) {
      printf("%s\n  {\"image\": ", first ? "" : ",");
      json_str(imgs[k]);
      printf(", \"invoke_ms\": %.3f, \"top\": [", ms);
      for (int j = 0; j < kk; j++) {
        printf("%s{\"index\": %d, \"label\": ", j ? ", " : "", idx[j]);
        json_str(cli_label(&labels, n, (size_t)idx[j]));
        printf(", \"score\": %.6g}", s[idx[j]]);
      }
      printf("]}");
    } else {
      printf("%s  (invoke %.1f ms%s)\n", imgs[k], ms, synthetic ? ", default model: synthetic weights" : "");
      for (int j = 0; j < kk; j++)
        printf("  %5d  %-30s %.6f\n", idx[j], cli_label(&labels, n, (size_t)idx[j]), s[idx[j]]);
    }
    first = 0;
    free(s);
  }
  if (json && ci.tmp) printf("\n]}\n");
  free(idx);
  cli_input_free(&ci);
  cli_model_unload(&l);
  cli_labels_free(&labels);
  free(imgs);
  return rc ? rc : failed;
usage_err:
  free(imgs);
  return EXIT_USAGE;
}
