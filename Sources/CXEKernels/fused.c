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

static int64_t block_length(const xe_fused_program *p) {
    int64_t block = FUSED_MAX_BLOCK, arrays = (int64_t)p->register_count + p->input_count;
    while (block > FUSED_MIN_BLOCK && block * arrays * (int64_t)sizeof(double) > FUSED_REGISTER_BYTES) block /= 2;
    return block;
}

/* A piece's sums along the axis, from the piece that starts at lo. */
typedef struct { int64_t lo; double *sums; } piece_sums;

typedef struct {
    const xe_fused_program *p;
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

/* One instruction over a block of m elements. */
XE_CLONES static void execute(const xe_fused_instruction *in, double *d, const double *a, const double *b, const double *c,
                              int64_t m, int summed) {
    switch ((xe_fused_op)in->op) {
    case XE_OP_ADD: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = a[i] + b[i]; break;
    case XE_OP_SUB: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = a[i] - b[i]; break;
    case XE_OP_MUL: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = a[i] * b[i]; break;
    case XE_OP_DIV: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = a[i] / b[i]; break;
    case XE_OP_POW: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = pow(a[i], b[i]); break;
    case XE_OP_SQUARE: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = a[i] * a[i]; break;
    case XE_OP_NEG: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = -a[i]; break;
    case XE_OP_ONE_MINUS: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = 1 - a[i]; break;
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
    case XE_OP_WEIGHT: XE_IN_PLACE for (int64_t i = 0; i < m; i++) d[i] = (a[i] == 0 && b[i] == b[i]) ? 0 : a[i] * b[i]; break;
    }
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
    for (int64_t b = lo; b < hi; b += block) {
        int64_t m = hi - b < block ? hi - b : block;
        for (int32_t k = 0; k < ni; k++) {
            const xe_fused_input *in = &p->inputs[k];
            double *mine = gathered + (int64_t)k * block;
            if (in->length == 1) {
                inputs[k] = mine;
            } else if (in->inner == 1 && in->length == p->count) {
                inputs[k] = in->data + b;
            } else {
                gather(in, b, m, mine);
                inputs[k] = mine;
            }
        }
        for (int32_t k = 0; k < p->check_count; k++) {
            const xe_fused_check *check = &p->checks[k];
            if (block_outside(inputs[check->input], m, check->lo, check->hi)) __atomic_store_n(p->outside, 1, __ATOMIC_RELAXED);
        }
        for (int32_t s = 0; s < p->instruction_count; s++) {
            const xe_fused_instruction *in = &p->code[s];
            const double *a = in->a == XE_NO_OPERAND ? NULL : operand(in->a, regs, block, inputs, p->outputs, b);
            const double *x = in->b == XE_NO_OPERAND ? NULL : operand(in->b, regs, block, inputs, p->outputs, b);
            const double *c = in->c == XE_NO_OPERAND ? NULL : operand(in->c, regs, block, inputs, p->outputs, b);
            execute(in, operand(in->destination, regs, block, inputs, p->outputs, b), a, x, c, m, summed);
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
        } else if (p->reduce != XE_NO_OPERAND) {
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
    fused_ctx ctx = {.p = program};
    if (program->reduce != XE_NO_OPERAND && program->reduce_out) {
        memset(program->reduce_out, 0, sizeof(double) * (size_t)program->reduce_length);
    }
    int64_t work = program->instruction_count > 0 ? program->instruction_count : 1;
    /* Sums along an axis: one piece per thread, as each piece adds an array of sums of its own. */
    int64_t align = program->reduce_out ? xe_piece_per_thread(program->count, FUSED_MAX_BLOCK) : FUSED_MAX_BLOCK;
    double total = xe_parallel(fused_range, &ctx, program->count, align, work);
    add_piece_sums(&ctx, program->reduce_out, program->reduce_length);
    if (sum) *sum = total;
    return ctx.failed ? -1 : 0;
}
