/* r50 internal graph: tensors (shape, type, quantization, constant data)
 * and ops (builtin type, typed options, input/output tensor indices).
 *
 * Produced by the TFLite reader (zero-copy: pointers into the model buffer),
 * later by the ResNet50V2 builder and the quantizer; consumed by op prepare,
 * the planner, the interpreter, the code generator and the TFLite writer.
 *
 * Contracts (established by whoever builds the graph, the reader verifies them):
 *  - every tensor index in an op is -1 (optional input absent) or < n_tensors;
 *  - ndim <= R50_MAX_DIMS, every dim >= 0, n_elems == product of dims and
 *    bytes == n_elems * r50_dtype_size(type) without overflow;
 *  - data != NULL only for constant tensors, and then it points to exactly
 *    `bytes` bytes, aligned to the element size;
 *  - q_scale/q_zero_point point to q_count entries (float32 / int64),
 *    aligned; q_count is 0 (no quantization), 1 (per-tensor) or the size of
 *    dims[q_dim] (per-channel).
 *  - the host is little-endian (checked at compile time in graph.c).
 */
#ifndef R50_GRAPH_H
#define R50_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "r50.h"

#define R50_MAX_DIMS 6

/* TFLite BuiltinOperator codes (schema.fbs); only those r50 knows by name. */
typedef enum {
  R50_OP_ADD = 0,
  R50_OP_AVERAGE_POOL_2D = 1,
  R50_OP_CONCATENATION = 2,
  R50_OP_CONV_2D = 3,
  R50_OP_DEPTHWISE_CONV_2D = 4,
  R50_OP_DEQUANTIZE = 6,
  R50_OP_FULLY_CONNECTED = 9,
  R50_OP_LOGISTIC = 14,
  R50_OP_MAX_POOL_2D = 17,
  R50_OP_MUL = 18,
  R50_OP_RELU = 19,
  R50_OP_RELU6 = 21,
  R50_OP_RESHAPE = 22,
  R50_OP_SOFTMAX = 25,
  R50_OP_CUSTOM = 32,
  R50_OP_PAD = 34,
  R50_OP_MEAN = 40,
  R50_OP_SUB = 41,
  R50_OP_SQUEEZE = 43,
  R50_OP_PADV2 = 60,
  R50_OP_QUANTIZE = 114,
  R50_OP_HARD_SWISH = 117
} r50_op_type;

/* Name of a builtin operator code ("CONV_2D"), or "UNKNOWN" */
const char *r50_op_type_name(int32_t code);

typedef enum { R50_ACT_NONE = 0, R50_ACT_RELU = 1, R50_ACT_RELU_N1_TO_1 = 2, R50_ACT_RELU6 = 3,
               R50_ACT_TANH = 4, R50_ACT_SIGN_BIT = 5 } r50_activation;

typedef enum { R50_PAD_SAME = 0, R50_PAD_VALID = 1 } r50_padding;

/* Typed options; which member is valid follows r50_op.type. Defaults are the
 * schema defaults when the options table is absent. */
typedef struct {
  int32_t padding;            /* r50_padding */
  int32_t stride_w, stride_h; /* >= 1 */
  int32_t dilation_w, dilation_h; /* >= 1 */
  int32_t depth_multiplier;   /* DEPTHWISE_CONV_2D only, >= 1 (0 read as "infer") */
  int32_t activation;         /* r50_activation */
} r50_conv_options;

typedef struct {
  int32_t padding;
  int32_t stride_w, stride_h;
  int32_t filter_w, filter_h;
  int32_t activation;
} r50_pool_options;

typedef struct {
  int32_t activation;
  int32_t keep_num_dims;      /* bool */
  int32_t weights_format;     /* 0 = DEFAULT; others refused */
  int32_t asymmetric_quantize_inputs;
} r50_fc_options;

typedef struct {
  int32_t activation;         /* ADD, SUB, MUL */
  int32_t pot_scale_int16;    /* ADD/SUB, unused for int8 */
} r50_eltwise_options;

typedef struct {
  int32_t axis;
  int32_t activation;
} r50_concat_options;

typedef struct {
  float beta;
} r50_softmax_options;

typedef struct {
  int32_t keep_dims;          /* MEAN (ReducerOptions) */
} r50_reducer_options;

typedef struct {
  int32_t n_squeeze_dims;
  int32_t squeeze_dims[R50_MAX_DIMS];
} r50_squeeze_options;

typedef union {
  r50_conv_options conv;      /* CONV_2D, DEPTHWISE_CONV_2D */
  r50_pool_options pool;      /* MAX_POOL_2D, AVERAGE_POOL_2D */
  r50_fc_options fc;
  r50_eltwise_options eltwise;
  r50_concat_options concat;
  r50_softmax_options softmax;
  r50_reducer_options reducer;
  r50_squeeze_options squeeze;
} r50_op_options;

typedef struct {
  const char *name;           /* NUL-terminated (reader checks), "" if none */
  r50_dtype type;
  int32_t ndim;
  int32_t dims[R50_MAX_DIMS];
  size_t n_elems;
  size_t bytes;
  const void *data;           /* constant data, or NULL for activations */
  int32_t is_variable;
  /* quantization */
  int32_t q_count;            /* 0 none, 1 per-tensor, >1 per-channel */
  int32_t q_dim;              /* quantized_dimension */
  const float *q_scale;
  const int64_t *q_zero_point;
} r50_tensor;

typedef struct {
  int32_t type;               /* r50_op_type (builtin code) */
  int32_t version;
  int32_t n_inputs, n_outputs;
  const int32_t *inputs;      /* tensor indices, -1 = optional absent */
  const int32_t *outputs;
  r50_op_options opt;
  const char *custom_code;    /* CUSTOM ops: the code, for error messages */
} r50_op;

typedef struct {
  int32_t n_tensors;
  r50_tensor *tensors;
  int32_t n_ops;
  r50_op *ops;
  int32_t n_inputs, n_outputs;
  const int32_t *inputs;      /* graph input tensor indices */
  const int32_t *outputs;
  const char *description;    /* model description or "" */
  uint32_t schema_version;
} r50_graph;

size_t r50_dtype_size(r50_dtype t);

/* Quantization parameters of tensor t as a pair; per-tensor or channel 0. */
static inline float r50_tensor_scale(const r50_tensor *t) { return t->q_count > 0 ? t->q_scale[0] : 0.0f; }
static inline int32_t r50_tensor_zp(const r50_tensor *t) { return t->q_count > 0 ? (int32_t)t->q_zero_point[0] : 0; }

#endif
