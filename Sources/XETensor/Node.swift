import CXEShim

/// A node of the reverse-mode graph: a value, the tracked nodes it was computed from, and the
/// rule that turns the gradient of the value into gradients of those inputs (the vector-Jacobian
/// product). Micrograd's `Value`, for tensors.
///
/// The rule is written with differentiable `DTensor` operations on the operands it captured, so
/// a backward sweep can record its own graph (PyTorch's `create_graph`): that graph is what a
/// second derivative differentiates.
public final class Node: @unchecked Sendable {
    /// A vector-Jacobian product: the gradient of the result, and the result itself (tracked, so
    /// rules such as exp' = exp can use it without a cycle), to one gradient per operand (nil for
    /// none).
    public typealias Backward = (_ gradient: DTensor, _ result: DTensor) throws(TensorError) -> [DTensor?]

    /// The value computed in the forward pass.
    public let value: Tensor
    /// The tracked inputs; `backward` returns one gradient for each (nil for none).
    private(set) var inputs: [Node]
    private(set) var backward: Backward
    /// f when this node is f applied elementwise to its one input (`DTensor.apply`): a fused
    /// region reading the value can carry the chain rule through f itself.
    var producer: UnaryFunction?

    init(value: Tensor, inputs: [Node], backward: @escaping Backward) {
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
        backward = { _, _ in [] }
        while var node = pending.popLast() {
            guard isKnownUniquelyReferenced(&node) else { continue }
            pending.append(contentsOf: node.inputs)
            node.inputs = []
            node.backward = { _, _ in [] }
        }
    }

    /// A leaf: a variable that gradients are taken with respect to.
    public init(leaf value: Tensor) {
        self.value = value
        self.inputs = []
        self.backward = { _, _ in [] }
    }

    /// The variable of a differentiation nested in another that already tracks the value: a new
    /// node (gradients are taken with respect to node identity, so the inner variable is its
    /// own) whose value is `outer`'s and which passes its gradient on to `outer` unchanged, so
    /// the enclosing derivative flows through the inner one.
    public init(variableFollowing outer: Node) {
        self.value = outer.value
        self.inputs = [outer]
        self.backward = { g, _ in [g] }
    }

    /// The gradients of `self` (a scalar, or seeded with `seed`) with respect to each of
    /// `targets`, by one backward sweep in reverse topological order. A target that `self` does
    /// not depend on gets zeros. Only the nodes between `self` and the targets are visited.
    ///
    /// With `createGraph` the sweep records its own operations, so the gradients are tracked
    /// and can be differentiated again; without it they are constants and the sweep records
    /// nothing.
    public func gradients(withRespectTo targets: [Node], seed: DTensor? = nil, createGraph: Bool = false) throws(TensorError) -> [DTensor] {
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
        // A node matters when a target is reachable from it (post-order puts inputs first).
        let keep = Set(targets.map(ObjectIdentifier.init))
        var relevant = keep
        for node in order where node.inputs.contains(where: { relevant.contains(ObjectIdentifier($0)) }) {
            relevant.insert(ObjectIdentifier(node))
        }
        let state = xe_autodiff()!
        let saved = state.pointee
        state.pointee.sweeping = 1
        state.pointee.recording = createGraph ? 1 : 0
        defer { state.pointee = saved }

        var grads: [ObjectIdentifier: DTensor] = [:]
        grads[ObjectIdentifier(self)] = seed ?? DTensor(Tensor(shape: value.shape, storage: [Double](repeating: 1, count: value.count)))
        for node in order.reversed() {
            let id = ObjectIdentifier(node)
            guard !node.inputs.isEmpty, let g = grads[id] else { continue }
            if !keep.contains(id) { grads[id] = nil }
            guard node.inputs.contains(where: { relevant.contains(ObjectIdentifier($0)) }) else { continue }
            if xe_interrupted() != 0 { throw .interrupted }
            let inputGrads = try node.backward(g, DTensor(node))
            for (input, grad) in zip(node.inputs, inputGrads) {
                guard let grad else { continue }
                let key = ObjectIdentifier(input)
                guard relevant.contains(key) else { continue }
                if let existing = grads[key] {
                    grads[key] = try existing + grad
                } else {
                    grads[key] = grad
                }
            }
        }
        return targets.map { target in
            grads[ObjectIdentifier(target)]
                ?? DTensor(Tensor(shape: target.value.shape, storage: [Double](repeating: 0, count: target.value.count)))
        }
    }
}
