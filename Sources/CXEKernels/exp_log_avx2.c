/* xe's exp, log, log1p and tanh, 4 doubles at a time with AVX2 and FMA: the AVX-512
 * functions' operations (exp_log.c) in the same order on the same tables (exp_log_tables.h),
 * so the same bits. What AVX2 lacks is built from what it has: a table is four registers,
 * looked up with four permutes and three blends; the 64-bit shift and conversion of log's
 * exponent go through the high 32 bits; exp's exponent is added into the bits of its result,
 * or, where the result would be subnormal or out of range, applied as two exact powers of two
 * so that it rounds once, as vscalefpd does. Then the cheaper exp and log for values that are
 * only summed (xe_*_span_summed), and the bce_logits lane pass (losses.c's products). */
#include "kernels_internal.h"
#include "exp_log_tables.h"
#if defined(__x86_64__)
#include <immintrin.h>

#define XE_AVX2 __attribute__((target("avx2,fma")))
#define XE_AVX2_INLINE static inline __attribute__((always_inline, target("avx2,fma")))

typedef __m256d v4d;
typedef __m256i v4i;

XE_AVX2_INLINE v4d splat(double x) { return _mm256_set1_pd(x); }

XE_AVX2_INLINE v4i splat64(long long x) { return _mm256_set1_epi64x(x); }

/* A table of 16 doubles in four registers, looked up by the low 4 bits of each lane of an
 * index: one in-register permute (vpermps, on the doubles' halves) per register, then the
 * index's bits 2 and 3 choose among the four results (gathers are slow on AMD's cores). */
typedef struct { __m256 q[4]; } table16;

XE_AVX2_INLINE table16 table16_load(const double *t) {
    return (table16){{_mm256_castpd_ps(_mm256_loadu_pd(t)), _mm256_castpd_ps(_mm256_loadu_pd(t + 4)),
                      _mm256_castpd_ps(_mm256_loadu_pd(t + 8)), _mm256_castpd_ps(_mm256_loadu_pd(t + 12))}};
}

/* An index made ready for table16_lookup: the halves 2(i mod 4) and 2(i mod 4) + 1 for the
 * permutes, and bits 2 and 3 of i in the sign bits for the blends. */
typedef struct { __m256i halves; v4d bit2, bit3; } table_index;

XE_AVX2_INLINE table_index table_index_of(v4i i) {
    v4i twice = _mm256_slli_epi64(_mm256_and_si256(i, splat64(3)), 1);
    v4i halves = _mm256_add_epi64(_mm256_or_si256(twice, _mm256_slli_epi64(twice, 32)), splat64(1LL << 32));
    return (table_index){halves, _mm256_castsi256_pd(_mm256_slli_epi64(i, 61)), _mm256_castsi256_pd(_mm256_slli_epi64(i, 60))};
}

XE_AVX2_INLINE v4d table16_lookup(const table16 *t, table_index k) {
    v4d a = _mm256_castps_pd(_mm256_permutevar8x32_ps(t->q[0], k.halves));
    v4d b = _mm256_castps_pd(_mm256_permutevar8x32_ps(t->q[1], k.halves));
    v4d c = _mm256_castps_pd(_mm256_permutevar8x32_ps(t->q[2], k.halves));
    v4d d = _mm256_castps_pd(_mm256_permutevar8x32_ps(t->q[3], k.halves));
    return _mm256_blendv_pd(_mm256_blendv_pd(a, b, k.bit2), _mm256_blendv_pd(c, d, k.bit2), k.bit3);
}

typedef struct { table16 invc, logc_hi, logc_lo; } log_tables;

XE_AVX2_INLINE log_tables load_log_tables(void) {
    return (log_tables){table16_load(LOG_INVC), table16_load(LOG_LOGC_HI), table16_load(LOG_LOGC_LO)};
}

typedef struct { table16 power, tail; } exp_tables;

XE_AVX2_INLINE exp_tables load_exp_tables(void) { return (exp_tables){table16_load(EXP_2JN), table16_load(EXP_TAIL)}; }

/* (double)(x >> 52), the shift arithmetic: the high 32 bits of each lane shifted by 20. */
XE_AVX2_INLINE v4d shift52_to_double(v4i x) {
    v4i high = _mm256_permutevar8x32_epi32(_mm256_srai_epi32(x, 20), _mm256_setr_epi32(1, 3, 5, 7, 1, 3, 5, 7));
    return _mm256_cvtepi32_pd(_mm256_castsi256_si128(high));
}

/* 2^k for integer-valued k in [-1022, 1023]: k + 1023 put in the exponent field. */
XE_AVX2_INLINE v4d pow2(v4d k) {
    v4i bits = _mm256_castpd_si256(_mm256_add_pd(k, splat(ROUND_SHIFT)));
    return _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(bits, splat64(1023)), 52));
}

/* x·2^k for integer-valued k in [-2044, 2046], rounded once (vscalefpd's result): x·2^⌊k/2⌋ is
 * exact for the x it is used on (normal, and kept normal), ·2^(k - ⌊k/2⌋) rounds. */
XE_AVX2_INLINE v4d scale(v4d x, v4d k) {
    v4d half = _mm256_floor_pd(_mm256_mul_pd(k, splat(0.5)));
    return _mm256_mul_pd(_mm256_mul_pd(x, pow2(half)), pow2(_mm256_sub_pd(k, half)));
}

