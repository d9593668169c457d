import CXEKernels
import Synchronization
import XESyntax

extension DTensor {
    /// Evaluates `expression` over `leaves` in one fused pass (`xe_fused`), feeding `reduction`;
    /// the same values as its operations applied one at a time (within rounding), without a
    /// full-size temporary per operation. When a leaf is tracked the result is one graph node
    /// whose backward rule is one more fused pass: the chain rule of the whole expression,
    /// with a mean's 1/n folded into the seed, recomputing the forward values block by block
    /// instead of keeping them. Nil when the expression cannot be fused (an operand broadcast
    /// in a way other than as a scalar, a row or a column, shapes that do not broadcast, no
    /// elements, `and`/`or`): the caller then evaluates it operation by operation, which also
    /// gives the errors. Without `valueNeeded` (the result is the root of a first-order `grad`,
    /// which reads only its gradient) a tracked scalar result's pass computes the gradient
    /// alone — the instructions only the value needs are pruned — and the value is NaN.
    /// `checks` are made in the same pass; nil when one finds an element outside (the caller
    /// then evaluates op by op, and its checks give the error).
    public static func fused(_ expression: ElementwiseExpression, _ leaves: [DTensor],
                             reduction: FusedReduction, valueNeeded: Bool = true,
                             checks: [FusedRangeCheck] = []) throws(TensorError) -> DTensor? {
        guard let graph = FusedGraph(expression, leaves: leaves) else { return nil }
        let leaves = graph.leaves
        let values = leaves.map(\.value)
        // A result that may be differentiated more than once is built from the operations
        // themselves: the fused gradient is a first derivative only.
        if graph.isTracked && DTensor.createsGraph { return nil }
        let shape = graph.shape
        // Sizes the operations would refuse (too large, more than the free memory) are left
        // to them, and so are their errors: a sum never runs over more elements than a
        // tensor could hold.
        guard let n = try? Tensor.elementCount(shape), n > 0 else { return nil }
        // One operand per tracked node, however many leaves read it.
        var operands: [DTensor] = []
        var group = [Int](repeating: -1, count: leaves.count)
        var seen: [ObjectIdentifier: Int] = [:]
        for (k, leaf) in leaves.enumerated() where graph.isTracked && !graph.readOnly.contains(k) {
            guard let node = leaf.node else { continue }
            let id = ObjectIdentifier(node)
            if let g = seen[id] {
                group[k] = g
            } else {
                seen[id] = operands.count
                group[k] = operands.count
                operands.append(leaf)
            }
        }
        let groups = operands.count
        var program = FusedProgram(count: n)
        guard let refs = graph.emitForward(into: &program, leaves: values) else { return nil }
        for c in checks {
            guard values.indices.contains(c.leaf), let r = program.input(values[c.leaf], shape: shape),
                  program.check(r, lo: c.lo, hi: c.hi) else { return nil }
        }
        let root = refs[refs.count - 1]
        // A sum of -x is -(the sum of x), exactly (rounding is symmetric): the negation is left
        // out of the pass.
        let (summed, sign) = graph.negatesRoot ? (refs[graph.nodes[graph.nodes.count - 1].children[0]], -1.0) : (root, 1.0)
        var value: Tensor
        switch reduction {
        case .none:
            let run = try program.run(outputs: [root], reduce: nil)
            if run.outside { return nil }
            value = Tensor(shape: shape, storage: run.outputs[0])
            value.isBoolean = graph.givesTruthValues
        case .reduce(let mean, nil, _) where graph.isTracked && HeldGradients.reserve(n * groups):
            // A scalar: its gradient for an upstream k is k times that for 1, computed in the
            // same pass as the value (the loss kernels' design), sharing the forward values.
            let held = HeldGradients(elements: n * groups)
            let adjoints = graph.emitGradients(into: &program, refs, seed: program.constant(mean ? 1 / Double(n) : 1), group: group, groups: groups)
            let wanted = adjoints.indices.filter { adjoints[$0] != nil }
            let run = try program.run(outputs: wanted.map { adjoints[$0]! }, reduce: valueNeeded ? summed : nil)
            if run.outside { return nil }
            held.gradients = try graph.shaped(run.outputs, wanted, leaves: values, group: group, groups: groups)
            value = Tensor(scalar: !valueNeeded ? .nan : sign * (mean ? run.sum / Double(n) : run.sum))
            return record(value, operands) { (g, _) throws(TensorError) -> [DTensor?] in
                guard !DTensor.isRecordingSweep else { throw FusedGraph.secondDerivative }
                let k = g.value.storage[0]
                return held.gradients.map { $0.map { DTensor(k == 1 ? $0 : $0.map { $0 * k }) } }
            }
        case .reduce(let mean, nil, _):
            let run = try program.run(outputs: [], reduce: summed)
            if run.outside { return nil }
            value = Tensor(scalar: sign * (mean ? run.sum / Double(n) : run.sum))
        case .reduce(let mean, .some(let axis), let keepdims):
            guard let along = FusedGraph.along(axis, of: shape) else { return nil }
            let run = try program.run(outputs: [], reduce: root, along: (along.length, along.inner))
            if run.outside { return nil }
            var sums = run.sums
            if mean {
                let k = Double(shape[along.axis])
                for i in sums.indices { sums[i] /= k }
            }
            var kept = shape
            if keepdims { kept[along.axis] = 1 } else { kept.remove(at: along.axis) }
            value = Tensor(shape: kept, storage: sums)
        }
        guard graph.isTracked else { return DTensor(value) }
        return record(value, operands) { (g, _) throws(TensorError) -> [DTensor?] in
            guard !DTensor.isRecordingSweep else { throw FusedGraph.secondDerivative }
            return try graph.gradients(seed: g.value, reduction: reduction, leaves: values, group: group, groups: groups).map { $0.map(DTensor.init) }
        }
    }
}

