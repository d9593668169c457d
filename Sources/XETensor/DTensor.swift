import CXEShim

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
    /// gradient from the result's, when any operand is tracked; a plain constant otherwise, and
    /// also during a backward sweep that records nothing (a first derivative's).
    ///
    /// `backward` is written with `DTensor` operations on the operands it captures (not on
    /// their values), so that a recording sweep differentiates it in turn; constants such as
    /// masks enter as `DTensor(tensor)`.
    public static func record(_ value: Tensor, _ operands: [DTensor], _ backward: @escaping Node.Backward) -> DTensor {
        var positions: [Int] = []
        var nodes: [Node] = []
        for (i, operand) in operands.enumerated() {
            if let node = operand.node {
                positions.append(i)
                nodes.append(node)
            }
        }
        if nodes.isEmpty { return DTensor(value) }
        let state = xe_autodiff().pointee
        if state.sweeping != 0 && state.recording == 0 { return DTensor(value) }
        if positions.count == operands.count { return DTensor(Node(value: value, inputs: nodes, backward: backward)) }
        let node = Node(value: value, inputs: nodes) { (g, result) throws(TensorError) -> [DTensor?] in
            let all = try backward(g, result)
            return positions.map { all[$0] }
        }
        return DTensor(node)
    }

    /// A zero that depends on `a` and refuses to be differentiated, with `message`. Added to a
    /// gradient that an operation can give only as a constant (a native plugin's first
    /// derivative), it turns the next order into an error instead of a silent zero, and only
    /// where that order needs the derivative through `a`.
    public static func refusingDerivative(_ a: DTensor, _ message: String) -> DTensor {
        record(Tensor(scalar: 0), [a]) { (_, _) throws(TensorError) -> [DTensor?] in throw .invalid(message) }
    }

    /// Whether the computation under way may be differentiated more than once: inside two or
    /// more nested differentiations (`grad`, `jacobian`, `hessian`), or during a backward sweep
    /// that records its graph. Fused first-order fast paths (loss kernels, native plugin
    /// gradients) are taken only when this is false: their gradient is a constant.
    public static var createsGraph: Bool {
        let state = xe_autodiff().pointee
        return state.depth >= 2 || (state.sweeping != 0 && state.recording != 0)
    }

    /// Whether a backward sweep that records its graph is running (a rule that cannot give a
    /// differentiable gradient must refuse then, not return a constant).
    public static var isRecordingSweep: Bool {
        let state = xe_autodiff().pointee
        return state.sweeping != 0 && state.recording != 0
    }

    /// How many differentiations are being evaluated around this point (0 outside `grad`):
    /// the order of the derivative a recording sweep is part of.
    public static var differentiationDepth: Int { Int(xe_autodiff().pointee.depth) }

    /// Runs `body` as the evaluation of `levels` nested differentiations (1 for `grad` and
    /// `jacobian`, 2 for `hessian`): their sweeps record their graph when an enclosing
    /// differentiation will differentiate the result again.
    public static func differentiating<T>(levels: Int = 1, _ body: () throws -> T) rethrows -> T {
        let state = xe_autodiff()!
        state.pointee.depth += Int32(levels)
        defer { state.pointee.depth -= Int32(levels) }
        return try body()
    }
}
