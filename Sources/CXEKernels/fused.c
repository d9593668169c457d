/* Fused elementwise evaluation: a program of elementwise instructions run block by block.
 *
 * numexpr's design, in C: the program is evaluated over blocks of elements whose registers fit
 * in the cache. Each instruction is one tight loop over the block (vectorised; log and exp
 * through exp_log.c, pow through libmvec), its result kept in a small register block, so an expression of k operations
 * reads its inputs once and writes only its result, never a full-size temporary per operation.
 * The blocks are split over the cores; a reduction adds block sums as the loss kernels do. */
#include "kernels_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A block is the most elements, a power of two from FUSED_MIN_BLOCK to FUSED_MAX_BLOCK, whose
 * registers (and gathered inputs) fit in FUSED_REGISTER_BYTES, half a core's L1 cache: long
 * blocks for a short program, which is bound by memory and streams better in longer runs (mean
 * of a squared difference: 7.0 ms at 512 against 8.8 at 128, AMD EPYC), short ones for a long
 * program, whose registers must stay in the cache. */
enum { FUSED_MIN_BLOCK = 128, FUSED_MAX_BLOCK = 1024, FUSED_REGISTER_BYTES = 16384 };

/* How far ahead of the block being computed the inputs read in place are asked into the cache,
 * in elements (4 KB), by a program of PREFETCH_FROM instructions or more: the hardware's
 * prefetcher alone leaves a long program (the focal loss, two logs a block) waiting on memory
 * at the start of each block (its value 51 ms on one thread against 58 without, AMD EPYC; 44
 * when the inputs are already in the cache), while a short one that streams (mse's two) is
 * faster without: the prefetcher keeps up, and the extra requests only queue (4.3 ms at best
 * against 5.6). */
enum { PREFETCH_AHEAD = 512, PREFETCH_FROM = 4 };

/* Whether an input is read where it is (a full array in the result's layout), not gathered. */
static inline int reads_in_place(const xe_fused_input *in, int64_t count) {
    return in->inner == 1 && in->length == count;
}

static int64_t block_length(const xe_fused_program *p) {
    int64_t block = FUSED_MAX_BLOCK, arrays = p->register_count;
    for (int32_t k = 0; k < p->input_count; k++) arrays += !reads_in_place(&p->inputs[k], p->count);
    while (block > FUSED_MIN_BLOCK && block * arrays * (int64_t)sizeof(double) > FUSED_REGISTER_BYTES) block /= 2;
    return block;
}

/* A piece's sums along the axis, from the piece that starts at lo. */
typedef struct { int64_t lo; double *sums; } piece_sums;

/* A pass over a block: one instruction, or two run as one loop (`then` ≥ 0, plan_passes()). */
typedef struct {
    const xe_fused_instruction *first;
    int32_t first_op;    /* the first's op as a pair runs it (pair_op()), when `then` ≥ 0 */
    int32_t then;        /* the second instruction's op as a pair runs it, or -1 */
    int32_t then_other;  /* its operand that is not the first's value (XE_NO_OPERAND if unary) */
    int then_first;      /* whether the first's value is its operand a (else b) */
    int32_t destination; /* where the pass writes */
} fused_pass;

typedef struct {
    const xe_fused_program *p;
    const fused_pass *passes;
    int32_t pass_count, fold;   /* plan_passes()'s */
    int failed;
    int piece_count;                /* pieces that have put their sums in `pieces` (atomic) */
    piece_sums pieces[MAX_PIECES];  /* added into reduce_out in the order of lo at the end */
} fused_ctx;

/* The operand's values for the block [b, b + m): a register, an output written in place, a
 * full input read in place, or a scalar or broadcast input gathered into its scratch block. */
static inline double *operand(int32_t id, double *regs, int64_t block, const double **inputs, double *const *outputs, int64_t b) {
    if (id >= XE_OUTPUT_OPERAND) return outputs[id - XE_OUTPUT_OPERAND] + b;
    return id >= 0 ? regs + (int64_t)id * block : (double *)inputs[-1 - id];
}

