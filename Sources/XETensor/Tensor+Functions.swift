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

extension Tensor {
    /// f applied to every element in one pass of the C kernel `xe_unary`: vector `log` and
    /// `exp` from libmvec (within an ulp or so of the scalar functions), both cores for large
    /// tensors. A single number uses the scalar function (`UnaryFunction.apply`).
    public func applying(_ f: UnaryFunction) -> Tensor {
        let n = count
        if n == 1 { return Tensor(shape: shape, storage: [f.apply(storage[0])]) }
        let out = Tensor.uninitialized(n) { o in
            storage.withUnsafeBufferPointer { p in xe_unary(f.kernel, p.baseAddress, o, Int64(n)) }
        }
        return Tensor(shape: shape, storage: out)
    }
}
