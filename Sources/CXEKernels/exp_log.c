/* xe's own exp, log and log1p over arrays, vectorised with AVX-512 where the CPU has it.
 *
 * glibc's libmvec evaluates 4 doubles at a time with table lookups through gathers, which are
 * slow on recent AMD cores; here the tables are 16 entries held in two registers and looked up
 * with one permute (vpermt2pd), the exponent of exp's result is set by vscalefpd (which rounds
 * once into the subnormals and saturates to 0 and inf), 8 doubles at a time. About twice as fast
 * as libmvec's log and exp, and within 1 ulp of glibc's correctly rounded-in-practice scalar
 * functions (NumPy's on CPUs without AVX-512 SVML): equal bit for bit in more than 99% of cases.
 * Without AVX-512 (or off x86-64) the spans fall back to libm through libmvec, as before.
 *
 * The method is that of ARM's optimized-routines (Szabolcs Nagy's log and exp in glibc since
 * 2.28), with smaller tables and longer polynomials, the tables made by
 * Scripts/make_exp_log_tables.py. */
#include "kernels_internal.h"
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "exp_log_tables.h"

#if defined(__x86_64__)
#define XE_AVX512 __attribute__((target("avx512f,avx512dq")))
#define XE_AVX512_INLINE static inline __attribute__((always_inline, target("avx512f,avx512dq")))

typedef __m512d v8d;
typedef __m512i v8i;

/* A table of 16 doubles in two registers, looked up by the low 4 bits of each lane of an index. */
typedef struct { v8d low, high; } table16;

XE_AVX512_INLINE table16 table16_load(const double *t) {
    return (table16){_mm512_loadu_pd(t), _mm512_loadu_pd(t + 8)};
}

XE_AVX512_INLINE v8d table16_lookup(table16 t, v8i index) {
    return _mm512_permutex2var_pd(t.low, index, t.high);
}

XE_AVX512_INLINE v8d splat(double x) { return _mm512_set1_pd(x); }

typedef struct { table16 invc, logc_hi, logc_lo; } log_tables;

/* log(x + xlo) for positive normal finite x (xlo ≪ ulp(x): the rounding error of a sum, or 0;
 * with_low is a constant, so log alone carries none of it), k_adjust added to the exponent:
 *   x = 2^k z, z ∈ [OFF, 2 OFF) exact; c the centre of z's subinterval, r = z/c - 1 exactly
 *   as ph - 1 + pl (ph = z·invc rounded, pl its rounding error, ph - 1 exact by Sterbenz);
 *   log x = k ln2 + log c + log1p(r), log1p(r) = r + r²q(r);
 *   hi + lo = k ln2_hi + logc_hi + r, exact (Fast2Sum: |k ln2_hi + logc_hi| ≥ |r| unless it
 *   is 0), and lo gathers k ln2_lo, logc_lo, pl(1 - r) and xlo·invc·2^-k(1 - r).
 * Error below 0.52 ulp: the rounding of the last addition and about 2^-58 relative besides. */
