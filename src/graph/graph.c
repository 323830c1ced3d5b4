#include "graph.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "r50 reads TFLite flatbuffers in place and needs a little-endian target"
#endif

size_t r50_dtype_size(r50_dtype t) {
  switch (t) {
    case R50_DTYPE_FLOAT32: return 4;
    case R50_DTYPE_FLOAT16: return 2;
    case R50_DTYPE_INT32: return 4;
    case R50_DTYPE_UINT8: return 1;
    case R50_DTYPE_INT64: return 8;
    case R50_DTYPE_BOOL: return 1;
    case R50_DTYPE_INT16: return 2;
    case R50_DTYPE_COMPLEX64: return 8;
    case R50_DTYPE_INT8: return 1;
    case R50_DTYPE_FLOAT64: return 8;
    default: return 0; /* STRING and unknown: no fixed size */
  }
}

const char *r50_dtype_name(r50_dtype t) {
  switch (t) {
    case R50_DTYPE_FLOAT32: return "float32";
    case R50_DTYPE_FLOAT16: return "float16";
    case R50_DTYPE_INT32: return "int32";
    case R50_DTYPE_UINT8: return "uint8";
    case R50_DTYPE_INT64: return "int64";
    case R50_DTYPE_STRING: return "string";
    case R50_DTYPE_BOOL: return "bool";
    case R50_DTYPE_INT16: return "int16";
    case R50_DTYPE_COMPLEX64: return "complex64";
    case R50_DTYPE_INT8: return "int8";
    case R50_DTYPE_FLOAT64: return "float64";
    default: return "unknown-type";
  }
}