/* log(x + xlo), log_core of exp_log_avx512.c (its comment gives the method and error). */
XE_AVX2_INLINE v4d log_core(v4d x, v4d xlo, v4d k_adjust, const log_tables *t, int with_low) {
    v4i ix = _mm256_castpd_si256(x);
    v4i tmp = _mm256_sub_epi64(ix, splat64((long long)LOG_OFF));
    table_index i = table_index_of(_mm256_srli_epi64(tmp, 48));
    v4d kd = _mm256_add_pd(shift52_to_double(tmp), k_adjust);
    v4d z = _mm256_castsi256_pd(_mm256_sub_epi64(ix, _mm256_and_si256(tmp, splat64((long long)0xfff0000000000000ULL))));
    v4d invc = table16_lookup(&t->invc, i);
    v4d ph = _mm256_mul_pd(z, invc);
    v4d pl = _mm256_fmsub_pd(z, invc, ph);
    v4d r = _mm256_sub_pd(ph, splat(1.0));
    v4d w = _mm256_fmadd_pd(kd, splat(LN2_HI), table16_lookup(&t->logc_hi, i));
    v4d hi = _mm256_add_pd(w, r);
    v4d lo = _mm256_fmadd_pd(kd, splat(LN2_LO), _mm256_add_pd(_mm256_sub_pd(w, hi), r));
    v4d d = pl;
    if (with_low) d = _mm256_add_pd(d, scale(_mm256_mul_pd(xlo, invc), _mm256_sub_pd(_mm256_setzero_pd(), kd)));
    lo = _mm256_add_pd(lo, _mm256_add_pd(table16_lookup(&t->logc_lo, i), _mm256_fnmadd_pd(r, d, d)));
    v4d r2 = _mm256_mul_pd(r, r), r4 = _mm256_mul_pd(r2, r2);
    v4d q01 = _mm256_fmadd_pd(r, splat(LOG_Q[1]), splat(LOG_Q[0]));
    v4d q23 = _mm256_fmadd_pd(r, splat(LOG_Q[3]), splat(LOG_Q[2]));
    v4d q45 = _mm256_fmadd_pd(r, splat(LOG_Q[5]), splat(LOG_Q[4]));
    v4d q67 = _mm256_fmadd_pd(r, splat(LOG_Q[7]), splat(LOG_Q[6]));
    v4d q89 = _mm256_fmadd_pd(r, splat(LOG_Q[9]), splat(LOG_Q[8]));
    v4d q03 = _mm256_fmadd_pd(r2, q23, q01), q47 = _mm256_fmadd_pd(r2, q67, q45);
    v4d q = _mm256_fmadd_pd(r4, _mm256_fmadd_pd(r4, q89, q47), q03);
    return _mm256_add_pd(_mm256_fmadd_pd(r2, q, lo), hi);
}

/* log(x + xlo) for every x, log8 of exp_log_avx512.c: subnormals scaled by 2^52 first;
 * log ±0 = -inf, log of a negative number or -inf NaN, log inf = inf, log NaN = NaN. */
XE_AVX2_INLINE v4d log4(v4d x, v4d xlo, const log_tables *t, int with_low) {
    v4d normal = _mm256_and_pd(_mm256_cmp_pd(x, splat(0x1p-1022), _CMP_GE_OQ), _mm256_cmp_pd(x, splat(INFINITY), _CMP_LT_OQ));
    if (__builtin_expect(_mm256_movemask_pd(normal) == 15, 1)) return log_core(x, xlo, _mm256_setzero_pd(), t, with_low);
    v4d subnormal = _mm256_cmp_pd(x, splat(0x1p-1022), _CMP_LT_OQ);
    v4d scaled = _mm256_blendv_pd(x, _mm256_mul_pd(x, splat(0x1p52)), subnormal);
    v4d y = log_core(scaled, xlo, _mm256_and_pd(subnormal, splat(-52.0)), t, with_low);
    v4d zero = _mm256_setzero_pd();
    v4d finite_positive = _mm256_and_pd(_mm256_cmp_pd(x, zero, _CMP_GT_OQ), _mm256_cmp_pd(x, splat(INFINITY), _CMP_LT_OQ));
    v4d special = _mm256_blendv_pd(x, splat(-NAN), _mm256_cmp_pd(x, zero, _CMP_LT_OQ));
    special = _mm256_blendv_pd(special, splat(-INFINITY), _mm256_cmp_pd(x, zero, _CMP_EQ_OQ));
    return _mm256_blendv_pd(special, y, finite_positive);
}

/* log1p x = log(u + ulo) with u + ulo = 1 + x exactly (Knuth's TwoSum); -0 kept. */
XE_AVX2_INLINE v4d log1p4(v4d x, const log_tables *t) {
    v4d one = splat(1.0);
    v4d u = _mm256_add_pd(one, x);
    v4d xv = _mm256_sub_pd(u, one);
    v4d ulo = _mm256_add_pd(_mm256_sub_pd(one, _mm256_sub_pd(u, xv)), _mm256_sub_pd(x, xv));
    v4d y = log4(u, ulo, t, 1);
    return _mm256_blendv_pd(y, x, _mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_EQ_OQ));
}

/* An exponential's argument reduced: k (an integer) and r = x - k·c (c ln 2/16, or ln 2/2 for
 * exp4_summed), what the first pass of a two-pass span stores (STAGED_SPAN4). */
typedef struct { v4d k, r; } exp_reduced;

/* exp_reduce's first step: k = round(16x/ln 2), r = x - k·ln2/16 in two parts. */
XE_AVX2_INLINE exp_reduced exp_reduce_k(v4d xc) {
    v4d kd = _mm256_sub_pd(_mm256_fmadd_pd(xc, splat(EXP_16_OVER_LN2), splat(ROUND_SHIFT)), splat(ROUND_SHIFT));
    v4d r = _mm256_fmadd_pd(kd, splat(EXP_NLN2_LO), _mm256_fmadd_pd(kd, splat(EXP_NLN2_HI), xc));
    return (exp_reduced){kd, r};
}

/* e^x = 2^(k/16)·t·(1 + s), exp_reduce of exp_log_avx512.c; j holds k in its low bits. */
typedef struct { v4d k, t, s; v4i j; } exp_parts;

/* exp_reduce's second step: the table's entries and the polynomial; j is k + ROUND_SHIFT's
 * bits, as the first step rounded k (k is an integer far below 2^51, so both are exact). */
XE_AVX2_INLINE exp_parts exp_reduce_rest(exp_reduced e, const exp_tables *t) {
    v4d kd = e.k, r = e.r;
    v4i j = _mm256_castpd_si256(_mm256_add_pd(kd, splat(ROUND_SHIFT)));
    table_index ji = table_index_of(j);
    v4d r2 = _mm256_mul_pd(r, r);
    v4d q01 = _mm256_fmadd_pd(r, splat(EXP_Q[1]), splat(EXP_Q[0]));
    v4d q23 = _mm256_fmadd_pd(r, splat(EXP_Q[3]), splat(EXP_Q[2]));
    v4d q45 = _mm256_fmadd_pd(r, splat(EXP_Q[5]), splat(EXP_Q[4]));
    v4d q = _mm256_fmadd_pd(r2, _mm256_fmadd_pd(r2, q45, q23), q01);
    v4d s = _mm256_fmadd_pd(r2, q, _mm256_add_pd(table16_lookup(&t->tail, ji), r));
    return (exp_parts){kd, table16_lookup(&t->power, ji), s, j};
}

