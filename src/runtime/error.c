#include "error.h"

#include <stdarg.h>
#include <stdio.h>

r50_status r50_fail(r50_error *err, r50_status s, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->status = s;
  }
  return s;
}

const char *r50_status_str(r50_status s) {
  switch (s) {
    case R50_OK: return "R50_OK: success";
    case R50_ERR_ARG: return "R50_ERR_ARG: bad argument";
    case R50_ERR_MODEL: return "R50_ERR_MODEL: malformed model";
    case R50_ERR_UNSUPPORTED: return "R50_ERR_UNSUPPORTED: unsupported op, type or option";
    case R50_ERR_ARENA: return "R50_ERR_ARENA: arena too small";
    case R50_ERR_LIMIT: return "R50_ERR_LIMIT: model exceeds a limit";
    case R50_ERR_IO: return "R50_ERR_IO: file error";
    case R50_ERR_NOMEM: return "R50_ERR_NOMEM: out of memory";
    case R50_ERR_STATE: return "R50_ERR_STATE: wrong state";
  }
  return "R50_ERR_?: unknown status";
}