XE_AVX512_INLINE v8d log_core(v8d x, v8d xlo, v8d k_adjust, const log_tables *t, int with_low) {
    v8i ix = _mm512_castpd_si512(x);
    v8i tmp = _mm512_sub_epi64(ix, _mm512_set1_epi64((long long)LOG_OFF));
    v8i i = _mm512_srli_epi64(tmp, 48);
    v8d kd = _mm512_add_pd(_mm512_cvtepi64_pd(_mm512_srai_epi64(tmp, 52)), k_adjust);
    v8d z = _mm512_castsi512_pd(_mm512_sub_epi64(ix, _mm512_and_si512(tmp, _mm512_set1_epi64((long long)0xfff0000000000000ULL))));
    v8d invc = table16_lookup(t->invc, i);
    v8d ph = _mm512_mul_pd(z, invc);
    v8d pl = _mm512_fmsub_pd(z, invc, ph);
    v8d r = _mm512_sub_pd(ph, splat(1.0));
    v8d w = _mm512_fmadd_pd(kd, splat(LN2_HI), table16_lookup(t->logc_hi, i));
    v8d hi = _mm512_add_pd(w, r);
    v8d lo = _mm512_fmadd_pd(kd, splat(LN2_LO), _mm512_add_pd(_mm512_sub_pd(w, hi), r));
    /* r's own low part: log1p(r + d) = log1p(r) + d(1 - r) to within d·r². */
    v8d d = pl;
    if (with_low) d = _mm512_add_pd(d, _mm512_scalef_pd(_mm512_mul_pd(xlo, invc), _mm512_sub_pd(_mm512_setzero_pd(), kd)));
    lo = _mm512_add_pd(lo, _mm512_add_pd(table16_lookup(t->logc_lo, i), _mm512_fnmadd_pd(r, d, d)));
    v8d r2 = _mm512_mul_pd(r, r), r4 = _mm512_mul_pd(r2, r2);
    v8d q01 = _mm512_fmadd_pd(r, splat(LOG_Q[1]), splat(LOG_Q[0]));
    v8d q23 = _mm512_fmadd_pd(r, splat(LOG_Q[3]), splat(LOG_Q[2]));
    v8d q45 = _mm512_fmadd_pd(r, splat(LOG_Q[5]), splat(LOG_Q[4]));
    v8d q67 = _mm512_fmadd_pd(r, splat(LOG_Q[7]), splat(LOG_Q[6]));
    v8d q89 = _mm512_fmadd_pd(r, splat(LOG_Q[9]), splat(LOG_Q[8]));
    v8d q03 = _mm512_fmadd_pd(r2, q23, q01), q47 = _mm512_fmadd_pd(r2, q67, q45);
    v8d q = _mm512_fmadd_pd(r4, _mm512_fmadd_pd(r4, q89, q47), q03);
    return _mm512_add_pd(_mm512_fmadd_pd(r2, q, lo), hi);
}

/* log(x + xlo) for every x: subnormals scaled by 2^52 first; log ±0 = -inf, log of a negative
 * number or -inf NaN (glibc's default NaN, negative), log inf = inf, log NaN = NaN. */
XE_AVX512_INLINE v8d log8(v8d x, v8d xlo, const log_tables *t, int with_low) {
    v8i ix = _mm512_castpd_si512(x);
    __mmask8 normal = _mm512_cmplt_epu64_mask(_mm512_sub_epi64(ix, _mm512_set1_epi64(0x0010000000000000LL)),
                                              _mm512_set1_epi64(0x7fe0000000000000LL));
    if (__builtin_expect(normal == 0xff, 1)) return log_core(x, xlo, _mm512_setzero_pd(), t, with_low);
    __mmask8 subnormal = _mm512_cmp_pd_mask(x, splat(0x1p-1022), _CMP_LT_OQ);
    v8d scaled = _mm512_mask_mul_pd(x, subnormal, x, splat(0x1p52));
    v8d y = log_core(scaled, xlo, _mm512_maskz_mov_pd(subnormal, splat(-52.0)), t, with_low);
    __mmask8 finite_positive = _mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_GT_OQ) &
                               _mm512_cmp_pd_mask(x, splat(INFINITY), _CMP_LT_OQ);
    v8d special = _mm512_mask_mov_pd(x, _mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_LT_OQ), splat(-NAN));
    special = _mm512_mask_mov_pd(special, _mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_EQ_OQ), splat(-INFINITY));
    return _mm512_mask_mov_pd(special, finite_positive, y);
}

XE_AVX512_INLINE log_tables load_log_tables(void) {
    return (log_tables){table16_load(LOG_INVC), table16_load(LOG_LOGC_HI), table16_load(LOG_LOGC_LO)};
}

/* The mask of the first n < 8 lanes. */
static inline __mmask8 first_lanes(int64_t n) { return (__mmask8)((1u << n) - 1); }

/* y = f(x) for the n doubles from x, 8 at a time, the last n mod 8 through masked loads (the
 * lanes past the end read `fill`, a value f takes its fast path for); f a function-like macro. */