XE_AVX2_INLINE exp_parts exp_reduce(v4d xc, const exp_tables *t) { return exp_reduce_rest(exp_reduce_k(xc), t); }

/* y·2^⌊k/16⌋ where y·2^⌊k/16⌋ is normal: ⌊k/16⌋ (bits 4 on of k, in j's low bits) added to
 * y's exponent field. */
XE_AVX2_INLINE v4d scale_normal(v4d y, v4i j) {
    v4i e = _mm256_and_si256(_mm256_slli_epi64(j, 48), splat64((long long)0xfff0000000000000ULL));
    return _mm256_castsi256_pd(_mm256_add_epi64(_mm256_castpd_si256(y), e));
}

/* x clamped into exp's range, [-746, 710] (NaN kept). */
XE_AVX2_INLINE v4d exp_clamp(v4d x) { return _mm256_max_pd(splat(-746.0), _mm256_min_pd(splat(710.0), x)); }

/* The lanes of e^x (x clamped) that are normal, |x| ≤ 707: their exponent added into their bits. */
XE_AVX2_INLINE v4d exp_normal_lanes(v4d xc) { return _mm256_cmp_pd(_mm256_andnot_pd(splat(-0.0), xc), splat(707.0), _CMP_LE_OQ); }

/* Whether every lane of e^x (x clamped) is normal. */
XE_AVX2_INLINE int exp_normal(v4d xc) { return _mm256_movemask_pd(exp_normal_lanes(xc)) == 15; }

/* e^x from its reduction where every lane's result is normal. */
XE_AVX2_INLINE v4d exp_finish(exp_reduced e, const exp_tables *t) {
    exp_parts p = exp_reduce_rest(e, t);
    return scale_normal(_mm256_fmadd_pd(p.t, p.s, p.t), p.j);
}

/* e^x, exp8 of exp_log_avx512.c: x clamped into [-746, 710] (NaN kept), the result's exponent
 * added into its bits while every lane's result is normal (|x| ≤ 707), else set by scale. */
XE_AVX2_INLINE v4d exp4(v4d x, const exp_tables *t) {
    v4d xc = exp_clamp(x);
    exp_parts p = exp_reduce(xc, t);
    v4d y = _mm256_fmadd_pd(p.t, p.s, p.t);
    if (__builtin_expect(exp_normal(xc), 1)) return scale_normal(y, p.j);
    return scale(y, _mm256_floor_pd(_mm256_mul_pd(p.k, splat(1.0 / 16))));
}

/* tanh x, tanh8 of exp_log_avx512.c (its comment gives the method): 2^(k/16)·t is normal for
 * the exponents it takes (|k/16| ≤ 58). */
XE_AVX2_INLINE v4d tanh4(v4d x, const exp_tables *t) {
    v4d sign = splat(-0.0), one = splat(1.0);
    v4d a = _mm256_andnot_pd(sign, x);
    v4d small = _mm256_cmp_pd(a, splat(TANH_BY_EXP_FROM), _CMP_LT_OQ);
    v4d w = _mm256_blendv_pd(_mm256_min_pd(splat(40.0), _mm256_add_pd(a, a)), _mm256_mul_pd(a, splat(-2.0)), small);
    exp_parts p = exp_reduce(w, t);
    v4d te = scale_normal(p.t, p.j);
    v4d big = _mm256_add_pd(_mm256_fmadd_pd(te, p.s, te), one);
    v4d high = _mm256_sub_pd(te, one);
    v4d low = _mm256_sub_pd(te, _mm256_add_pd(high, one));
    v4d m = _mm256_add_pd(high, _mm256_fmadd_pd(te, p.s, low));
    v4d numerator = _mm256_blendv_pd(splat(2.0), _mm256_sub_pd(_mm256_setzero_pd(), m), small);
    v4d q = _mm256_div_pd(numerator, _mm256_blendv_pd(big, _mm256_add_pd(m, splat(2.0)), small));
    v4d tau = _mm256_blendv_pd(_mm256_sub_pd(one, q), q, small);
    return _mm256_or_pd(_mm256_andnot_pd(sign, tau), _mm256_and_pd(sign, x));
}

/* exp4_summed's reduction; whether every lane's result is normal. */
XE_AVX2_INLINE exp_reduced exp_reduce_summed(v4d x, int nonpositive, int *normal) {
    /* No x is above 0 (e^-|z|, e^(z - max z)) when `nonpositive` says so: one clamp, one test. */
    v4d xc = nonpositive ? _mm256_max_pd(splat(-746.0), x) : _mm256_max_pd(splat(-746.0), _mm256_min_pd(splat(710.0), x));
    v4d kd = _mm256_sub_pd(_mm256_fmadd_pd(xc, splat(EXP_16_OVER_LN2 / 8), splat(ROUND_SHIFT)), splat(ROUND_SHIFT));
    v4d r = _mm256_fmadd_pd(kd, splat(8 * EXP_NLN2_LO), _mm256_fmadd_pd(kd, splat(8 * EXP_NLN2_HI), xc));
    v4d fine = nonpositive ? _mm256_cmp_pd(xc, splat(-707.0), _CMP_GE_OQ) : exp_normal_lanes(xc);
    *normal = _mm256_movemask_pd(fine) == 15;
    return (exp_reduced){kd, r};
}