/// The gradients a fused region computed with its value, held by its graph node. Their total
/// size is bounded (`budget` elements over every node alive, 256 MiB): a region past it
/// computes its gradient in the backward sweep instead, so a loop of many regions inside one
/// `grad` keeps at most that much more memory than it would without them.
final class HeldGradients: @unchecked Sendable {
    static let budget = 1 << 25
    private static let held = Atomic<Int>(0)
    private let elements: Int
    /// Read by every sweep through the node (a `jacobian` sweeps once per output).
    var gradients: [Tensor?] = []

    /// Whether `elements` more fit in the budget (counted from now on when they do).
    static func reserve(_ elements: Int) -> Bool {
        if held.add(elements, ordering: .relaxed).newValue <= budget { return true }
        held.subtract(elements, ordering: .relaxed)
        return false
    }

    /// Made after a successful `reserve(elements)`.
    init(elements: Int) {
        self.elements = elements
    }

    deinit {
        HeldGradients.held.subtract(elements, ordering: .relaxed)
    }
}

/// An `ElementwiseExpression` flattened into nodes, children before parents, each with its
/// broadcast shape and whether it is tracked (as the operation applied alone would be).
struct FusedGraph: Sendable {
    enum Kind: Sendable {
        case leaf(Int)
        case binary(BinaryOperator)
        case negate, not
        case apply(UnaryFunction)
        case clip
        case extremum(maximum: Bool)
        case softplus, weighting
        /// f of the child, its value read from leaf `value` (a tracked `DTensor.apply`).
        case computed(UnaryFunction, value: Int)
    }

    struct Node: Sendable {
        let kind: Kind
        let children: [Int]
        let shape: [Int]
        let tracked: Bool
    }

    private(set) var nodes: [Node] = []
    /// The leaves: the expression's, then the inputs of the `computed` nodes.
    private(set) var leaves: [DTensor]
    /// The leaves read only for their values (a `computed` node's): the chain rule goes through
    /// them to their inputs, so they get no gradient of their own.
    private(set) var readOnly = Set<Int>()