#define SPAN8(x, y, n, fill, f)                                                                          \
    do {                                                                                                 \
        int64_t i_ = 0;                                                                                  \
        for (; i_ + 8 <= (n); i_ += 8) _mm512_storeu_pd((y) + i_, f(_mm512_loadu_pd((x) + i_)));        \
        if (i_ < (n)) {                                                                                  \
            __mmask8 m_ = first_lanes((n) - i_);                                                         \
            _mm512_mask_storeu_pd((y) + i_, m_, f(_mm512_mask_loadu_pd(splat(fill), m_, (x) + i_)));     \
        }                                                                                                \
    } while (0)

XE_AVX512 static void log_avx512(const double *x, double *y, int64_t n) {
    log_tables t = load_log_tables();
    v8d zero = _mm512_setzero_pd();
#define LOG8(v) log8(v, zero, &t, 0)
    SPAN8(x, y, n, 1.0, LOG8);
#undef LOG8
}
/* log1p x = log(u + ulo) with u + ulo = 1 + x exactly (Knuth's TwoSum); -0 kept. */
XE_AVX512_INLINE v8d log1p8(v8d x, const log_tables *t) {
    v8d u = _mm512_add_pd(splat(1.0), x);
    v8d xv = _mm512_sub_pd(u, splat(1.0));
    v8d ulo = _mm512_add_pd(_mm512_sub_pd(splat(1.0), _mm512_sub_pd(u, xv)), _mm512_sub_pd(x, xv));
    v8d y = log8(u, ulo, t, 1);
    return _mm512_mask_mov_pd(y, _mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_EQ_OQ), x);
}

XE_AVX512 static void log1p_avx512(const double *x, double *y, int64_t n) {
    log_tables t = load_log_tables();
#define LOG1P8(v) log1p8(v, &t)
    SPAN8(x, y, n, 0.0, LOG1P8);
#undef LOG1P8
}
/* e^x = 2^(k/16)·t·(1 + s) for |x| ≤ 746, as in exp8 below: k = 16e + j (k as a double), t = T_j. */
typedef struct { v8d k, t, s; } exp_parts;

XE_AVX512_INLINE exp_parts exp_reduce(v8d xc, table16 power, table16 tail) {
    v8d kd = _mm512_fmadd_pd(xc, splat(EXP_16_OVER_LN2), splat(ROUND_SHIFT));
    v8i j = _mm512_castpd_si512(kd);
    kd = _mm512_sub_pd(kd, splat(ROUND_SHIFT));
    v8d r = _mm512_fmadd_pd(kd, splat(EXP_NLN2_LO), _mm512_fmadd_pd(kd, splat(EXP_NLN2_HI), xc));
    v8d r2 = _mm512_mul_pd(r, r);
    v8d q01 = _mm512_fmadd_pd(r, splat(EXP_Q[1]), splat(EXP_Q[0]));
    v8d q23 = _mm512_fmadd_pd(r, splat(EXP_Q[3]), splat(EXP_Q[2]));
    v8d q45 = _mm512_fmadd_pd(r, splat(EXP_Q[5]), splat(EXP_Q[4]));
    v8d q = _mm512_fmadd_pd(r2, _mm512_fmadd_pd(r2, q45, q23), q01);
    v8d s = _mm512_fmadd_pd(r2, q, _mm512_add_pd(table16_lookup(tail, j), r));
    return (exp_parts){kd, table16_lookup(power, j), s};
}

/* e^x: x clamped into [-746, 710] (NaN kept: vminpd/vmaxpd return their second operand then),
 *   k = round(16x/ln2) = 16e + j, r = x - k ln2/16 (|r| ≤ ln2/32, k ln2_hi/16 exact),
 *   e^x = 2^e · 2^(j/16) · e^r, 2^(j/16) = T_j(1 + tail_j), e^r = 1 + r + r²q(r):
 *   y = T_j + T_j(tail_j + r + r²q), scaled by 2^e with vscalefpd (exact, or one rounding
 *   into the subnormals; 0 below, inf above). Error below 0.52 ulp (below 1 ulp for
 *   subnormal results). */
XE_AVX512_INLINE v8d exp8(v8d x, table16 power, table16 tail) {
    exp_parts p = exp_reduce(_mm512_max_pd(splat(-746.0), _mm512_min_pd(splat(710.0), x)), power, tail);
    return _mm512_scalef_pd(_mm512_fmadd_pd(p.t, p.s, p.t), _mm512_mul_pd(p.k, splat(1.0 / 16)));
}

