import CXEKernels

extension Tensor {
    /// f applied to every element in one pass of the C kernel `xe_unary`: xe's vector `log`,
    /// `exp` and `log1p` (within 1 ulp of the scalar functions), both cores for large
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
