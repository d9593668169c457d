extension Tensor {
    /// The solution x of A·x = b for a square matrix A (n×n) and b of shape (n) or (n, k), by
    /// Gaussian elimination with partial pivoting (LAPACK's gesv without the blocking). A
    /// singular matrix (a zero pivot) is an error, not a division by zero.
    public static func solve(_ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor {
        guard a.rank == 2, a.shape[0] == a.shape[1] else {
            throw .invalid("solve(A, b): A must be a square matrix, not of shape \(describe(shape: a.shape))")
        }
        let n = a.shape[0]
        guard (b.rank == 1 || b.rank == 2), b.shape[0] == n else {
            throw .invalid("solve(A, b): b must have \(n) rows (shape (\(n),) or (\(n), k)) for A of shape \(describe(shape: a.shape)), not \(describe(shape: b.shape))")
        }
        let k = b.rank == 2 ? b.shape[1] : 1
        var m = a.storage, x = b.storage
        for col in 0..<n {
            var pivot = col
            for r in (col + 1)..<max(n, col + 1) where abs(m[r * n + col]) > abs(m[pivot * n + col]) { pivot = r }
            let p = m[pivot * n + col]
            guard p != 0 else {
                throw .invalid("solve(A, b): A is singular (no pivot in column \(col)); a Newton step needs a positive definite Hessian — add a small ridge, e.g. H + 1e-8 * eye(n)")
            }
            if pivot != col {
                for j in 0..<n { m.swapAt(col * n + j, pivot * n + j) }
                for j in 0..<k { x.swapAt(col * k + j, pivot * k + j) }
            }
            for r in (col + 1)..<max(n, col + 1) {
                let f = m[r * n + col] / p
                if f == 0 { continue }
                for j in col..<n { m[r * n + j] -= f * m[col * n + j] }
                for j in 0..<k { x[r * k + j] -= f * x[col * k + j] }
            }
        }
        for col in stride(from: n - 1, through: 0, by: -1) {
            for j in 0..<k {
                var s = x[col * k + j]
                for c in (col + 1)..<max(n, col + 1) { s -= m[col * n + c] * x[c * k + j] }
                x[col * k + j] = s / m[col * n + col]
            }
        }
        return Tensor(shape: b.shape, storage: x)
    }
}

extension DTensor {
    /// x = A⁻¹·b; ∂/∂b = A⁻ᵀ·g, ∂/∂A = −(A⁻ᵀ·g)·xᵀ (both solves, so every order differentiates).
    public static func solve(_ a: DTensor, _ b: DTensor) throws(TensorError) -> DTensor {
        let value = try Tensor.solve(a.value, b.value)
        let column = b.shape.count == 1
        return record(value, [a, b]) { (g, x) throws(TensorError) -> [DTensor?] in
            let gb = try solve(transpose(a), g)
            let gb2 = column ? try reshape(gb, [gb.shape[0], 1]) : gb
            let x2 = column ? try reshape(x, [x.shape[0], 1]) : x
            return [try -matmul(gb2, transpose(x2)), gb]
        }
    }
}