    /// The shape of the result.
    var shape: [Int] { nodes[nodes.count - 1].shape }
    var isTracked: Bool { nodes[nodes.count - 1].tracked }
    /// Whether the result is a negation.
    var negatesRoot: Bool {
        if case .negate = nodes[nodes.count - 1].kind { return true }
        return false
    }
    /// Whether the result is a comparison's or `not`'s (truth values, a boolean mask).
    var givesTruthValues: Bool {
        switch nodes[nodes.count - 1].kind {
        case .not: return true
        case .binary(let op): return op.givesTruthValues
        default: return false
        }
    }

    /// Nil when shapes do not broadcast or an operation is not fused.
    init?(_ expression: ElementwiseExpression, leaves: [DTensor]) {
        self.leaves = leaves
        guard add(expression, leaves) != nil else { return nil }
    }

    /// Leaf k; when it is f(x) computed by `DTensor.apply` (tracked, x of the same shape), a
    /// `computed` node over a new leaf for x, so the gradient pass applies f' itself and gives
    /// x its gradient in the same pass (no pass of its own for f's rule); through at most
    /// `depth` such functions in a row (a loop may chain millions).
    private mutating func leaf(_ k: Int, depth: Int = 4) -> Int {
        let t = leaves[k]
        if depth > 0, let node = t.node, let f = node.producer, node.inputs.count == 1, node.inputs[0].value.shape == t.shape {
            readOnly.insert(k)
            leaves.append(DTensor(node.inputs[0]))
            let x = leaf(leaves.count - 1, depth: depth - 1)
            nodes.append(Node(kind: .computed(f, value: k), children: [x], shape: t.shape, tracked: true))
        } else {
            nodes.append(Node(kind: .leaf(k), children: [], shape: t.shape, tracked: t.isTracked))
        }
        return nodes.count - 1
    }

    private mutating func add(_ e: ElementwiseExpression, _ leaves: [DTensor]) -> Int? {
        func node(_ kind: Kind, _ children: [Int], tracked: Bool) -> Int? {
            var shape: [Int] = []
            for c in children {
                guard let s = try? Tensor.broadcastShape(shape, nodes[c].shape, operation: "fused") else { return nil }
                shape = s
            }
            nodes.append(Node(kind: kind, children: children, shape: shape, tracked: tracked))
            return nodes.count - 1
        }
        switch e {
        case .leaf(let k):
            guard leaves.indices.contains(k) else { return nil }
            return leaf(k)
        case .binary(let op, let a, let b):
            guard op.isElementwise, let x = add(a, leaves), let y = add(b, leaves) else { return nil }
            return node(.binary(op), [x, y], tracked: !op.givesTruthValues && (nodes[x].tracked || nodes[y].tracked))
        case .negate(let a):
            guard let x = add(a, leaves) else { return nil }
            return node(.negate, [x], tracked: nodes[x].tracked)
        case .not(let a):
            guard let x = add(a, leaves) else { return nil }
            return node(.not, [x], tracked: false)
        case .apply(let f, let a):
            guard let x = add(a, leaves) else { return nil }
            return node(.apply(f), [x], tracked: nodes[x].tracked)
        case .clip(let a, let lo, let hi):
            guard let x = add(a, leaves), let l = add(lo, leaves), let h = add(hi, leaves) else { return nil }
            return node(.clip, [x, l, h], tracked: nodes[x].tracked || nodes[l].tracked || nodes[h].tracked)
        case .extremum(let a, let b, let maximum):
            guard let x = add(a, leaves), let y = add(b, leaves) else { return nil }
            return node(.extremum(maximum: maximum), [x, y], tracked: nodes[x].tracked || nodes[y].tracked)
        case .softplus(let a):
            guard let x = add(a, leaves) else { return nil }
            return node(.softplus, [x], tracked: nodes[x].tracked)
        case .weighting(let w, let a):
            guard let x = add(w, leaves), let y = add(a, leaves) else { return nil }
            return node(.weighting, [x, y], tracked: nodes[x].tracked || nodes[y].tracked)
        }
    }