/* exp4_summed from its reduction, for results that are normal (else `scale` sets the exponent). */
XE_AVX2_INLINE v4d exp_finish_summed(exp_reduced p, int normal) {
    v4d kd = p.k, r = p.r;
    /* k's bits, k + ROUND_SHIFT as made by the reduction (k is an integer far below 2^51). */
    v4i j = _mm256_castpd_si256(_mm256_add_pd(kd, splat(ROUND_SHIFT)));
    v4d r2 = _mm256_mul_pd(r, r), r4 = _mm256_mul_pd(r2, r2);
    v4d q01 = _mm256_fmadd_pd(r, splat(EXP_HALF_Q[1]), splat(EXP_HALF_Q[0]));
    v4d q23 = _mm256_fmadd_pd(r, splat(EXP_HALF_Q[3]), splat(EXP_HALF_Q[2]));
    v4d q45 = _mm256_fmadd_pd(r, splat(EXP_HALF_Q[5]), splat(EXP_HALF_Q[4]));
    v4d q67 = _mm256_fmadd_pd(r, splat(EXP_HALF_Q[7]), splat(EXP_HALF_Q[6]));
    v4d q03 = _mm256_fmadd_pd(r2, q23, q01);
    v4d q48 = _mm256_fmadd_pd(r4, splat(EXP_HALF_Q[8]), _mm256_fmadd_pd(r2, q67, q45));
    v4d q = _mm256_fmadd_pd(r4, q48, q03);
    v4d odd = _mm256_castsi256_pd(_mm256_slli_epi64(j, 63));
    v4d t = _mm256_blendv_pd(splat(EXP_HALF_POWER[0]), splat(EXP_HALF_POWER[1]), odd);
    v4d tail = _mm256_blendv_pd(splat(EXP_HALF_TAIL[0]), splat(EXP_HALF_TAIL[1]), odd);
    v4d y = _mm256_fmadd_pd(t, _mm256_fmadd_pd(r2, q, _mm256_add_pd(tail, r)), t);
    if (__builtin_expect(normal, 1)) {
        /* ⌊k/2⌋ is k's bits from 1 on, which j holds in its low bits. */
        v4i e = _mm256_and_si256(_mm256_slli_epi64(j, 51), _mm256_set1_epi64x((long long)0xfff0000000000000ULL));
        return _mm256_castsi256_pd(_mm256_add_epi64(_mm256_castpd_si256(y), e));
    }
    return scale(y, _mm256_floor_pd(_mm256_mul_pd(kd, splat(0.5))));
}

/* e^x for the terms of a sum (the bce_logits lanes, Σ e^(z - m) when the terms are not kept):
 * within 1 ulp, and a third cheaper than exp4, with no table: half steps instead of sixteenths,
 *   k = round(2x/ln2), r = x - k ln2/2 (|r| ≤ ln2/4; k ln2_hi/2 exact, ln2_hi/2 = 8·EXP_NLN2_HI),
 *   e^x = 2^⌊k/2⌋ · T · e^r, T = 1 or √2 = T(1 + tail) as k is even or odd, e^r = 1 + r + r²q(r):
 *   y = T + T(tail + r + r²q), x clamped into [-746, 710] first (NaN kept). 2^⌊k/2⌋ is added into
 * y's exponent while every lane's result is normal (|x| ≤ 707), else applied as two exact powers
 * of two, 2^⌊e/2⌋ (exact) and 2^(e - ⌊e/2⌋) (one rounding, into the subnormals, to 0 or inf).
 * r's rounding (|r| up to ln2/4 where exp4's is ln2/32) leaves about 5% of the results 1 ulp
 * from the correctly rounded one (exp4: under 1.5%): harmless in a sum, which rounds as much
 * itself, but not the exp a user sees. */
XE_AVX2_INLINE v4d exp4_summed(v4d x, int nonpositive) {
    int normal;
    exp_reduced p = exp_reduce_summed(x, nonpositive, &normal);
    return exp_finish_summed(p, normal);
}

/* The log of the terms of a sum: fdlibm's (e_log.c), in which nothing is looked up, within
 * 1 ulp (about 7% of its results are 1 ulp from the correctly rounded one; log4's 0.5%): its ln 2 in two parts (k·LN2_HI_FD
 * exact for every k) and its polynomial in z = s², Lg1..Lg7. */
static const double LN2_HI_FD = 6.93147180369123816490e-01, LN2_LO_FD = 1.90821492927058770002e-10;
static const double LG[7] = {
    6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01, 2.222219843214978396e-01,
    1.818357216161805012e-01, 1.531383769920937332e-01, 1.479819860511658591e-01,
};

/* log x for positive normal finite x, k_adjust added to the exponent (fdlibm's method):
 *   x = 2^k (1 + f), √2/2 ≤ 1 + f < √2 (k from x's bits moved by 1 - √2/2's),
 *   s = f/(2 + f), log(1 + f) = 2 atanh s = f - s(f - R), R = Σ Lg_j z^j (z = s², |s| < 0.1716),
 *   log x = k ln2_hi - ((f²/2 - (s(f²/2 + R) + k ln2_lo)) - f).
 * Error below 1 ulp. */
/* What log_core_summed's reduction leaves for its second pass: k, f and s. */
typedef struct { v4d k, f, s; } log_parts;

/* k and f with s = f/(2 + f), where the chain of log's reduction ends. */
XE_AVX2_INLINE log_parts log_parts_of(v4d k, v4d f) { return (log_parts){k, f, _mm256_div_pd(f, _mm256_add_pd(splat(2.0), f))}; }

XE_AVX2_INLINE log_parts log_reduce_summed(v4d x, v4d k_adjust) {
    v4i u = _mm256_add_epi64(_mm256_castpd_si256(x), _mm256_set1_epi64x(0x3ff0000000000000LL - 0x3fe6a09e00000000LL));
    /* k + 1023 is u's exponent field: its high 32 bits shifted by 20, as doubles. */
    v4i high = _mm256_permutevar8x32_epi32(_mm256_srli_epi32(u, 20), _mm256_setr_epi32(1, 3, 5, 7, 1, 3, 5, 7));
    v4d k = _mm256_add_pd(_mm256_sub_pd(_mm256_cvtepi32_pd(_mm256_castsi256_si128(high)), splat(1023.0)), k_adjust);
    v4i m = _mm256_add_epi64(_mm256_and_si256(u, _mm256_set1_epi64x(0x000fffffffffffffLL)),
                             _mm256_set1_epi64x(0x3fe6a09e00000000LL));
    return log_parts_of(k, _mm256_sub_pd(_mm256_castsi256_pd(m), splat(1.0)));
}