/* f'(x) given x and y = f(x), as UnaryFunction.derivative. */
XE_CLONES static void derivative(xe_function f, const double *x, const double *y, double *d, int64_t m) {
    switch (f) {
    case XE_FN_LOG: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = 1 / x[i]; break;
    case XE_FN_EXP: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = y[i]; break;
    case XE_FN_SQRT: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = 0.5 / y[i]; break;
    case XE_FN_ABS: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = x[i] > 0 ? 1 : (x[i] < 0 ? -1 : 0); break;
    case XE_FN_SIGMOID: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = y[i] * (1 - y[i]); break;
    case XE_FN_LOG1P: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = 1 / (1 + x[i]); break;
    case XE_FN_TANH: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = (1 + y[i]) * (1 - y[i]); break;
    case XE_FN_RELU: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = x[i] > 0 ? 1 : 0; break;
    }
}

/* The arithmetic that pairs of instructions share with single ones (one definition each);
 * the second operand is ignored by the unary ones. */
#define OP_ADD(x, y) ((x) + (y))
#define OP_SUB(x, y) ((x) - (y))
#define OP_MUL(x, y) ((x) * (y))
#define OP_DIV(x, y) ((x) / (y))
#define OP_SQUARE(x, y) ((x) * (x))
#define OP_ONE_MINUS(x, y) (1 - (x))
#define OP_NEG(x, y) (-(x))
/* These two on vectors only, in pairs; alone, relu is xe_unary_span's (RELU4 too) and the
 * weighting runs as a pair with THEN_KEEP. */
#define OP_RELU(x, y) RELU4(x)
#define OP_WEIGHT(x, y) WEIGHT4(x, y)
/* The second "instruction" of a single instruction whose values are only summed (THEN_KEEP). */
#define OP_KEEP(x, y) (x)
/* A pair's op codes beside xe_fused_op's: relu (XE_OP_FUNCTION of XE_FN_RELU), and THEN_KEEP. */
enum { PAIR_RELU = 1 << 15, THEN_KEEP = 1 << 16 };

XE_CLONES static void pair(int32_t op, int32_t then, int first, double *d, const double *a, const double *b, const double *c,
                           int64_t m, double *sum);

/* One instruction over a block of m elements. */
XE_CLONES static void execute(const xe_fused_instruction *in, double *d, const double *a, const double *b, const double *c,
                              int64_t m, int summed) {
    switch ((xe_fused_op)in->op) {
    case XE_OP_ADD: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = OP_ADD(a[i], b[i]); break;
    case XE_OP_SUB: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = OP_SUB(a[i], b[i]); break;
    case XE_OP_MUL: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = OP_MUL(a[i], b[i]); break;
    case XE_OP_DIV: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = OP_DIV(a[i], b[i]); break;
    case XE_OP_POW: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = pow(a[i], b[i]); break;
    case XE_OP_SQUARE: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = OP_SQUARE(a[i], a[i]); break;
    case XE_OP_NEG: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = OP_NEG(a[i], a[i]); break;
    case XE_OP_ONE_MINUS: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = OP_ONE_MINUS(a[i], a[i]); break;
    case XE_OP_NOT: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = a[i] == 0 ? 1 : 0; break;
    case XE_OP_EQ: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = a[i] == b[i] ? 1 : 0; break;
    case XE_OP_NE: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = a[i] != b[i] ? 1 : 0; break;
    case XE_OP_LT: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = a[i] < b[i] ? 1 : 0; break;
    case XE_OP_LE: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = a[i] <= b[i] ? 1 : 0; break;
    case XE_OP_GT: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = a[i] > b[i] ? 1 : 0; break;
    case XE_OP_GE: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = a[i] >= b[i] ? 1 : 0; break;
    case XE_OP_MAX:
        XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = (a[i] != a[i] || b[i] != b[i]) ? NAN : (a[i] < b[i] ? b[i] : a[i]);
        break;
    case XE_OP_MIN:
        XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = (a[i] != a[i] || b[i] != b[i]) ? NAN : (b[i] < a[i] ? b[i] : a[i]);
        break;
    case XE_OP_CLIP:
        XE_IN_PLACE for (int64_t i = 0; i < m; i++) {
            double v = a[i] != a[i] ? a[i] : (a[i] < b[i] ? b[i] : a[i]);
            d[i] = v != v ? v : (c[i] < v ? c[i] : v);
        }
        break;
    case XE_OP_FUNCTION: xe_unary_span((xe_function)in->function, a, d, 0, m, summed); break;
    case XE_OP_DERIVATIVE: derivative((xe_function)in->function, a, b, d, m); break;
    case XE_OP_POW_DBASE:
        XE_IN_PLACE for (int64_t i = 0; i < m; i++) {
            double e = b[i];
            d[i] = e == 0 ? 0 : (e == 2 ? 2 * a[i] : (e == 1 ? 1 : e * pow(a[i], e - 1)));
        }
        break;
    case XE_OP_POW_DEXPONENT:
        XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = a[i] == 0 ? 0 : pow(a[i], b[i]) * log(a[i]);
        break;
    case XE_OP_DIV_DDENOMINATOR: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = -a[i] / (b[i] * b[i]); break;
    case XE_OP_SHARE_MAX: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = a[i] == b[i] ? 0.5 : (a[i] > b[i] ? 1 : 0); break;
    case XE_OP_SHARE_MIN: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = a[i] == b[i] ? 0.5 : (a[i] < b[i] ? 1 : 0); break;
    case XE_OP_EXP_NEG_ABS:
        exp_neg_abs_span(a, d, m, summed);
        break;
    case XE_OP_SIGMOID_GIVEN: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = sigmoid_from(a[i], b[i]); break;
    case XE_OP_WEIGHT: pair(XE_OP_WEIGHT, THEN_KEEP, 1, d, a, b, a, m, NULL); break;
    case XE_OP_LOG1P_UNIT: (summed ? xe_log1p_unit_summed : xe_log1p_span)(a, d, m); break;
    }
}

