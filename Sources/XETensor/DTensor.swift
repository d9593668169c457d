/// A tensor that may be tracked for differentiation: every differentiable operation takes and
/// returns these, and records a graph node only when an operand is tracked.
public struct DTensor: Sendable {
    /// The value.
    public let value: Tensor
    /// The graph node, when the value depends on a variable being differentiated.
    public let node: Node?

    /// An untracked tensor (a constant).
    public init(_ value: Tensor) {
        self.value = value
        self.node = nil
    }

    /// A tracked tensor.
    public init(_ node: Node) {
        self.value = node.value
        self.node = node
    }

    /// An untracked scalar.
    public init(scalar: Double) {
        self.init(Tensor(scalar: scalar))
    }

    public var isTracked: Bool { node != nil }
    public var shape: [Int] { value.shape }

    /// The result of an operation on `operands`: tracked, with `backward` giving each operand's
    /// gradient from the result's, when any operand is tracked; a plain constant otherwise.
    public static func record(
        _ value: Tensor, _ operands: [DTensor],
        _ backward: @escaping (Tensor) throws(TensorError) -> [Tensor?]
    ) -> DTensor {
        var positions: [Int] = []
        var nodes: [Node] = []
        for (i, operand) in operands.enumerated() {
            if let node = operand.node {
                positions.append(i)
                nodes.append(node)
            }
        }
        if nodes.isEmpty { return DTensor(value) }
        let node = Node(value: value, inputs: nodes) { (g) throws(TensorError) -> [Tensor?] in
            let all = try backward(g)
            return positions.map { all[$0] }
        }
        return DTensor(node)
    }
}