/* log x from its parts, `low` being k·ln2_lo plus any correction of x (log1p's). */
XE_AVX2_INLINE v4d log_finish_low(log_parts p, v4d low) {
    v4d k = p.k, f = p.f, s = p.s;
    v4d z = _mm256_mul_pd(s, s), w = _mm256_mul_pd(z, z);
    v4d t1 = _mm256_mul_pd(w, _mm256_fmadd_pd(w, _mm256_fmadd_pd(w, splat(LG[5]), splat(LG[3])), splat(LG[1])));
    v4d t2 = _mm256_mul_pd(z, _mm256_fmadd_pd(w, _mm256_fmadd_pd(w, _mm256_fmadd_pd(w, splat(LG[6]), splat(LG[4])), splat(LG[2])),
                                              splat(LG[0])));
    v4d r = _mm256_add_pd(t2, t1);
    v4d hfsq = _mm256_mul_pd(_mm256_mul_pd(splat(0.5), f), f);
    v4d inner = _mm256_fmadd_pd(s, _mm256_add_pd(hfsq, r), low);
    return _mm256_sub_pd(_mm256_mul_pd(k, splat(LN2_HI_FD)), _mm256_sub_pd(_mm256_sub_pd(hfsq, inner), f));
}

XE_AVX2_INLINE v4d log_finish_summed(log_parts p) { return log_finish_low(p, _mm256_mul_pd(p.k, splat(LN2_LO_FD))); }

XE_AVX2_INLINE v4d log_core_summed(v4d x, v4d k_adjust) { return log_finish_summed(log_reduce_summed(x, k_adjust)); }

/* Whether every lane of x is a positive normal finite number (log_core_summed's domain). */
XE_AVX2_INLINE int log_normal(v4d x) {
    v4d normal = _mm256_and_pd(_mm256_cmp_pd(x, splat(0x1p-1022), _CMP_GE_OQ), _mm256_cmp_pd(x, splat(INFINITY), _CMP_LT_OQ));
    return _mm256_movemask_pd(normal) == 15;
}

/* log x for every x, as log4: subnormals scaled by 2^52 first; log ±0 = -inf, log of a negative
 * number or -inf NaN (glibc's default NaN, negative), log inf = inf, log NaN = NaN. */
XE_AVX2_INLINE v4d log4_summed(v4d x) {
    v4d zero = _mm256_setzero_pd();
    if (__builtin_expect(log_normal(x), 1)) return log_core_summed(x, zero);
    v4d subnormal = _mm256_cmp_pd(x, splat(0x1p-1022), _CMP_LT_OQ);
    v4d scaled = _mm256_blendv_pd(x, _mm256_mul_pd(x, splat(0x1p52)), subnormal);
    /* Lanes that are no positive number read 1, so that nothing they compute is out of range. */
    v4d finite_positive = _mm256_and_pd(_mm256_cmp_pd(x, zero, _CMP_GT_OQ), _mm256_cmp_pd(x, splat(INFINITY), _CMP_LT_OQ));
    v4d y = log_core_summed(_mm256_blendv_pd(splat(1.0), scaled, finite_positive), _mm256_and_pd(subnormal, splat(-52.0)));
    v4d special = _mm256_blendv_pd(x, splat(-NAN), _mm256_cmp_pd(x, zero, _CMP_LT_OQ));
    special = _mm256_blendv_pd(special, splat(-INFINITY), _mm256_cmp_pd(x, zero, _CMP_EQ_OQ));
    return _mm256_blendv_pd(special, y, finite_positive);
}

/* log1p x for the terms of a sum, within 2 ulp: log(u)·x/(u - 1) with u = 1 + x rounded
 * (Kahan's trick, log1p_kahan's form), the quotient cancelling u's rounding error; x itself
 * where u rounds to 1 (±0 and tiny x kept), and at x = +inf. */
XE_AVX2_INLINE v4d log1p4_summed(v4d x) {
    v4d one = splat(1.0);
    v4d u = _mm256_add_pd(one, x);
    v4d d = _mm256_sub_pd(u, one);
    v4d r = _mm256_mul_pd(log4_summed(u), _mm256_div_pd(x, d));
    v4d keep = _mm256_or_pd(_mm256_cmp_pd(u, one, _CMP_EQ_OQ), _mm256_cmp_pd(x, splat(INFINITY), _CMP_EQ_OQ));
    return _mm256_blendv_pd(r, x, keep);
}

/* The mask of the first n < 4 lanes. */
XE_AVX2_INLINE v4i first_lanes(int64_t n) { return _mm256_cmpgt_epi64(splat64(n), _mm256_setr_epi64x(0, 1, 2, 3)); }

/* y = f(x) for the n doubles from x, 4 at a time, the last n mod 4 through masked loads (the
 * lanes past the end read `fill`, a value f takes its fast path for); f a function-like macro. */
#define SPAN4(x, y, n, fill, f)                                                                           \
    do {                                                                                                  \
        int64_t i_ = 0;                                                                                   \
        for (; i_ + 4 <= (n); i_ += 4) _mm256_storeu_pd((y) + i_, f(_mm256_loadu_pd((x) + i_)));         \
        if (i_ < (n)) {                                                                                   \
            v4i m_ = first_lanes((n) - i_);                                                               \
            v4d v_ = _mm256_blendv_pd(splat(fill), _mm256_maskload_pd((x) + i_, m_), _mm256_castsi256_pd(m_)); \
            _mm256_maskstore_pd((y) + i_, m_, f(v_));                                                     \
        }                                                                                                 \
    } while (0)

/* The span `name` of f over its tables t (of type `tables`, made by `load`). */
#define TABLE_SPAN(name, tables, load, fill, f)                                                          \
    XE_AVX2 void name(const double *x, double *y, int64_t n) {                                        \
        tables t = load();                                                                            \
        SPAN4(x, y, n, fill, f);                                                                      \
    }

#define LOG4(v) log4(v, _mm256_setzero_pd(), &t, 0)
#define LOG1P4(v) log1p4(v, &t)
#define EXP4(v) exp4(v, &t)
#define TANH4(v) tanh4(v, &t)
TABLE_SPAN(xe_log_avx2, log_tables, load_log_tables, 1.0, LOG4)
TABLE_SPAN(xe_log1p_avx2, log_tables, load_log_tables, 0.0, LOG1P4)
TABLE_SPAN(xe_tanh_avx2, exp_tables, load_exp_tables, 0.0, TANH4)
#undef LOG4
#undef LOG1P4
#undef EXP4
#undef TANH4