/* tanh x = sign(x)·τ(|x|) with one exponential and one division: below TANH_BY_EXP_FROM,
 * τ(a) = -m/(m + 2) with m = e^(-2a) - 1 = (2^(k/16)t - 1) + 2^(k/16)t·s, its first term exact
 * as a sum of two doubles (Fast2Sum), so nothing cancels as a goes to 0 (about 2 ulp, as
 * glibc's tanh); from it on, τ(a) = 1 - 2/(e^(2a) + 1), where τ ≥ 0.55 so the subtraction loses
 * nothing (inf: 1; NaN kept; ±0 kept). */
XE_AVX512_INLINE v8d tanh8(v8d x, table16 power, table16 tail) {
    v8d sign = _mm512_castsi512_pd(_mm512_set1_epi64((long long)0x8000000000000000ULL));
    v8d a = _mm512_andnot_pd(sign, x);
    __mmask8 small = _mm512_cmp_pd_mask(a, splat(TANH_BY_EXP_FROM), _CMP_LT_OQ);
    /* 2a at most 40: τ is 1 from a = 19.1 on, and e^(2a) stays finite (inf·s could be NaN). */
    v8d w = _mm512_mask_mov_pd(_mm512_min_pd(splat(40.0), _mm512_add_pd(a, a)), small, _mm512_mul_pd(a, splat(-2.0)));
    exp_parts p = exp_reduce(w, power, tail);
    v8d te = _mm512_scalef_pd(p.t, _mm512_mul_pd(p.k, splat(1.0 / 16)));
    v8d big = _mm512_add_pd(_mm512_fmadd_pd(te, p.s, te), splat(1.0));
    v8d high = _mm512_sub_pd(te, splat(1.0));
    v8d low = _mm512_sub_pd(te, _mm512_add_pd(high, splat(1.0)));
    v8d m = _mm512_add_pd(high, _mm512_fmadd_pd(te, p.s, low));
    v8d numerator = _mm512_mask_mov_pd(splat(2.0), small, _mm512_sub_pd(_mm512_setzero_pd(), m));
    v8d q = _mm512_div_pd(numerator, _mm512_mask_mov_pd(big, small, _mm512_add_pd(m, splat(2.0))));
    v8d tau = _mm512_mask_mov_pd(_mm512_sub_pd(splat(1.0), q), small, q);
    return _mm512_or_pd(_mm512_andnot_pd(sign, tau), _mm512_and_pd(sign, x));
}

XE_AVX512 static void tanh_avx512(const double *x, double *y, int64_t n) {
    table16 power = table16_load(EXP_2JN), tail = table16_load(EXP_TAIL);
#define TANH8(v) tanh8(v, power, tail)
    SPAN8(x, y, n, 0.0, TANH8);
#undef TANH8
}
XE_AVX512 static void exp_avx512(const double *x, double *y, int64_t n) {
    table16 power = table16_load(EXP_2JN), tail = table16_load(EXP_TAIL);
#define EXP8(v) exp8(v, power, tail)
    SPAN8(x, y, n, 0.0, EXP8);
#undef EXP8
}
/* Adds v's 8 lanes into four running sums in sum_block's order (lanes 0-3, then 4-7). */
XE_AVX512_INLINE __m256d add_in_sum_block_order(__m256d sums, v8d v) {
    return _mm256_add_pd(_mm256_add_pd(sums, _mm512_castpd512_pd256(v)), _mm512_extractf64x4_pd(v, 1));
}

/* The last `rest` < 8 lanes of v added as sum_block adds the end of its block, and the total. */
XE_AVX512_INLINE double finish_sum_block_order(__m256d sums, v8d v, int64_t rest) {
    double last[8], s[4];
    _mm512_storeu_pd(last, v);
    int64_t j = 0;
    if (rest >= 4) {
        sums = _mm256_add_pd(sums, _mm512_castpd512_pd256(v));
        j = 4;
    }
    _mm256_storeu_pd(s, sums);
    for (; j < rest; j++) s[0] += last[j];
    return (s[0] + s[1]) + (s[2] + s[3]);
}

