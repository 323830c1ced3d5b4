/* Minimal vsnprintf/snprintf for the firmware: integers, strings, chars,
 * pointers; no floating point (%f/%g/%e print "<float>"), no locale, no
 * malloc. Replaces newlib's (so no stdio or float printf is linked): r50's
 * error messages format through these. Supports flags '-' '0', width,
 * precision (also '*'), length h hh l ll z t j. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
  char *b;
  size_t n, k;
} out_t;

static void put(out_t *o, char c) {
  if (o->k + 1 < o->n) o->b[o->k] = c;
  o->k++;
}

static void put_num(out_t *o, unsigned long long v, int neg, unsigned base, int upper, int width,
                    int prec, int left, int zero) {
  char tmp[24];
  int len = 0;
  const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    tmp[len++] = dig[v % base];
    v /= base;
  } while (v);
  while (len < prec && len < (int)sizeof tmp) tmp[len++] = '0';
  int total = len + neg;
  if (!left && !zero)
    for (; total < width; total++) put(o, ' ');
  if (neg) put(o, '-');
  if (!left && zero)
    for (; total < width; total++) put(o, '0');
  while (len) put(o, tmp[--len]);
  for (; total < width; total++) put(o, ' ');
}

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap) {
  out_t o = {buf, n, 0};
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      put(&o, *fmt);
      continue;
    }
    fmt++;
    int left = 0, zero = 0, width = 0, prec = -1, len = 0;
    for (;; fmt++) {
      if (*fmt == '-') left = 1;
      else if (*fmt == '0') zero = 1;
      else if (*fmt == '+' || *fmt == ' ' || *fmt == '#') continue;
      else break;
    }
    if (*fmt == '*') {
      width = va_arg(ap, int);
      fmt++;
    } else
      while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
    if (*fmt == '.') {
      fmt++;
      prec = 0;
      if (*fmt == '*') {
        prec = va_arg(ap, int);
        fmt++;
      } else
        while (*fmt >= '0' && *fmt <= '9') prec = prec * 10 + (*fmt++ - '0');
    }
    for (;; fmt++) {
      if (*fmt == 'l') len++;
      else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j') len = (*fmt == 'j') ? 2 : 1;
      else if (*fmt == 'h') continue;
      else break;
    }
    switch (*fmt) {
      case 'd':
      case 'i': {
        long long v = len >= 2 ? va_arg(ap, long long) : len == 1 ? va_arg(ap, long) : va_arg(ap, int);
        unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
        put_num(&o, u, v < 0, 10, 0, width, prec, left, zero);
        break;
      }
      case 'u':
      case 'x':
      case 'X': {
        unsigned long long v = len >= 2 ? va_arg(ap, unsigned long long)
                               : len == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
        put_num(&o, v, 0, *fmt == 'u' ? 10 : 16, *fmt == 'X', width, prec, left, zero);
        break;
      }
      case 'p':
        put(&o, '0');
        put(&o, 'x');
        put_num(&o, (uintptr_t)va_arg(ap, void *), 0, 16, 0, 0, -1, 0, 0);
        break;
      case 'c': put(&o, (char)va_arg(ap, int)); break;
      case 's': {
        const char *s = va_arg(ap, const char *);
        if (!s) s = "(null)";
        int l = 0;
        while (s[l] && (prec < 0 || l < prec)) l++;
        if (!left)
          for (int i = l; i < width; i++) put(&o, ' ');
        for (int i = 0; i < l; i++) put(&o, s[i]);
        if (left)
          for (int i = l; i < width; i++) put(&o, ' ');
        break;
      }
      case 'f':
      case 'g':
      case 'e':
      case 'F':
      case 'G':
      case 'E': {
        (void)va_arg(ap, double);
        const char *s = "<float>";
        while (*s) put(&o, *s++);
        break;
      }
      case '%': put(&o, '%'); break;
      case 0: fmt--; break;
      default: put(&o, '%'); put(&o, *fmt); break;
    }
  }
  if (n) buf[o.k < n ? o.k : n - 1] = 0;
  return (int)o.k;
}

int snprintf(char *buf, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vsnprintf(buf, n, fmt, ap);
  va_end(ap);
  return r;
}
