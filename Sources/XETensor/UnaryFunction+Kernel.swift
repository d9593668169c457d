import CXEKernels

extension UnaryFunction {
    /// The function's code for the C kernel `xe_unary`.
    var kernel: xe_function {
        switch self {
        case .log: XE_FN_LOG
        case .exp: XE_FN_EXP
        case .sqrt: XE_FN_SQRT
        case .abs: XE_FN_ABS
        case .sigmoid: XE_FN_SIGMOID
        case .log1p: XE_FN_LOG1P
        case .tanh: XE_FN_TANH
        case .relu: XE_FN_RELU
        }
    }
}