/* Σ_i e^(z_i - m), the e^(z_i - m) written into e when it is not NULL, summed in sum_block's
 * order (four running sums, element i into sum i mod 4, the last n mod 4 into the first). */
XE_AVX512 static double exp_shifted_sum_avx512(const double *z, double m, double *e, int64_t n) {
    table16 power = table16_load(EXP_2JN), tail = table16_load(EXP_TAIL);
    v8d shift = splat(m);
    __m256d sums = _mm256_setzero_pd();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        v8d v = exp8(_mm512_sub_pd(_mm512_loadu_pd(z + i), shift), power, tail);
        if (e) _mm512_storeu_pd(e + i, v);
        sums = add_in_sum_block_order(sums, v);
    }
    v8d last = _mm512_setzero_pd();
    if (i < n) {
        __mmask8 k = first_lanes(n - i);
        last = _mm512_maskz_mov_pd(k, exp8(_mm512_sub_pd(_mm512_maskz_loadu_pd(k, z + i), shift), power, tail));
        if (e) _mm512_mask_storeu_pd(e + i, k, last);
    }
    return finish_sum_block_order(sums, last, n - i);
}


/* The widest vector path the CPU has: 2 AVX-512 (F and DQ), 1 AVX2 with FMA, 0 neither; at
 * most what XE_SIMD says ("portable" or "avx2": how the tests run each path on a machine that
 * has more). Decided once; a race between threads computes the same answer. */
int xe_simd_level(void) {
    static int decided = -1;
    int d = __atomic_load_n(&decided, __ATOMIC_RELAXED);
    if (d < 0) {
        d = 0;
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) d = 1;
        if (d == 1 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) d = 2;
        const char *cap = getenv("XE_SIMD");
        if (cap && strcmp(cap, "portable") == 0) d = 0;
        if (cap && strcmp(cap, "avx2") == 0 && d > 1) d = 1;
        __atomic_store_n(&decided, d, __ATOMIC_RELAXED);
    }
    return d;
}
#endif

/* ---- libm through libmvec, where AVX-512 is missing --------------------------------------- */

XE_CLONES static void log_libm(const double *x, double *y, int64_t n) {
    XE_IN_PLACE for (int64_t i = 0; i < n; i++) y[i] = log(x[i]);
}

XE_CLONES static void exp_libm(const double *x, double *y, int64_t n) {
    XE_IN_PLACE for (int64_t i = 0; i < n; i++) y[i] = exp(x[i]);
}

XE_CLONES static void log1p_libm(const double *x, double *y, int64_t n) {
    XE_IN_PLACE for (int64_t i = 0; i < n; i++) y[i] = log1p_kahan(x[i]);
}

/* How many exponentials exp_shifted_sum_libm makes at a time when they are not kept. */
enum { EXP_CHUNK = 512 };

/* z_i - m into e, e^ of it in place, returns the sum. */
XE_CLONES static double exp_shifted_chunk(const double *z, double m, double *e, int64_t n) {
    for (int64_t i = 0; i < n; i++) e[i] = exp(z[i] - m);
    return sum_block(e, n);
}

static double exp_shifted_sum_libm(const double *z, double m, double *e, int64_t n) {
    if (e) return exp_shifted_chunk(z, m, e, n);
    double scratch[EXP_CHUNK], s = 0;
    for (int64_t i = 0; i < n; i += EXP_CHUNK) {
        int64_t k = n - i < EXP_CHUNK ? n - i : EXP_CHUNK;
        s += exp_shifted_chunk(z + i, m, scratch, k);
    }
    return s;
}

void xe_exp_shifted_sums(const double *z, int64_t C, int64_t n, const double *m, double *s) {
#if defined(__x86_64__)
    if (xe_simd_level() == 1 && C % 4 == 0 && C > 0 && C <= 4 * STAGED_VECTORS) {
        xe_exp_shifted_sums_avx2(z, C, n, m, s);
        return;
    }
#endif
    for (int64_t k = 0; k < n; k++) s[k] = xe_exp_shifted_sum(z + k * C, m[k], NULL, C, 1);
}