/* ---- Spans in two passes ----
 * A function whose result is one long chain of dependent operations (log4_summed: integer
 * steps, a division, a polynomial; some 60 cycles) runs at the pace of the chains the core
 * keeps in flight, not of its units: Zen 3 holds two or three of log4_summed's (17.4 cycles a
 * vector in the cache, a chain of 32 dependent FMAs 28 where 16 would do). Split in two passes
 * over a chunk in the cache, the first storing what the reduction leaves (its parts), the second
 * finishing from it, each chain is half as long, and the log takes 11.7 cycles a vector (AMD
 * EPYC, an in-process harness): the same operations on the same values, so the same bits. A vector the first pass cannot reduce
 * (a lane out of the fast path's range) is computed whole there, kept aside, and written
 * after the second pass; the last n mod 4 elements go through SPAN4. y may be x. */

/* y = whole(x) for the n doubles from x, in two passes: reduce(v, &parts) fills the parts (of
 * type `type`) and says whether the vector took the fast path, finish(parts) gives its result. */
#define STAGED_SPAN4(x, y, n, fill, type, reduce, finish, whole)                                        \
    do {                                                                                                \
        type parts_[STAGED_VECTORS];                                                                    \
        v4d whole_[STAGED_VECTORS];                                                                     \
        int64_t n4_ = (n) & ~(int64_t)3;                                                                \
        for (int64_t b_ = 0; b_ < n4_; b_ += 4 * STAGED_VECTORS) {                                      \
            int64_t count_ = (n4_ - b_) / 4 < STAGED_VECTORS ? (n4_ - b_) / 4 : STAGED_VECTORS;         \
            uint64_t slow_ = 0;                                                                         \
            for (int64_t v_ = 0; v_ < count_; v_++) {                                                   \
                v4d x_ = _mm256_loadu_pd((x) + b_ + 4 * v_);                                            \
                if (__builtin_expect(!reduce(x_, &parts_[v_]), 0)) {                                    \
                    whole_[v_] = whole(x_);                                                             \
                    slow_ |= 1ULL << v_;                                                                \
                }                                                                                       \
            }                                                                                           \
            for (int64_t v_ = 0; v_ < count_; v_++) _mm256_storeu_pd((y) + b_ + 4 * v_, finish(parts_[v_])); \
            for (; slow_; slow_ &= slow_ - 1) {                                                         \
                int v_ = __builtin_ctzll(slow_);                                                        \
                _mm256_storeu_pd((y) + b_ + 4 * v_, whole_[v_]);                                        \
            }                                                                                           \
        }                                                                                               \
        SPAN4((x) + n4_, (y) + n4_, (n) - n4_, fill, whole);                                            \
    } while (0)

XE_AVX2_INLINE int exp_stage_summed(v4d x, exp_reduced *p) {
    int normal;
    *p = exp_reduce_summed(x, 0, &normal);
    return normal;
}

XE_AVX2_INLINE v4d exp_finish_normal(exp_reduced p) { return exp_finish_summed(p, 1); }

XE_AVX2_INLINE int log_stage_summed(v4d x, log_parts *p) {
    *p = log_reduce_summed(x, _mm256_setzero_pd());
    return log_normal(x);
}

/* log1p4_summed's first pass: log's reduction of u = 1 + x, and Kahan's factor x/(u - 1); the
 * fast path where u is normal and not 1, and x is finite. */
typedef struct { log_parts log; v4d factor; } log1p_parts;

XE_AVX2_INLINE int log1p_stage_summed(v4d x, log1p_parts *p) {
    v4d one = splat(1.0);
    v4d u = _mm256_add_pd(one, x);
    p->log = log_reduce_summed(u, _mm256_setzero_pd());
    p->factor = _mm256_div_pd(x, _mm256_sub_pd(u, one));
    v4d keep = _mm256_or_pd(_mm256_cmp_pd(u, one, _CMP_EQ_OQ), _mm256_cmp_pd(x, splat(INFINITY), _CMP_EQ_OQ));
    return log_normal(u) && _mm256_movemask_pd(keep) == 0;
}

XE_AVX2_INLINE v4d log1p_finish_summed(log1p_parts p) { return _mm256_mul_pd(log_finish_summed(p.log), p.factor); }

XE_AVX2_INLINE int exp_stage(v4d x, exp_reduced *p) {
    v4d xc = exp_clamp(x);
    *p = exp_reduce_k(xc);
    return exp_normal(xc);
}

/* -|x|: the sign bit set (a NaN stays a NaN). */
XE_AVX2_INLINE v4d neg_abs4(v4d x) { return _mm256_or_pd(x, splat(-0.0)); }

XE_AVX2_INLINE int exp_stage_neg_abs(v4d x, exp_reduced *p) { return exp_stage(neg_abs4(x), p); }

#define EXP4(v) exp4(v, &t)
#define EXP4_NEG_ABS(v) exp4(neg_abs4(v), &t)
#define EXP_FINISH(p) exp_finish(p, &t)
XE_AVX2 void xe_exp_avx2(const double *x, double *y, int64_t n) {
    exp_tables t = load_exp_tables();
    STAGED_SPAN4(x, y, n, 0.0, exp_reduced, exp_stage, EXP_FINISH, EXP4);
}

/* e^-|x| (the stable sigmoid's and softplus's exponential), -|x| taken as x is read. */
XE_AVX2 void xe_exp_neg_abs_avx2(const double *x, double *y, int64_t n) {
    exp_tables t = load_exp_tables();
    STAGED_SPAN4(x, y, n, 0.0, exp_reduced, exp_stage_neg_abs, EXP_FINISH, EXP4_NEG_ABS);
}
#undef EXP4
#undef EXP4_NEG_ABS
#undef EXP_FINISH

/* The spans of the functions for the terms of a sum (exp_log.c's xe_*_span_summed). */
#define EXP4_SUMMED(v) exp4_summed(v, 0)
XE_AVX2 void xe_exp_summed_avx2(const double *x, double *y, int64_t n) {
    STAGED_SPAN4(x, y, n, 0.0, exp_reduced, exp_stage_summed, exp_finish_normal, EXP4_SUMMED);
}
#undef EXP4_SUMMED

