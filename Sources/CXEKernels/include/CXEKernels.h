#ifndef CXEKERNELS_H
#define CXEKERNELS_H
/*
 * Fused single-pass kernels for the losses and their gradients: one read of the inputs, one
 * write of the outputs, SIMD through xe's own vector log/exp (exp_log.c), and the work split over the
 * machine's cores for large inputs. Sums are taken per block of 512 elements and the block sums
 * added with Kahan compensation, so they are as accurate as NumPy's pairwise sums.
 */
#include <stdint.h>

/// Binary cross-entropy on probabilities: returns Σ_i -[y_i log ĉ_i + (1-y_i) log(1-ĉ_i)],
/// ĉ = clip(p, eps, 1-eps). With grad non-null also writes
/// grad_i = scale · -(y_i/ĉ_i - (1-y_i)/(1-ĉ_i)) where eps ≤ p_i ≤ 1-eps, else 0.
/// Hard labels (0 or 1) need one log and one division per element. With `value` 0 only the
/// gradient is computed (no log) and 0 is returned. With `outside` non-null, sets *outside to 1
/// when a y_i or p_i is outside [0, 1] (NaN included): the range check in the same pass.
double xe_bce(const double *y, const double *p, int64_t n, double eps, double *grad, double scale, int value, int *outside);

/// Binary cross-entropy from logits: returns Σ_i max(z_i,0) - z_i y_i + log1p(exp(-|z_i|)),
/// at z_i = ±inf its limit (0 where y_i is 1, resp. 0; ±inf otherwise).
/// With grad non-null also writes grad_i = scale · (σ(z_i) - y_i). With `value` 0 only the
/// gradient is computed (no log) and 0 is returned. With `outside` non-null, sets *outside to 1
/// when a y_i is outside [0, 1] (NaN included).
double xe_bce_logits(const double *y, const double *z, int64_t n, double *grad, double scale, int value, int *outside);

/// Categorical cross-entropy from logits z (rows × classes), targets given either as class
/// indices (labels, one per row, already checked) or as dense rows y. Returns Σ_i l_i with
/// l_i = Σ_{c: y_ic ≠ 0} y_ic·((m_i - z_ic) + log Σ_k exp(z_ik - m_i)), m_i = max_c z_ic (rows
/// whose maximum is infinite by the limit rule of log_softmax below); writes l_i into losses when
/// non-null; with grad non-null writes grad_ic = scale · ((Σ_k y_ik) softmax(z_i)_c - y_ic).
double xe_cce_logits(const double *z, int64_t rows, int64_t classes, const double *labels, const double *y,
                     double *losses, double *grad, double scale);

/// Softmax over the last axis of rows × classes: out_ic = exp(z_ic - m_i) / Σ_k exp(z_ik - m_i);
/// a row whose maximum is infinite gives exp of log_softmax's limit (below).
void xe_softmax_rows(const double *z, int64_t rows, int64_t classes, double *out);

/// Over each row of rows × classes: lse_i = m_i + log Σ_c exp(z_ic - m_i), m_i = max_c z_ic
/// (NaN if the row holds a NaN, ±inf when its maximum is, -inf for no classes), written to lse
/// when non-null; log_softmax_ic = (z_ic - m_i) - log Σ_k exp(z_ik - m_i) written to log_softmax
/// when non-null. Where m_i = ±inf, each entry is its limit: -inf below m_i, 0 for the only
/// entry at m_i, NaN for each of several entries at m_i (no limit); a NaN makes the row NaN.
void xe_logsumexp_rows(const double *z, int64_t rows, int64_t classes, double *lse, double *log_softmax);

/// The index of the first element of x outside [lo, hi] (NaN included), or -1.
int64_t xe_first_outside(const double *x, int64_t n, double lo, double hi);

/// The matrix product c = a b of a (m × k) and b (k × n), row-major, c (m × n) overwritten:
/// c_ij = Σ_p a_ip b_pj with p ascending. Rows are split over the cores; `stop`, when not
/// null, is asked between panels and a non-zero answer ends the product early: returns -1
/// then (c is incomplete), 0 when done.
int xe_matmul(const double *a, const double *b, double *c, int64_t m, int64_t k, int64_t n, int (*stop)(void));

/// The elementwise functions of `xe_unary`.
typedef enum {
    XE_FN_LOG, XE_FN_EXP, XE_FN_SQRT, XE_FN_ABS, XE_FN_SIGMOID, XE_FN_LOG1P, XE_FN_TANH, XE_FN_RELU
} xe_function;

/// y_i = f(x_i) for i < n: log, exp, sqrt, |x|, σ(x) = 1/(1+e^-x) (as (x ≥ 0 ? 1 : e^-|x|) /
/// (1 + e^-|x|), finite for every x), log1p, tanh, relu (NaN kept). SIMD where exp_log.c has the
/// function, split over the cores for large n.
void xe_unary(xe_function f, const double *x, double *y, int64_t n);

/// xe_unary's functions for values that are only summed (a loss's terms, which the fused
/// evaluator and the loss kernels never show one by one): within 1 ulp (log1p 2) instead of
/// 0.52, for less work where the CPU has AVX2 but not AVX-512; on one thread.
void xe_unary_summed(xe_function f, const double *x, double *y, int64_t n);

