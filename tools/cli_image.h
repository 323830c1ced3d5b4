/* Image input for the r50 commands classify, eval and validate: shared
 * preprocessing options, image -> input tensor 0, output scores, labels. */
#ifndef R50_CLI_IMAGE_H
#define R50_CLI_IMAGE_H
#include "cli.h"
#include "cli_text.h"
#include "r50img.h"

typedef struct {
  r50img_interp interp;   /* --resize nearest|bilinear (default nearest, the zoo's config) */
  r50img_aspect aspect;   /* --aspect fit|crop|pad (default fit) */
  int rescale_set;        /* --rescale SCALE,OFFSET given */
  r50img_rescale rescale;
  r50img_opts dec;        /* --max-pixels N, --fast-jpeg */
  int fast_jpeg;
} cli_pre;

/* Option text for --help. */
extern const char *const k_pre_help;
void cli_pre_defaults(cli_pre *p);
/* If argv[*i] is a preprocessing option, consume it (and its value) and return 1;
 * 0 if not one; -1 (message printed) on a bad value. */
int cli_pre_option(int argc, char **argv, int *i, cli_pre *p, const char *cmd);

/* What a model's input 0 needs: size and mapping. */
typedef struct {
  r50_tensor_info in;
  int32_t h, w;
  r50img_map map;
  r50img_rescale rs;
  float *tmp; /* h*w*3 floats */
} cli_input;

/* Check that input 0 is [1,H,W,3] uint8/int8/float32 and choose the mapping;
 * on failure prints one line and returns an exit code. */
int cli_input_prepare(const r50_model *m, const cli_pre *p, cli_input *ci);
void cli_input_free(cli_input *ci);
/* Decode path and write input tensor 0. Returns R50IMG_OK or the status with msg. */
r50img_status cli_input_load(cli_input *ci, const cli_pre *p, const char *path, char *msg,
                             size_t msgn);
/* One-line description of the mapping ("uint8 raw pixels (scale 0.00784 zp 127)"). */
void cli_input_describe(const cli_input *ci, char *out, size_t n);

/* Output 0 dequantized to floats (malloc'd, *n elements); NULL on OOM. */
float *cli_output_scores(const r50_model *m, size_t *n);
/* Indices of the k largest scores (ties: lower index first). */
void cli_topk(const float *s, size_t n, int k, int *idx);

/* Labels file: one name per line (cli_labels, cli_labels_free: cli_text.h). */
int cli_labels_load(const char *path, cli_labels *l); /* 0 or -1 (message printed) */
/* Label for output index i of an n_out-class output: a labels file with one
 * more line than outputs starts with a background class that the model lacks. */
const char *cli_label(const cli_labels *l, size_t n_out, size_t i);

#endif
