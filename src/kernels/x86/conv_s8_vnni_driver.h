/* Driver shared by the VNNI conv kernels (conv_s8_avx512vnni.c, conv_s8_avxvnni.c):
 * prepare (packing, requantization arrays, scratch), the job, the thread split
 * (rows x panel groups), in-place window tiles, the gathered path and the entry
 * point. The including file defines MR, NR, MC_BYTES (gathered rows per chunk,
 * in bytes), the micro-kernel tile_n() for its vector width, and
 *   R50_VNNI_CONV_NAME     the entry point's name
 *   R50_VNNI_MEM_NAME      the name of the prepare memory size function
 *   R50_VNNI_PREPARE_NAME  the name of the prepare function
 *   R50_VNNI_PANEL_ALIGN   panels per 64-byte output line (1 for 64-channel
 *                          zmm panels, 4 for 16-channel ymm panels)
 * then includes this file once. */
#if !defined(R50_VNNI_CONV_NAME) || !defined(R50_VNNI_MEM_NAME) || !defined(R50_VNNI_PREPARE_NAME)
#error "define R50_VNNI_CONV_NAME, _MEM_NAME and _PREPARE_NAME before including conv_s8_vnni_driver.h"
#endif

/* Row tails of 1-2 rows (49 pixels = 8 x 6 + 1) run a 2-row tile instead of
 * computing 6 rows (rows >= mr repeat a valid row and are not stored). */
static inline __attribute__((always_inline)) void tile(const r50_conv_s8_x86 *c, const int8_t *const *a,
                                                       int32_t mr, const int8_t *wp, int32_t n0,
                                                       int8_t *out, int flip, int32_t kh,
                                                       size_t kstride, int32_t seg) {
  if (mr <= 2)
    tile_n(c, a, mr, wp, n0, out, flip, kh, kstride, seg, 2);
  else
    tile_n(c, a, mr, wp, n0, out, flip, kh, kstride, seg, MR);
}

size_t R50_VNNI_MEM_NAME(const r50_conv_params *p) {
  r50_conv_s8_x86 c;
  x86_conv_geometry(&c, p, 4, NR);
  x86_vnni_layout(&c);
  return (size_t)c.Np * 16 + (size_t)c.Np * c.Kp + 64;
}

size_t R50_VNNI_PREPARE_NAME(r50_conv_s8_x86 *c, const r50_conv_params *p, const int8_t *filter,
                             const int32_t *bias, void *mem) {
  x86_conv_geometry(c, p, 4, NR);
  x86_vnni_layout(c);
  int32_t *arr = (int32_t *)mem;
  int32_t *b = arr, *mu = arr + c->Np, *ls = arr + 2 * c->Np, *rs = arr + 3 * c->Np;
  x86_conv_requant_arrays(c, filter, bias, p->q.input_offset - 128, b, mu, ls, rs);
  int8_t *w = (int8_t *)(arr + 4 * c->Np);
  x86_vnni_pack(c, filter, w, NR);
  c->w = w;
  c->bias = b;
  c->mult = mu;
  c->lsh = ls;
  c->rsh = rs;
  if (c->direct) return 0;
  /* window convs read A in place, their border tiles gather into the task's stack */
  if (x86_window_inplace(c) && (size_t)MR * c->Kp <= R50_X86_WIN_LOCAL) return 0;
  /* scratch for the gathered (im2col) mode */
  int32_t mc = MC_BYTES / c->Kp / MR * MR;
  if (mc < MR) mc = MR;
  if (mc > x86_round_up(c->M, MR)) mc = x86_round_up(c->M, MR);
  c->mc = mc;
  return (size_t)mc * c->Kp;
}

typedef struct {
  const r50_conv_s8_x86 *c;
  const int8_t *abase; /* row 0 of A (direct / gathered modes) */
  size_t astride;
  int32_t rows;
  int8_t *out;         /* output row 0 */
  int mode;            /* 0 gathered, 1 direct 1x1, 2 window read in place */
  int all_inside;      /* window mode: every window inside the input (no per-tile check) */
  int32_t pg;          /* panels per task */
  x86_split sp;
  const int8_t *input;
  int8_t *buf;
  int32_t m0, gather_per_task;
} job;

enum { MODE_GATHERED = 0, MODE_DIRECT = 1, MODE_WINDOW = 2 };

/* Window mode: the MR rows of tile r0 read in place when their windows lie
 * inside the image, else gathered once into a local buffer in the same layout
 * (padded borders, or the last pixels whose segments would read past the
 * input; bounded by R50_X86_WIN_LOCAL, checked in the entry point). */

/* A border tile of window mode: its rows gathered once into a stack buffer
 * for all the group's panels (a separate frame, so in-place tiles never touch
 * the 16 KiB). */
static __attribute__((noinline)) void border_tile(const job *jb, int32_t r0, int32_t mr, int32_t j0,
                                                  int32_t j1, int8_t *o) {
  const r50_conv_s8_x86 *c = jb->c;
  _Alignas(64) int8_t local[R50_X86_WIN_LOCAL];
  const int8_t fill = (int8_t)((uint8_t)(-c->p.q.input_offset) ^ 0x80u);
  const int8_t *a[MR];
  for (int32_t r = 0; r < mr; r++)
    x86_gather_row_vnni(c, jb->input, r0 + r, local + (size_t)r * c->Kp, 0x80u, fill);
  for (int32_t r = 0; r < MR; r++) a[r] = local + (size_t)(r < mr ? r : mr - 1) * c->Kp;
  for (int32_t j = j0; j < j1; j++)
    tile(c, a, mr, c->w + (size_t)j * c->Kp * NR, j * NR, o, 0, c->kh, (size_t)c->seg, c->seg);
}

