/* Names of TFLite builtin operator codes (schema.fbs BuiltinOperator). */
#include "graph.h"

const char *r50_op_type_name(int32_t code) {
  switch (code) {
    case R50_OP_ADD: return "ADD";
    case R50_OP_AVERAGE_POOL_2D: return "AVERAGE_POOL_2D";
    case R50_OP_CONCATENATION: return "CONCATENATION";
    case R50_OP_CONV_2D: return "CONV_2D";
    case R50_OP_DEPTHWISE_CONV_2D: return "DEPTHWISE_CONV_2D";
    case R50_OP_DEQUANTIZE: return "DEQUANTIZE";
    case R50_OP_FULLY_CONNECTED: return "FULLY_CONNECTED";
    case R50_OP_LOGISTIC: return "LOGISTIC";
    case R50_OP_MAX_POOL_2D: return "MAX_POOL_2D";
    case R50_OP_MUL: return "MUL";
    case R50_OP_RELU: return "RELU";
    case R50_OP_RELU6: return "RELU6";
    case R50_OP_RESHAPE: return "RESHAPE";
    case R50_OP_SOFTMAX: return "SOFTMAX";
    case R50_OP_CUSTOM: return "CUSTOM";
    case R50_OP_PAD: return "PAD";
    case R50_OP_MEAN: return "MEAN";
    case R50_OP_SUB: return "SUB";
    case R50_OP_SQUEEZE: return "SQUEEZE";
    case R50_OP_PADV2: return "PADV2";
    case R50_OP_QUANTIZE: return "QUANTIZE";
    case R50_OP_HARD_SWISH: return "HARD_SWISH";
    default: return "UNKNOWN";
  }
}
