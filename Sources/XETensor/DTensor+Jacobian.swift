extension DTensor {
    /// The Jacobian of `output` (any shape) with respect to `target`: shape
    /// `output.shape + target.shape`, J[i, j] = ∂output_i/∂target_j, one backward sweep per
    /// element of `output` (seeded with the i-th unit tensor). A scalar output gives the
    /// gradient. With `createGraph` the sweeps record, so the Jacobian can be differentiated
    /// again.
    public static func jacobian(of output: DTensor, withRespectTo target: Node, createGraph: Bool) throws(TensorError) -> DTensor {
        let shape = output.shape + target.value.shape
        // Refused before the sweeps (one per element of the output), not after them.
        _ = try Tensor.elementCount(shape)
        guard let node = output.node else { return DTensor(try Tensor(shape: shape, repeating: 0)) }
        if output.value.count == 1 {
            return try reshape(node.gradients(withRespectTo: [target], createGraph: createGraph)[0], shape)
        }
        var rows: [DTensor] = []
        rows.reserveCapacity(output.value.count)
        var seed = try Tensor(shape: output.shape, repeating: 0)
        for i in 0..<output.value.count {
            seed.storage[i] = 1
            rows.append(try node.gradients(withRespectTo: [target], seed: DTensor(seed), createGraph: createGraph)[0])
            seed.storage[i] = 0
        }
        return try reshape(stack(rows), shape)
    }
}
