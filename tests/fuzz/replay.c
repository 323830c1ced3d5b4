/* Replays files through a libFuzzer harness without libFuzzer: each argument
 * is a file or a folder of files, each file is passed once to
 * LLVMFuzzerTestOneInput (in an exact-size heap buffer). Linked with every
 * tests/fuzz/fuzz_*.c for the regression tests (tests/regress/<fuzzer>/),
 * which run under ASan+UBSan in `make asan`, and under valgrind in CI. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: cannot open %s\n", path);
    return -1;
  }
  size_t cap = 1 << 16, n = 0;
  uint8_t *buf = malloc(cap);
  for (;;) {
    if (!buf) break;
    if (n == cap) {
      uint8_t *nb = realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    if (!r) break;
    n += r;
  }
  fclose(f);
  if (!buf) {
    fprintf(stderr, "replay: out of memory for %s\n", path);
    return -1;
  }
  uint8_t *exact = malloc(n ? n : 1);
  if (exact && n) memcpy(exact, buf, n);
  free(buf);
  if (!exact) return -1;
  LLVMFuzzerTestOneInput(exact, n);
  free(exact);
  printf("replay: %s (%zu bytes) ok\n", path, n);
  return 0;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
  int files = 0, bad = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "replay: %s not found\n", argv[i]);
      bad++;
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      bad += run_file(argv[i]) != 0;
      files++;
      continue;
    }
    DIR *d = opendir(argv[i]);
    if (!d) {
      bad++;
      continue;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
      if (e->d_name[0] == '.') continue;
      if (n == cap) {
        cap = cap ? cap * 2 : 64;
        char **nn = realloc(names, cap * sizeof *nn);
        if (!nn) break;
        names = nn;
      }
      size_t l = strlen(argv[i]) + strlen(e->d_name) + 2;
      if (!(names[n] = malloc(l))) break;
      snprintf(names[n++], l, "%s/%s", argv[i], e->d_name);
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, cmp);
    for (size_t k = 0; k < n; k++) {
      bad += run_file(names[k]) != 0;
      files++;
      free(names[k]);
    }
    free(names);
  }
  printf("replay: %d files, %d errors\n", files, bad);
  return bad ? 1 : 0;
}
