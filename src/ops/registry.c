/* The table of supported builtin ops (kept apart from common.c so op unit
 * tests can link single ops). */
#include "ops.h"

static const r50_op_impl *const k_ops[] = {
    &r50_op_conv_2d, &r50_op_depthwise_conv_2d, &r50_op_fully_connected, &r50_op_max_pool_2d,
    &r50_op_average_pool_2d, &r50_op_mean, &r50_op_pad, &r50_op_padv2, &r50_op_add, &r50_op_sub,
    &r50_op_mul, &r50_op_softmax, &r50_op_quantize, &r50_op_dequantize, &r50_op_relu,
    &r50_op_relu6, &r50_op_logistic, &r50_op_hard_swish, &r50_op_concatenation, &r50_op_reshape,
    &r50_op_squeeze,
};

const r50_op_impl *r50_op_find(int32_t type) {
  for (size_t i = 0; i < sizeof k_ops / sizeof k_ops[0]; i++)
    if (k_ops[i]->type == type) return k_ops[i];
  return NULL;
}