/* ---- Pairs of instructions as one loop ----
 * An instruction of arithmetic, negation, relu or weighting whose value only the next such one
 * reads ((1 - p)² then y·(1 - p)²; the chain rule's products and sums; a softplus's relu(-z)
 * then + log1p) is computed inside the next one's loop: its value stays in a
 * CPU register instead of going through a block register and back, one pass over the block
 * instead of two. The same operations in the same order, so the same bits: no multiply and add
 * contracted into one FMA across the two (contraction is off in pair()). */

/* The op a pair runs for instruction `in` (its op, or PAIR_RELU), or -1 if no pair can run it. */
static int32_t pair_op(const xe_fused_instruction *in) {
    switch ((xe_fused_op)in->op) {
    case XE_OP_ADD: case XE_OP_SUB: case XE_OP_MUL: case XE_OP_DIV: case XE_OP_SQUARE: case XE_OP_ONE_MINUS: case XE_OP_NEG:
    case XE_OP_WEIGHT:
        return in->op;
    case XE_OP_FUNCTION: return in->function == XE_FN_RELU ? PAIR_RELU : -1;
    default: return -1;
    }
}

static int unary(int32_t op) { return op == XE_OP_SQUARE || op == XE_OP_ONE_MINUS || op == XE_OP_NEG || op == PAIR_RELU; }

/* d = G(F(a, b), c) (first) or G(c, F(a, b)) over m elements, four at a time as one vector (the
 * last m mod 4 as one vector of them too, the lanes past m read as 0 and dropped); with `sum`,
 * nothing is stored and *sum is their sum in sum_block's order (element i into lane i mod 4,
 * the last m mod 4 into lane 0). */
#define PAIR_LOOP(F, G)                                                                          \
    do {                                                                                         \
        xe_double4 s4 = {0, 0, 0, 0};                                                            \
        int64_t i = 0;                                                                           \
        for (; i + 4 <= m; i += 4) {                                                             \
            xe_double4 x4, y4, z4, v4;                                                           \
            memcpy(&x4, a + i, sizeof x4);                                                       \
            memcpy(&y4, b + i, sizeof y4);                                                       \
            memcpy(&z4, c + i, sizeof z4);                                                       \
            if (first) v4 = G(F(x4, y4), z4);                                                    \
            else v4 = G(z4, F(x4, y4));                                                          \
            if (sum) s4 += v4;                                                                   \
            else memcpy(d + i, &v4, sizeof v4);                                                  \
        }                                                                                        \
        double s0 = s4[0];                                                                       \
        if (i < m) {                                                                             \
            xe_double4 x4 = {0, 0, 0, 0}, y4 = x4, z4 = x4, v4;                                  \
            memcpy(&x4, a + i, sizeof(double) * (size_t)(m - i));                                \
            memcpy(&y4, b + i, sizeof(double) * (size_t)(m - i));                                \
            memcpy(&z4, c + i, sizeof(double) * (size_t)(m - i));                                \
            if (first) v4 = G(F(x4, y4), z4);                                                    \
            else v4 = G(z4, F(x4, y4));                                                          \
            for (int64_t j = 0; j < m - i; j++) {                                                \
                if (sum) s0 += v4[j];                                                            \
                else d[i + j] = v4[j];                                                           \
            }                                                                                    \
        }                                                                                        \
        if (sum) *sum = (s0 + s4[1]) + (s4[2] + s4[3]);                                          \
    } while (0)