XE_AVX2_INLINE int exp_stage_neg_abs_summed(v4d x, exp_reduced *p) {
    int normal;
    *p = exp_reduce_summed(neg_abs4(x), 1, &normal);
    return normal;
}

#define EXP4_NEG_ABS_SUMMED(v) exp4_summed(neg_abs4(v), 1)
XE_AVX2 void xe_exp_neg_abs_summed_avx2(const double *x, double *y, int64_t n) {
    STAGED_SPAN4(x, y, n, 0.0, exp_reduced, exp_stage_neg_abs_summed, exp_finish_normal, EXP4_NEG_ABS_SUMMED);
}
#undef EXP4_NEG_ABS_SUMMED

XE_AVX2 void xe_log_summed_avx2(const double *x, double *y, int64_t n) {
    STAGED_SPAN4(x, y, n, 1.0, log_parts, log_stage_summed, log_finish_summed, log4_summed);
}

XE_AVX2 void xe_log1p_summed_avx2(const double *x, double *y, int64_t n) {
    STAGED_SPAN4(x, y, n, 0.0, log1p_parts, log1p_stage_summed, log1p_finish_summed, log1p4_summed);
}

/* log1p x for x in [0, 1] or NaN (a softplus's log(1 + e^-|z|)) for the terms of a sum: fdlibm's
 * log1p (s_log1p.c) without the special cases such x never meets, within 1 ulp. u = 1 + x is in
 * [1, 2]: below √2 (k = 0) f = x itself, exact, nothing to correct; from √2 on, k = 1,
 * f = (u - 2)/2 (exact) and c/u corrects for u's rounding error c = x - (u - 1) (exact, x ≤ 1);
 * |c/u| ≤ 2^-54 against a result of at least log √2, so the line 1.189 - 0.34825·u (1/u within
 * 1.5% on [√2, 2]) serves for 1/u. 14 operations and one division before log's polynomial,
 * where log1p4_summed takes 35 and two. The parts: log's, with k·ln2_lo + c/u for its low part. */
typedef struct { log_parts log; v4d low; } log1p_unit_parts;

XE_AVX2_INLINE int log1p_unit_stage(v4d x, log1p_unit_parts *p) {
    v4d one = splat(1.0);
    v4d u = _mm256_add_pd(one, x);
    v4d big = _mm256_cmp_pd(u, splat(0x1.6a09ep+0), _CMP_GE_OQ);
    v4d f = _mm256_blendv_pd(x, _mm256_mul_pd(_mm256_sub_pd(u, splat(2.0)), splat(0.5)), big);
    v4d k = _mm256_and_pd(big, one);
    v4d inverse = _mm256_fnmadd_pd(u, splat(0.34825), splat(1.189));
    v4d c = _mm256_and_pd(big, _mm256_mul_pd(_mm256_sub_pd(x, _mm256_sub_pd(u, one)), inverse));
    *p = (log1p_unit_parts){log_parts_of(k, f), _mm256_fmadd_pd(k, splat(LN2_LO_FD), c)};
    return 1;
}

XE_AVX2_INLINE v4d log1p_unit_finish(log1p_unit_parts p) { return log_finish_low(p.log, p.low); }

XE_AVX2_INLINE v4d log1p_unit4(v4d x) {
    log1p_unit_parts p;
    log1p_unit_stage(x, &p);
    return log1p_unit_finish(p);
}

XE_AVX2 void xe_log1p_unit_summed_avx2(const double *x, double *y, int64_t n) {
    STAGED_SPAN4(x, y, n, 0.0, log1p_unit_parts, log1p_unit_stage, log1p_unit_finish, log1p_unit4);
}

/* The first pass of a summed shifted sum (STAGED_SPAN4's): the count vectors of z - m from z
 * reduced into parts[at], parts[at + 1], ...; returns the bits (at + v) of those whose results
 * are not all normal. */
XE_AVX2_INLINE uint64_t shifted_reduce(const double *z, double m, int64_t count, exp_reduced *parts, int64_t at) {
    v4d shift = splat(m);
    uint64_t slow = 0;
    for (int64_t v = 0; v < count; v++) {
        int normal;
        parts[at + v] = exp_reduce_summed(_mm256_sub_pd(_mm256_loadu_pd(z + 4 * v), shift), 1, &normal);
        if (__builtin_expect(!normal, 0)) slow |= 1ULL << (at + v);
    }
    return slow;
}

/* Its second pass: sums plus the exponentials of parts[from..to), added in order (a caller that
 * knows `slow` is 0 passes the constant: the test per vector then goes). */
XE_AVX2_INLINE v4d shifted_add(const exp_reduced *parts, int64_t from, int64_t to, uint64_t slow, v4d sums) {
    for (int64_t v = from; v < to; v++) sums = _mm256_add_pd(sums, exp_finish_summed(parts[v], !(slow >> v & 1)));
    return sums;
}

/* The four running sums' total with the last k < 4 terms added one by one into the first:
 * (s0 + last...) + s1 + (s2 + s3), sum_block's order. */
XE_AVX2_INLINE double shifted_total(v4d sums, const double *last, int64_t k) {
    double s[4];
    _mm256_storeu_pd(s, sums);
    for (int64_t j = 0; j < k; j++) s[0] += last[j];
    return (s[0] + s[1]) + (s[2] + s[3]);
}

/* Σ_i e^(z_i - m), each e^(z_i - m) (exp4's) written into e when it is not NULL, made by
 * exp4_summed in two passes when `summed` and not kept; summed in sum_block's order (four
 * running sums, element i into sum i mod 4, the last n mod 4 into the first). */