    /// Where element i of a result of `shape` goes when it is reduced along `axis`: into sum
    /// (i / inner) % length. Nil when the axis is out of range or the sums are not one band
    /// of the result's layout (a middle axis with longer axes on both sides).
    static func along(_ axis: Int, of shape: [Int]) -> (axis: Int, length: Int, inner: Int)? {
        guard let a = try? Tensor.normalize(axis: axis, rank: shape.count) else { return nil }
        let before = shape[..<a].reduce(1, *), after = shape[(a + 1)...].reduce(1, *)
        if before == 1 { return (a, after, 1) }
        if after == 1 { return (a, before, shape[a]) }
        return nil
    }

    /// The exponent of power node `i` when it is a leaf of one element (of no higher rank than
    /// the base, as `Tensor.elementwise` requires for its special cases).
    func constantExponent(_ i: Int) -> Double? {
        guard case .leaf(let k) = nodes[nodes[i].children[1]].kind, leaves[k].value.rank <= nodes[nodes[i].children[0]].shape.count else { return nil }
        return leaves[k].value.scalarValue
    }

    /// Emits every node's value; nil when a leaf cannot be read in the result's layout.
    func emitForward(into p: inout FusedProgram, leaves: [Tensor]) -> [FusedProgram.Ref]? {
        var refs: [FusedProgram.Ref] = []
        for node in nodes {
            let c = node.children.map { refs[$0] }
            switch node.kind {
            case .leaf(let k), .computed(_, let k):
                guard let r = p.input(leaves[k], shape: shape) else { return nil }
                refs.append(r)
            case .binary(let op):
                // x^2 and x^1 for a one-element exponent, as Tensor.elementwise computes them.
                if op == .power, let e = constantExponent(refs.count), e == 2 || e == 1 {
                    refs.append(e == 2 ? p.emit(XE_OP_SQUARE, c[0]) : c[0])
                    continue
                }
                guard let code = op.fusedOpcode else { return nil }
                refs.append(p.emit(code, c[0], c[1]))
            case .negate: refs.append(p.emit(XE_OP_NEG, c[0]))
            case .not: refs.append(p.emit(XE_OP_NOT, c[0]))
            case .apply(.sigmoid):
                // σ(x) from e^-|x| as xe_unary computes it, the exp shared with a softplus of
                // x or -x (bce_logits) and with the gradient.
                refs.append(p.emit(XE_OP_SIGMOID_GIVEN, c[0], expNegAbs(node.children[0], &p, refs)))
            case .apply(let f): refs.append(p.emit(XE_OP_FUNCTION, c[0], function: f.kernel))
            case .clip: refs.append(p.emit(XE_OP_CLIP, c[0], c[1], c[2]))
            case .extremum(let maximum): refs.append(p.emit(maximum ? XE_OP_MAX : XE_OP_MIN, c[0], c[1]))
            case .softplus:
                // max(x, 0) + log1p(e^-|x|), as DTensor.softplus; e^-|x| read from z for x = -z,
                // so softplus(z) and softplus(-z) share their exp and log (a log1p of a value
                // in [0, 1], which needs none of log1p's special cases).
                let l = p.emit(XE_OP_LOG1P_UNIT, expNegAbs(node.children[0], &p, refs))
                refs.append(p.emit(XE_OP_ADD, p.emit(XE_OP_FUNCTION, c[0], function: UnaryFunction.relu.kernel), l))
            case .weighting: refs.append(p.emit(XE_OP_WEIGHT, c[0], c[1]))
            }
        }
        return refs
    }