#define PAIR_THEN(F)                                                                             \
    switch (then) {                                                                              \
    case XE_OP_ADD: PAIR_LOOP(F, OP_ADD); break;                                                 \
    case XE_OP_SUB: PAIR_LOOP(F, OP_SUB); break;                                                 \
    case XE_OP_MUL: PAIR_LOOP(F, OP_MUL); break;                                                 \
    case XE_OP_DIV: PAIR_LOOP(F, OP_DIV); break;                                                 \
    case XE_OP_SQUARE: PAIR_LOOP(F, OP_SQUARE); break;                                           \
    case XE_OP_ONE_MINUS: PAIR_LOOP(F, OP_ONE_MINUS); break;                                     \
    case XE_OP_NEG: PAIR_LOOP(F, OP_NEG); break;                                                 \
    case XE_OP_WEIGHT: PAIR_LOOP(F, OP_WEIGHT); break;                                           \
    case PAIR_RELU: PAIR_LOOP(F, OP_RELU); break;                                                \
    case THEN_KEEP: PAIR_LOOP(F, OP_KEEP); break;                                                \
    default: break;                                                                              \
    }

/* A pair over a block of m elements: op(a, b) then `then` with c (b and c may be any block
 * when their op is unary), into d, or, when sum is not NULL, only summed into *sum. */
XE_CLONES static void pair(int32_t op, int32_t then, int first, double *d, const double *a, const double *b, const double *c,
                           int64_t m, double *sum) {
#pragma clang fp contract(off)
    switch (op) {
    case XE_OP_ADD: PAIR_THEN(OP_ADD); break;
    case XE_OP_SUB: PAIR_THEN(OP_SUB); break;
    case XE_OP_MUL: PAIR_THEN(OP_MUL); break;
    case XE_OP_DIV: PAIR_THEN(OP_DIV); break;
    case XE_OP_SQUARE: PAIR_THEN(OP_SQUARE); break;
    case XE_OP_ONE_MINUS: PAIR_THEN(OP_ONE_MINUS); break;
    case XE_OP_NEG: PAIR_THEN(OP_NEG); break;
    case XE_OP_WEIGHT: PAIR_THEN(OP_WEIGHT); break;
    case PAIR_RELU: PAIR_THEN(OP_RELU); break;
    default: break;
    }
}

/* Whether register r is copied into an output after the instructions (an output's operand). */
static int is_output(const xe_fused_program *p, int32_t r) {
    for (int32_t k = 0; k < p->output_count; k++) {
        if (p->output_operands[k] == r) return 1;
    }
    return 0;
}

/* Whether register r's value written by instruction s is read by no instruction after s + 1
 * (it is written over first, or never read again, and is neither an output nor the sum). */
static int dead_after_next(const xe_fused_program *p, int32_t s, int32_t r) {
    if (p->code[s + 1].destination == r) return 1;
    for (int32_t t = s + 2; t < p->instruction_count; t++) {
        const xe_fused_instruction *in = &p->code[t];
        if (in->a == r || in->b == r || in->c == r) return 0;
        if (in->destination == r) return 1;
    }
    return p->reduce != r && !is_output(p, r);
}

/* The program's passes: instruction s and s + 1 as one pair where a pair can run both (pair_op:
 * arithmetic, negation, relu, weighting) and s writes a block register that s + 1 reads once
 * and nothing reads after; into passes (instruction_count of them at most); returns how many.
 * *fold is the pass whose values are only summed over every element (the last, into the
 * register summed, which no output is), when it is a pair or one instruction a pair can run
 * (then as a pair with THEN_KEEP): it sums its values instead of writing them; else -1. */