double xe_exp_shifted_sum(const double *z, double m, double *e, int64_t n, int summed) {
#if defined(__x86_64__)
    int level = xe_simd_level();
    if (level == 2) return exp_shifted_sum_avx512(z, m, e, n);
    if (level == 1) return xe_exp_shifted_sum_avx2(z, m, e, n, summed);
#endif
    (void)summed;
    return exp_shifted_sum_libm(z, m, e, n);
}

/* tanh through libmvec's exp from |x| = TANH_BY_EXP_FROM on, glibc's tanh below, a block at a
 * time (y may be x). */
XE_CLONES static void tanh_libm(const double *x, double *y, int64_t n) {
    double e[BLOCK];
    for (int64_t b = 0; b < n; b += BLOCK) {
        int64_t m = n - b < BLOCK ? n - b : BLOCK;
        const double *xb = x + b;
        double *yb = y + b;
        XE_IN_PLACE for (int64_t i = 0; i < m; i++) {
            double t = copysign(1 - 2 / (exp(2 * fabs(xb[i])) + 1), xb[i]);
            int scalar = !(fabs(xb[i]) >= TANH_BY_EXP_FROM);
            yb[i] = scalar ? xb[i] : t;
            e[i] = scalar;
        }
        for (int64_t i = 0; i < m; i++) {
            if (e[i] != 0) yb[i] = tanh(yb[i]);
        }
    }
}

typedef void (*span_fn)(const double *x, double *y, int64_t n);

/* The span of the widest path the CPU has: AVX-512, AVX2 or libm (through libmvec). */
static void run_span(span_fn avx512, span_fn avx2, span_fn portable, const double *x, double *y, int64_t n) {
#if defined(__x86_64__)
    int level = xe_simd_level();
    if (level == 2) {
        avx512(x, y, n);
        return;
    }
    if (level == 1 && avx2) {
        avx2(x, y, n);
        return;
    }
#endif
    (void)avx512, (void)avx2;
    portable(x, y, n);
}

#if defined(__x86_64__)
#define VECTOR_SPAN(name) name
#else
#define VECTOR_SPAN(name) NULL
#endif

/* The span `name` of one function: its AVX-512, AVX2 and libm spans. */
#define SPAN(name, avx512, avx2, libm) \
    void name(const double *x, double *y, int64_t n) { run_span(VECTOR_SPAN(avx512), VECTOR_SPAN(avx2), libm, x, y, n); }

SPAN(xe_log_span, log_avx512, xe_log_avx2, log_libm)
SPAN(xe_exp_span, exp_avx512, xe_exp_avx2, exp_libm)
SPAN(xe_log1p_span, log1p_avx512, xe_log1p_avx2, log1p_libm)
SPAN(xe_tanh_span, tanh_avx512, xe_tanh_avx2, tanh_libm)
SPAN(xe_exp_span_summed, exp_avx512, xe_exp_summed_avx2, exp_libm)
SPAN(xe_log_span_summed, log_avx512, xe_log_summed_avx2, log_libm)
SPAN(xe_log1p_span_summed, log1p_avx512, xe_log1p_summed_avx2, log1p_libm)

/* e^-|x| where no AVX2 span takes -|x| as it reads x: -|x| first, then the exp in place. */
#define EXP_NEG_ABS(name, exp)                                                           \
    static void name(const double *x, double *y, int64_t n) {                            \
        for (int64_t i = 0; i < n; i++) y[i] = -fabs(x[i]);                              \
        exp(y, y, n);                                                                    \
    }
#if defined(__x86_64__)
EXP_NEG_ABS(exp_neg_abs_avx512, exp_avx512)
#endif
EXP_NEG_ABS(exp_neg_abs_libm, exp_libm)
SPAN(xe_exp_neg_abs_span, exp_neg_abs_avx512, xe_exp_neg_abs_avx2, exp_neg_abs_libm)
SPAN(xe_exp_neg_abs_span_summed, exp_neg_abs_avx512, xe_exp_neg_abs_summed_avx2, exp_neg_abs_libm)
SPAN(xe_log1p_unit_summed, log1p_avx512, xe_log1p_unit_summed_avx2, log1p_libm)