    /// e^-|x| of node `i`'s value, computed from z when node i is -z (|-z| = |z| exactly).
    func expNegAbs(_ i: Int, _ p: inout FusedProgram, _ refs: [FusedProgram.Ref]) -> FusedProgram.Ref {
        if case .negate = nodes[i].kind { return p.emit(XE_OP_EXP_NEG_ABS, refs[nodes[i].children[0]]) }
        return p.emit(XE_OP_EXP_NEG_ABS, refs[i])
    }

    /// The gradient of each group of tracked leaves (nil for one no path reaches) given the
    /// result's gradient `seed`: one fused pass that recomputes the forward values and applies
    /// each operation's rule (the rules of `DTensor.binary`, `apply`, `clip`, `extremum`,
    /// `softplus`, `weighting`, `reduce`), summed over the broadcast axes of each leaf.
    func gradients(seed: Tensor, reduction: FusedReduction, leaves: [Tensor], group: [Int], groups: Int) throws(TensorError) -> [Tensor?] {
        let n = shape.reduce(1, *)
        var p = FusedProgram(count: n)
        guard let refs = emitForward(into: &p, leaves: leaves) else {
            throw .invalid("the fused expression's inputs changed shape")
        }
        let root: FusedProgram.Ref
        switch reduction {
        case .none:
            guard let s = p.input(seed, shape: shape) else {
                throw .shapeMismatch(operation: "gradient", seed.shape, shape)
            }
            root = s
        case .reduce(let mean, nil, _):
            root = p.constant(mean ? seed.storage[0] * (1 / Double(n)) : seed.storage[0])
        case .reduce(let mean, .some(let axis), _):
            // The reduced gradient spread back over the axis (its 1/k for a mean).
            guard let along = FusedGraph.along(axis, of: shape),
                  let s = p.input(try seed.reshaped(Tensor.keptShape(shape, axis: along.axis)), shape: shape) else {
                throw .shapeMismatch(operation: "gradient", seed.shape, shape)
            }
            root = mean ? p.emit(XE_OP_MUL, s, p.constant(1 / Double(shape[along.axis]))) : s
        }
        let adjoints = emitGradients(into: &p, refs, seed: root, group: group, groups: groups)
        let wanted = adjoints.indices.filter { adjoints[$0] != nil }
        return try shaped(try p.run(outputs: wanted.map { adjoints[$0]! }, reduce: nil).outputs, wanted, leaves: leaves, group: group, groups: groups)
    }

    /// Not reached while createsGraph was false when the region was evaluated; refused rather
    /// than answered with a constant.
    static let secondDerivative = TensorError.invalid("a fused elementwise expression was differentiated a second time; evaluate it inside the outer differentiation")