static int32_t plan_passes(const xe_fused_program *p, fused_pass *passes, int32_t *fold) {
    int32_t count = 0;
    for (int32_t s = 0; s < p->instruction_count; s++) {
        const xe_fused_instruction *in = &p->code[s];
        fused_pass pass = {in, -1, -1, XE_NO_OPERAND, 1, in->destination};
        int32_t op = pair_op(in);
        if (s + 1 < p->instruction_count && op >= 0 && pair_op(&p->code[s + 1]) >= 0 && in->destination >= 0 &&
            in->destination < XE_OUTPUT_OPERAND) {
            const xe_fused_instruction *next = &p->code[s + 1];
            int32_t r = in->destination, then = pair_op(next);
            int reads_a = next->a == r, reads_b = !unary(then) && next->b == r;
            if (reads_a != reads_b && dead_after_next(p, s, r)) {
                pass = (fused_pass){in, op, then, unary(then) ? XE_NO_OPERAND : (reads_a ? next->b : next->a), reads_a, next->destination};
                s++;
            }
        }
        passes[count++] = pass;
    }
    *fold = -1;
    if (count == 0 || p->reduce == XE_NO_OPERAND || p->reduce_out || p->reduce < 0 || p->reduce >= XE_OUTPUT_OPERAND) return count;
    fused_pass *last = &passes[count - 1];
    if (last->destination != p->reduce || (last->then < 0 && pair_op(last->first) < 0) || is_output(p, p->reduce)) return count;
    if (last->then < 0) *last = (fused_pass){last->first, pair_op(last->first), THEN_KEEP, XE_NO_OPERAND, 1, last->destination};
    *fold = count - 1;
    return count;
}

/* Input k's values for [b, b + m): element i of the result reads element (i / inner) % len. */
static void gather(const xe_fused_input *in, int64_t b, int64_t m, double *out) {
    int64_t inner = in->inner, len = in->length;
    int64_t r = b % inner, j = (b / inner) % len;
    for (int64_t i = 0; i < m; i++) {
        out[i] = in->data[j];
        if (++r == inner) {
            r = 0;
            if (++j == len) j = 0;
        }
    }
}

XE_CLONES static void fused_range(void *arg, int64_t lo, int64_t hi, kahan *sum) {
    fused_ctx *ctx = arg;
    const xe_fused_program *p = ctx->p;
    int32_t ni = p->input_count;
    int64_t block = block_length(p);
    double *scratch = malloc(sizeof(double) * (size_t)block * (size_t)(p->register_count + ni) + sizeof(double *) * (size_t)ni);
    if (!scratch) {
        __atomic_store_n(&ctx->failed, 1, __ATOMIC_RELAXED);
        return;
    }
    /* A reduction along an axis: this thread's sums, added into reduce_out at the end. */
    double *partial = NULL;
    if (p->reduce != XE_NO_OPERAND && p->reduce_out) {
        partial = calloc((size_t)p->reduce_length, sizeof(double));
        if (!partial) {
            free(scratch);
            __atomic_store_n(&ctx->failed, 1, __ATOMIC_RELAXED);
            return;
        }
    }
    double *regs = scratch;
    /* A program that writes no array only sums its values: xe_exp_span_summed's functions. */
    int summed = p->output_count == 0;
    double *gathered = regs + (int64_t)p->register_count * block;
    const double **inputs = (const double **)(gathered + (int64_t)ni * block);
    for (int32_t k = 0; k < ni; k++) {
        const xe_fused_input *in = &p->inputs[k];
        if (in->length == 1) {
            for (int64_t i = 0; i < block; i++) gathered[k * block + i] = in->data[0];
        }
    }
    int32_t fold = ctx->fold;
    for (int64_t b = lo; b < hi; b += block) {
        int64_t m = hi - b < block ? hi - b : block;
        for (int32_t k = 0; k < ni; k++) {
            const xe_fused_input *in = &p->inputs[k];
            double *mine = gathered + (int64_t)k * block;
            if (in->length == 1) {
                inputs[k] = mine;
            } else if (reads_in_place(in, p->count)) {
                inputs[k] = in->data + b;
            } else {
                gather(in, b, m, mine);
                inputs[k] = mine;
            }
        }
        if (p->instruction_count >= PREFETCH_FROM && b + PREFETCH_AHEAD + block <= hi) {
            for (int32_t k = 0; k < ni; k++) {
                if (!reads_in_place(&p->inputs[k], p->count)) continue;
                const char *ahead = (const char *)(p->inputs[k].data + b + PREFETCH_AHEAD);
                for (int64_t o = 0; o < block * (int64_t)sizeof(double); o += 64) __builtin_prefetch(ahead + o, 0, 3);
            }
        }
        for (int32_t k = 0; k < p->check_count; k++) {
            const xe_fused_check *check = &p->checks[k];
            if (block_outside(inputs[check->input], m, check->lo, check->hi)) __atomic_store_n(p->outside, 1, __ATOMIC_RELAXED);
        }
        for (int32_t s = 0; s < ctx->pass_count; s++) {
            const fused_pass *pass = &ctx->passes[s];
            const xe_fused_instruction *in = pass->first;
            const double *a = in->a == XE_NO_OPERAND ? NULL : operand(in->a, regs, block, inputs, p->outputs, b);
            const double *x = in->b == XE_NO_OPERAND ? NULL : operand(in->b, regs, block, inputs, p->outputs, b);
            double *d = operand(pass->destination, regs, block, inputs, p->outputs, b);
            if (pass->then >= 0) {
                const double *other = pass->then_other == XE_NO_OPERAND ? a : operand(pass->then_other, regs, block, inputs, p->outputs, b);
                double folded;
                pair(pass->first_op, pass->then, pass->then_first, d, a, x ? x : a, other, m, s == fold ? &folded : NULL);
                if (s == fold) kahan_add(sum, folded);
                continue;
            }
            const double *c = in->c == XE_NO_OPERAND ? NULL : operand(in->c, regs, block, inputs, p->outputs, b);
            execute(in, d, a, x, c, m, summed);
        }
        /* Outputs not written by their instruction (an input, another output's value). */
        for (int32_t k = 0; k < p->output_count; k++) {
            if (p->output_operands[k] == XE_OUTPUT_OPERAND + k) continue;
            const double *v = operand(p->output_operands[k], regs, block, inputs, p->outputs, b);
            memcpy(p->outputs[k] + b, v, sizeof(double) * (size_t)m);
        }
        if (partial) {
            const double *v = operand(p->reduce, regs, block, inputs, p->outputs, b);
            int64_t inner = p->reduce_inner, len = p->reduce_length;
            int64_t r = b % inner, j = (b / inner) % len;
            for (int64_t i = 0; i < m; i++) {
                partial[j] += v[i];
                if (++r == inner) {
                    r = 0;
                    if (++j == len) j = 0;
                }
            }
        } else if (p->reduce != XE_NO_OPERAND && fold < 0) {
            kahan_add(sum, sum_block(operand(p->reduce, regs, block, inputs, p->outputs, b), m));
        }
    }
    if (partial) {
        int k = __atomic_fetch_add(&ctx->piece_count, 1, __ATOMIC_RELAXED);
        ctx->pieces[k] = (piece_sums){lo, partial};
    }
    free(scratch);
}