/// log1p x for x in [0, 1] or NaN (e^-|z|: a softplus's log(1 + e^-|z|)) for values that are
/// only summed, the fused op XE_OP_LOG1P_UNIT's: within 1 ulp, with less work than
/// xe_unary_summed's log1p where the CPU has AVX2 but not AVX-512 (elsewhere that one); on one
/// thread. Other x get no meaningful value.
void xe_log1p_unit_summed(const double *x, double *y, int64_t n);

/// The instructions of a fused elementwise program (`xe_fused`). d = destination, a b c operands.
typedef enum {
    XE_OP_ADD, XE_OP_SUB, XE_OP_MUL, XE_OP_DIV,
    XE_OP_POW,              ///< pow(a, b)
    XE_OP_SQUARE,           ///< a·a
    XE_OP_NEG, XE_OP_ONE_MINUS, XE_OP_NOT,
    XE_OP_EQ, XE_OP_NE, XE_OP_LT, XE_OP_LE, XE_OP_GT, XE_OP_GE,  ///< 1 or 0
    XE_OP_MAX, XE_OP_MIN,   ///< NaN if either is NaN
    XE_OP_CLIP,             ///< min(max(a, b), c), NaN kept
    XE_OP_FUNCTION,         ///< f(a), f = function (xe_function)
    XE_OP_DERIVATIVE,       ///< f'(a) given a and b = f(a)
    XE_OP_POW_DBASE,        ///< ∂(a^b)/∂a: 0 if b = 0, 2a if b = 2, 1 if b = 1, else b·a^(b-1)
    XE_OP_POW_DEXPONENT,    ///< ∂(a^b)/∂b: a^b·log a, 0 where a = 0
    XE_OP_DIV_DDENOMINATOR, ///< ∂(a/b)/∂b = -a/(b·b)
    XE_OP_SHARE_MAX,        ///< a's share of the gradient of max(a, b): 1, ½ at ties, else 0
    XE_OP_SHARE_MIN,        ///< the same for min(a, b)
    XE_OP_EXP_NEG_ABS,      ///< e^-|a|
    XE_OP_SIGMOID_GIVEN,    ///< σ(a) given b = e^-|a|: (a ≥ 0 ? 1 : b) / (1 + b), as xe_unary's
    XE_OP_WEIGHT,           ///< a·b, 0 where a = 0 and b is not NaN (even for b = ±inf)
    XE_OP_LOG1P_UNIT,       ///< log1p a for a in [0, 1] or NaN (a = e^-|x|: a softplus's log(1 + e^-|x|))
} xe_fused_op;

/// An operand that is not used.
static const int32_t XE_NO_OPERAND = INT32_MIN;

/// An operand from XE_OUTPUT_OPERAND on is output k = operand - XE_OUTPUT_OPERAND, the block of
/// it being written: an instruction whose value is an output writes it there directly.
static const int32_t XE_OUTPUT_OPERAND = 1 << 30;

/// One instruction: register `destination` = op(a, b, c). An operand k ≥ 0 is register k (or
/// an output, from XE_OUTPUT_OPERAND on), an operand k < 0 is input -1-k.
typedef struct {
    int32_t op, function, destination, a, b, c;
} xe_fused_instruction;

/// An input of `length` elements, read as element (i / inner) % length for element i of the
/// result: a scalar (length 1), the full result (inner 1, length = count), a row repeated
/// down the result (inner 1) or a column repeated along it (inner = row length).
typedef struct {
    const double *data;
    int64_t length, inner;
} xe_fused_input;

/// A range check of a fused program's input.
typedef struct {
    int32_t input;
    double lo, hi;
} xe_fused_check;

/// A program over `count` elements: writes output_operands[k] to outputs[k] (count elements
/// each) and sums operand `reduce` unless it is XE_NO_OPERAND: over every element, or, when
/// reduce_out is not null, along an axis into reduce_out (reduce_length elements), element i
/// adding into reduce_out[(i / reduce_inner) % reduce_length].
typedef struct {
    int64_t count;
    const xe_fused_instruction *code;
    int32_t instruction_count, register_count;
    const xe_fused_input *inputs;
    int32_t input_count;
    double *const *outputs;
    const int32_t *output_operands;
    int32_t output_count;
    int32_t reduce;
    double *reduce_out;
    int64_t reduce_length, reduce_inner;
    /// Range checks (SPEC §4) made on the blocks as they are read: *outside is set to 1 when an
    /// element of input checks[k].input is outside [checks[k].lo, checks[k].hi] (NaN included).
    const xe_fused_check *checks;
    int32_t check_count;
    int *outside;
} xe_fused_program;

/// Runs `program` block by block (128 to 1024 elements: its registers in half the L1 cache) over
/// both cores; the sum of its reduce operand over every element goes to *sum (four accumulators
/// per block, the block sums Kahan-added); a sum along an axis adds each element in order, per
/// thread.
/// Returns 0, or -1 if scratch memory could not be allocated (the results are then incomplete).
int xe_fused(const xe_fused_program *program, double *sum);

/// The number of threads the kernels use for large inputs.
int xe_kernel_threads(void);
#endif