    /// Emits the chain rule of the whole expression given the result's gradient `seed`, with
    /// the forward values `refs`; the gradient of each group of tracked leaves (nil for one no
    /// path reaches), at the result's shape.
    func emitGradients(into p: inout FusedProgram, _ refs: [FusedProgram.Ref], seed: FusedProgram.Ref,
                       group: [Int], groups: Int) -> [FusedProgram.Ref?] {
        var adjoint = [FusedProgram.Ref?](repeating: nil, count: nodes.count)
        adjoint[nodes.count - 1] = seed
        var leafAdjoint = [FusedProgram.Ref?](repeating: nil, count: groups)
        func give(_ child: Int, _ ref: @autoclosure () -> FusedProgram.Ref) {
            guard nodes[child].tracked else { return }
            let r = ref()
            if case .leaf(let k) = nodes[child].kind {
                let g = group[k]
                leafAdjoint[g] = leafAdjoint[g].map { p.emit(XE_OP_ADD, $0, r) } ?? r
            } else {
                adjoint[child] = adjoint[child].map { p.emit(XE_OP_ADD, $0, r) } ?? r
            }
        }
        for i in nodes.indices.reversed() {
            guard nodes[i].tracked, let g = adjoint[i] else { continue }
            let c = nodes[i].children
            let x = c.first.map { refs[$0] }
            switch nodes[i].kind {
            case .leaf, .not:
                break
            case .binary(let op):
                let a = refs[c[0]], b = refs[c[1]]
                switch op {
                case .add:
                    give(c[0], g)
                    give(c[1], g)
                case .subtract:
                    give(c[0], g)
                    give(c[1], p.emit(XE_OP_NEG, g))
                case .multiply:
                    give(c[0], p.emit(XE_OP_MUL, g, b))
                    give(c[1], p.emit(XE_OP_MUL, g, a))
                case .divide:
                    give(c[0], p.emit(XE_OP_DIV, g, b))
                    give(c[1], p.emit(XE_OP_MUL, g, p.emit(XE_OP_DIV_DDENOMINATOR, a, b)))
                case .power:
                    if let e = constantExponent(i) {
                        // The rule of DTensor.binary for one known exponent, without a pow
                        // per element where none is needed.
                        let d = e == 0 ? p.constant(0) : e == 1 ? p.constant(1) : e == 2 ? p.emit(XE_OP_MUL, p.constant(2), a)
                            : p.emit(XE_OP_MUL, p.constant(e), p.emit(XE_OP_POW, a, p.constant(e - 1)))
                        give(c[0], p.emit(XE_OP_MUL, g, d))
                    } else {
                        give(c[0], p.emit(XE_OP_MUL, g, p.emit(XE_OP_POW_DBASE, a, b)))
                    }
                    give(c[1], p.emit(XE_OP_MUL, g, p.emit(XE_OP_POW_DEXPONENT, a, b)))
                default:
                    break
                }
            case .negate:
                give(c[0], p.emit(XE_OP_NEG, g))
            case .apply(let f):
                give(c[0], p.emit(XE_OP_MUL, g, p.emit(XE_OP_DERIVATIVE, x!, refs[i], function: f.kernel)))
            case .clip:
                let l = refs[c[1]], h = refs[c[2]]
                give(c[0], p.emit(XE_OP_MUL, g, p.emit(XE_OP_MUL, p.emit(XE_OP_GE, x!, l), p.emit(XE_OP_LE, x!, h))))
                give(c[1], p.emit(XE_OP_MUL, g, p.emit(XE_OP_LT, x!, l)))
                give(c[2], p.emit(XE_OP_MUL, g, p.emit(XE_OP_GT, x!, h)))
            case .extremum(let maximum):
                let share = p.emit(maximum ? XE_OP_SHARE_MAX : XE_OP_SHARE_MIN, x!, refs[c[1]])
                give(c[0], p.emit(XE_OP_MUL, g, share))
                give(c[1], p.emit(XE_OP_MUL, g, p.emit(XE_OP_ONE_MINUS, share)))
            case .computed(let f, _):
                give(c[0], p.emit(XE_OP_MUL, g, p.emit(XE_OP_DERIVATIVE, x!, refs[i], function: f.kernel)))
            case .softplus:
                give(c[0], p.emit(XE_OP_MUL, g, p.emit(XE_OP_SIGMOID_GIVEN, x!, expNegAbs(c[0], &p, refs))))
            case .weighting:
                // ∂/∂w = g·x, ∂/∂x = weighting(w, g), as DTensor.weighting.
                give(c[0], p.emit(XE_OP_MUL, g, refs[c[1]]))
                give(c[1], p.emit(XE_OP_WEIGHT, x!, g))
            }
        }
        return leafAdjoint
    }

    /// The gradients of the groups `wanted` from their full-size `outputs`, summed over each
    /// leaf's broadcast axes.
    func shaped(_ outputs: [[Double]], _ wanted: [Int], leaves: [Tensor], group: [Int], groups: Int) throws(TensorError) -> [Tensor?] {
        var result = [Tensor?](repeating: nil, count: groups)
        for (j, g) in wanted.enumerated() {
            let k = group.firstIndex(of: g)!
            let full = Tensor(shape: shape, storage: outputs[j])
            let target = leaves[k].shape
            result[g] = full.count == leaves[k].count ? try full.reshaped(target) : full.reduced(toShape: target)
        }
        return result
    }
}