/* Adds the pieces' sums along the axis into out in the order of the pieces (the same sums
 * whichever thread finished first), and frees them. */
static void add_piece_sums(fused_ctx *ctx, double *out, int64_t length) {
    for (int done = 0; done < ctx->piece_count; done++) {
        int first = done;
        for (int k = done + 1; k < ctx->piece_count; k++) {
            if (ctx->pieces[k].lo < ctx->pieces[first].lo) first = k;
        }
        piece_sums next = ctx->pieces[first];
        ctx->pieces[first] = ctx->pieces[done];
        for (int64_t j = 0; j < length; j++) out[j] += next.sums[j];
        free(next.sums);
    }
}

int xe_fused(const xe_fused_program *program, double *sum) {
    fused_pass *passes = malloc(sizeof(fused_pass) * (size_t)(program->instruction_count > 0 ? program->instruction_count : 1));
    if (!passes) return -1;
    fused_ctx ctx = {.p = program, .passes = passes};
    ctx.pass_count = plan_passes(program, passes, &ctx.fold);
    if (program->reduce != XE_NO_OPERAND && program->reduce_out) {
        memset(program->reduce_out, 0, sizeof(double) * (size_t)program->reduce_length);
    }
    int64_t work = program->instruction_count > 0 ? program->instruction_count : 1;
    /* Sums along an axis: one piece per thread, as each piece adds an array of sums of its own. */
    int64_t align = program->reduce_out ? xe_piece_per_thread(program->count, FUSED_MAX_BLOCK) : FUSED_MAX_BLOCK;
    double total = xe_parallel(fused_range, &ctx, program->count, align, work);
    add_piece_sums(&ctx, program->reduce_out, program->reduce_length);
    free(passes);
    if (sum) *sum = total;
    return ctx.failed ? -1 : 0;
}
