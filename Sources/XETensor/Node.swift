import CXEShim

/// A node of the reverse-mode graph: a value, the tracked nodes it was computed from, and the
/// rule that turns the gradient of the value into gradients of those inputs (the vector-Jacobian
/// product). Micrograd's `Value`, for tensors.
public final class Node: @unchecked Sendable {
    /// The value computed in the forward pass.
    public let value: Tensor
    /// The tracked inputs; `backward` returns one gradient for each (nil for none).
    private(set) var inputs: [Node]
    private(set) var backward: (Tensor) throws(TensorError) -> [Tensor?]

    init(value: Tensor, inputs: [Node], backward: @escaping (Tensor) throws(TensorError) -> [Tensor?]) {
        self.value = value
        self.inputs = inputs
        self.backward = backward
    }

    /// Frees the graph behind this node without recursion: a loop of ten million tracked
    /// operations makes a chain that deep, and releasing it node by node through the native
    /// stack would overflow it. Each node that only this graph holds is emptied (its inputs
    /// moved to a work list first, then its backward closure, which holds the same inputs,
    /// dropped), so every node is freed with nothing left to free after it.
    deinit {
        guard !inputs.isEmpty else { return }
        var pending = inputs
        inputs = []
        backward = { _ in [] }
        while var node = pending.popLast() {
            guard isKnownUniquelyReferenced(&node) else { continue }
            pending.append(contentsOf: node.inputs)
            node.inputs = []
            node.backward = { _ in [] }
        }
    }

    /// A leaf: a variable that gradients are taken with respect to.
    public init(leaf value: Tensor) {
        self.value = value
        self.inputs = []
        self.backward = { _ in [] }
    }

    /// The gradients of `self` (a scalar, or seeded with `seed`) with respect to each of
    /// `targets`, by one backward sweep in reverse topological order. A target that `self` does
    /// not depend on gets zeros.
    public func gradients(withRespectTo targets: [Node], seed: Tensor? = nil) throws(TensorError) -> [Tensor] {
        // Post-order by an explicit stack: graphs from long loops are deep.
        var order: [Node] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Node, Int)] = [(self, 0)]
        while let (node, next) = stack.popLast() {
            if next == 0 {
                if visited.contains(ObjectIdentifier(node)) { continue }
                visited.insert(ObjectIdentifier(node))
            }
            if next < node.inputs.count {
                stack.append((node, next + 1))
                let child = node.inputs[next]
                if !visited.contains(ObjectIdentifier(child)) { stack.append((child, 0)) }
            } else {
                order.append(node)
            }
        }
        let keep = Set(targets.map(ObjectIdentifier.init))
        var grads: [ObjectIdentifier: Tensor] = [:]
        grads[ObjectIdentifier(self)] = seed ?? Tensor(shape: value.shape, storage: [Double](repeating: 1, count: value.count))
        for node in order.reversed() {
            let id = ObjectIdentifier(node)
            guard !node.inputs.isEmpty, let g = grads[id] else { continue }
            if xe_interrupted() != 0 { throw .interrupted }
            let inputGrads = try node.backward(g)
            if !keep.contains(id) { grads[id] = nil }
            for (input, grad) in zip(node.inputs, inputGrads) {
                guard let grad else { continue }
                let key = ObjectIdentifier(input)
                if let existing = grads[key] {
                    grads[key] = try Tensor.zip(existing, grad, operation: "gradient accumulation", +)
                } else {
                    grads[key] = grad
                }
            }
        }
        return targets.map { target in
            grads[ObjectIdentifier(target)]
                ?? Tensor(shape: target.value.shape, storage: [Double](repeating: 0, count: target.value.count))
        }
    }
}