XE_AVX2 double xe_exp_shifted_sum_avx2(const double *z, double m, double *e, int64_t n, int summed) {
    exp_tables t = load_exp_tables();
    v4d shift = splat(m);
    v4d sums = _mm256_setzero_pd();
    int64_t i = 0;
    if (e || !summed) {
        for (; i + 4 <= n; i += 4) {
            v4d v = exp4(_mm256_sub_pd(_mm256_loadu_pd(z + i), shift), &t);
            if (e) _mm256_storeu_pd(e + i, v);
            sums = _mm256_add_pd(sums, v);
        }
    } else {
        exp_reduced parts[STAGED_VECTORS];
        while (i + 4 <= n) {
            int64_t count = (n - i) / 4 < STAGED_VECTORS ? (n - i) / 4 : STAGED_VECTORS;
            sums = shifted_add(parts, 0, count, shifted_reduce(z + i, m, count, parts, 0), sums);
            i += 4 * count;
        }
    }
    double last[4] = {0, 0, 0, 0};
    if (i < n) {
        v4i k = first_lanes(n - i);
        v4d v = exp4(_mm256_sub_pd(_mm256_maskload_pd(z + i, k), shift), &t);
        if (e) _mm256_maskstore_pd(e + i, k, v);
        _mm256_storeu_pd(last, v);
    }
    return shifted_total(sums, last, n - i);
}

/* s_k = Σ_c e^(z_kc - m_k) for the n rows of C classes from z, C a multiple of 4 and at most
 * 4·STAGED_VECTORS (cce_logits' rows, summed): xe_exp_shifted_sum_avx2's summed sums, the same
 * bits, with the two passes run over as many whole rows at once as a chunk holds (a row of 100
 * classes is 25 vectors, too short a chunk alone). */
XE_AVX2 void xe_exp_shifted_sums_avx2(const double *z, int64_t C, int64_t n, const double *m, double *s) {
    exp_reduced parts[STAGED_VECTORS];
    int64_t vectors = C / 4, per = STAGED_VECTORS / vectors;
    for (int64_t r0 = 0; r0 < n; r0 += per) {
        int64_t rows = n - r0 < per ? n - r0 : per;
        uint64_t slow = 0;
        for (int64_t r = 0; r < rows; r++) slow |= shifted_reduce(z + (r0 + r) * C, m[r0 + r], vectors, parts, r * vectors);
        v4d zero = _mm256_setzero_pd();
        if (__builtin_expect(slow == 0, 1)) {
            for (int64_t r = 0; r < rows; r++) s[r0 + r] = shifted_total(shifted_add(parts, r * vectors, (r + 1) * vectors, 0, zero), NULL, 0);
        } else {
            for (int64_t r = 0; r < rows; r++) s[r0 + r] = shifted_total(shifted_add(parts, r * vectors, (r + 1) * vectors, slow, zero), NULL, 0);
        }
    }
}

/* One step of xe_bce_logits_lanes_avx2 (kernels_internal.h): 4 elements, `live` the lanes
 * that are elements (masked loads and stores only at the end of the block), their lane sums
 * and products at rest and a. */
XE_AVX2_INLINE void bce_logits_step(v4d zv, v4d yv, v4d live, double *grad, v4i store_mask, int whole, double scale, int value,
                                    double *rest, double *a, v4d *outside, const exp_tables *t) {
    v4d zero = _mm256_setzero_pd(), one = splat(1.0), sign = splat(-0.0);
    /* exp4 where e makes a gradient a user sees, exp4_summed where it is only summed. */
    v4d minus_abs = _mm256_or_pd(zv, sign);
    v4d e = _mm256_and_pd(grad ? exp4(minus_abs, t) : exp4_summed(minus_abs, 1), live);
    /* y - y² = y(1 - y) ≥ 0 exactly for y in [0, 1] (one rounding: -0 or a negative number just
     * outside, -inf or NaN far outside). */
    *outside = _mm256_or_pd(*outside, _mm256_cmp_pd(_mm256_fnmadd_pd(yv, yv, yv), zero, _CMP_NGE_UQ));
    if (grad) {
        v4d numerator = _mm256_blendv_pd(e, one, _mm256_cmp_pd(zv, zero, _CMP_GE_OQ));
        v4d g = _mm256_mul_pd(_mm256_sub_pd(_mm256_div_pd(numerator, _mm256_add_pd(one, e)), yv), splat(scale));
        if (whole) _mm256_storeu_pd(grad, g);
        else _mm256_maskstore_pd(grad, store_mask, g);
    }
    if (value) {
        v4d term = _mm256_fnmadd_pd(zv, yv, _mm256_max_pd(zv, zero));
        _mm256_storeu_pd(rest, _mm256_add_pd(_mm256_loadu_pd(rest), term));
        v4d av = _mm256_loadu_pd(a);
        _mm256_storeu_pd(a, _mm256_fmadd_pd(av, e, _mm256_add_pd(av, e)));
    }
}

/* xe_bce_logits_lanes_avx2's pass: SOFTPLUS_LANES elements (8 steps) at a time, then the rest. */
XE_AVX2 static int bce_logits_lanes_avx2(const double *y, const double *z, int64_t n, double *grad, double scale, int value,
                                         double *rest, double *a) {
    exp_tables t = load_exp_tables();
    v4d outside = _mm256_setzero_pd();
    v4d all = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
    int64_t i = 0;
    for (; i + SOFTPLUS_LANES <= n; i += SOFTPLUS_LANES) {
        for (int k = 0; k < SOFTPLUS_LANES; k += 4) {
            bce_logits_step(_mm256_loadu_pd(z + i + k), _mm256_loadu_pd(y + i + k), all, grad ? grad + i + k : NULL,
                            _mm256_setzero_si256(), 1, scale, value, rest + k, a + k, &outside, &t);
        }
    }
    for (int k = 0; i + k < n; k += 4) {
        v4i m = first_lanes(n - i - k < 4 ? n - i - k : 4);
        bce_logits_step(_mm256_maskload_pd(z + i + k, m), _mm256_maskload_pd(y + i + k, m), _mm256_castsi256_pd(m),
                        grad ? grad + i + k : NULL, m, 0, scale, value, rest + k, a + k, &outside, &t);
    }
    return _mm256_movemask_pd(outside) ? SOFTPLUS_OUTSIDE : 0;
}
#endif

int xe_bce_logits_lanes_avx2(const double *y, const double *z, int64_t n, double *grad, double scale, int value,
                             double rest[SOFTPLUS_LANES], double a[SOFTPLUS_LANES]) {
#if defined(__x86_64__)
    if (xe_simd_level() >= 1) return bce_logits_lanes_avx2(y, z, n, grad, scale, value, rest, a);
#endif
    (void)y, (void)z, (void)n, (void)grad, (void)scale, (void)value, (void)rest, (void)a;
    return -1;
}