static void compute_task(void *ctx, int32_t t) {
  const job *jb = (const job *)ctx;
  const r50_conv_s8_x86 *c = jb->c;
  const int32_t jg = t / jb->sp.n_rb, rb = t % jb->sp.n_rb;
  const int32_t r_begin = rb * jb->sp.rb_rows;
  const int32_t r_end = r_begin + jb->sp.rb_rows < jb->rows ? r_begin + jb->sp.rb_rows : jb->rows;
  const int32_t np = c->Np / NR;
  const int32_t j0 = jg * jb->pg, j1 = (jg + 1) * jb->pg < np ? (jg + 1) * jb->pg : np;
  const size_t wstep = (size_t)c->Kp * NR;
  /* rows outer, the group's panels inner: the A rows stay in L1 while the
   * group's weights (sized for L2 in eval) are swept. Each tile() call keeps
   * constant layout arguments, so the inlined micro-kernel is specialised. */
  for (int32_t r0 = r_begin; r0 < r_end; r0 += MR) {
    const int32_t mr = r_end - r0 < MR ? r_end - r0 : MR;
    int8_t *o = jb->out + (size_t)r0 * c->p.out_c;
    const int8_t *a[MR];
    if (jb->mode == MODE_WINDOW) {
      if (!jb->all_inside && !x86_window_inside(c, r0, mr)) {
        border_tile(jb, r0, mr, j0, j1, o);
        continue;
      }
      for (int32_t r = 0; r < MR; r++)
        a[r] = x86_window_row(&c->p, jb->input, r0 + (r < mr ? r : mr - 1));
      const size_t ks = (size_t)c->p.dilation_h * c->p.in_w * c->p.in_c;
      for (int32_t j = j0; j < j1; j++)
        tile(c, a, mr, c->w + (size_t)j * wstep, j * NR, o, 1, c->kh, ks, c->seg);
      continue;
    }
    for (int32_t r = 0; r < MR; r++)
      a[r] = jb->abase + (size_t)(r0 + (r < mr ? r : mr - 1)) * jb->astride;
    if (jb->mode == MODE_DIRECT)
      for (int32_t j = j0; j < j1; j++)
        tile(c, a, mr, c->w + (size_t)j * wstep, j * NR, o, 1, 1, 0, c->Kp);
    else
      for (int32_t j = j0; j < j1; j++)
        tile(c, a, mr, c->w + (size_t)j * wstep, j * NR, o, 0, c->kh, (size_t)c->seg, c->seg);
  }
}

static void gather_task(void *ctx, int32_t t) {
  const job *jb = (const job *)ctx;
  const r50_conv_s8_x86 *c = jb->c;
  const int8_t fill = (int8_t)((uint8_t)(-c->p.q.input_offset) ^ 0x80u); /* zero point + 128 */
  const int32_t r_begin = t * jb->gather_per_task;
  const int32_t r_end =
      r_begin + jb->gather_per_task < jb->rows ? r_begin + jb->gather_per_task : jb->rows;
  for (int32_t r = r_begin; r < r_end; r++)
    x86_gather_row_vnni(c, jb->input, jb->m0 + r, jb->buf + (size_t)r * c->Kp, 0x80u, fill);
}

void R50_VNNI_CONV_NAME(const r50_conv_s8_x86 *c, const int8_t *input, int8_t *output, void *scratch,
                        const r50_parallel *par) {
  const int32_t threads = r50_par_threads(par);
  job jb;
  memset(&jb, 0, sizeof jb);
  jb.c = c;
  jb.input = input;
  int32_t per_thread;
  /* a task owns whole 64-byte output lines: threads never write the same line */
  jb.pg = x86_vnni_panel_group(c, NR, threads, R50_VNNI_PANEL_ALIGN, &per_thread);
  const int32_t groups = (c->Np / NR + jb.pg - 1) / jb.pg;
  if (c->direct || x86_window_inplace(c)) {
    jb.mode = c->direct ? MODE_DIRECT : MODE_WINDOW;
    if (!c->direct) {
      jb.all_inside = c->M > 0 && x86_window_all_inside(c) && x86_window_inside(c, c->M - 1, 1);
      if (!jb.all_inside && (size_t)MR * c->Kp > R50_X86_WIN_LOCAL) goto gathered;
    }
    jb.abase = input;
    jb.astride = (size_t)c->K;
    jb.rows = c->M;
    jb.out = output;
    jb.sp = x86_conv_split(c->M, groups, MR, threads, per_thread);
    r50_par_run(par, jb.sp.n_rb * groups, compute_task, &jb);
    return;
  }
gathered:
  jb.mode = MODE_GATHERED;
  jb.buf = (int8_t *)scratch;
  jb.abase = jb.buf;
  jb.astride = (size_t)c->Kp;
  for (int32_t m0 = 0; m0 < c->M; m0 += c->mc) {
    jb.rows = c->M - m0 < c->mc ? c->M - m0 : c->mc;
    jb.m0 = m0;
    jb.out = output + (size_t)m0 * c->p.out_c;
    jb.gather_per_task = (jb.rows + threads * 2 - 1) / (threads * 2);
    r50_par_run(par, (jb.rows + jb.gather_per_task - 1) / jb.gather_per_task, gather_task, &jb);
    jb.sp = x86_conv_split(jb.rows, groups, MR, threads, per_thread);
    r50_par_run(par, jb.sp.n_rb * groups, compute_task, &jb);
  }
}

