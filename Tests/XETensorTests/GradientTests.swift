import Testing
import XESyntax
@testable import XETensor

/// Every differentiable operation against central finite differences.
struct GradientTests {
    let x = Tensor(shape: [2, 3], storage: [0.3, -1.2, 0.8, 2.1, -0.4, 1.5])
    let positive = Tensor(shape: [2, 3], storage: [0.3, 1.2, 0.8, 2.1, 0.4, 1.5])

    @Test func arithmeticWithBroadcasting() throws {
        let row = DTensor(Tensor(vector: [0.5, -2, 3]))
        try checkGradient("add", at: x) { try $0 + row }
        try checkGradient("sub", at: x) { try row - $0 }
        try checkGradient("mul", at: x) { try $0 * $0 * row }
        try checkGradient("div", at: positive) { try row / $0 }
        try checkGradient("pow", at: positive) { try $0.pow(DTensor(scalar: 2.5)) }
        try checkGradient("pow exponent", at: Tensor(vector: [0.5, 1.5])) { try DTensor(Tensor(vector: [2, 3])).pow($0) }
        try checkGradient("neg", at: x) { -$0 }
        // Gradient with respect to the broadcast operand sums over the broadcast axis.
        try checkGradient("broadcast operand", at: Tensor(vector: [0.5, -2, 3])) { try DTensor(x) * $0 }
        try checkGradient("scalar operand", at: Tensor(scalar: 0.7)) { try DTensor(x) * $0 }
    }

    @Test func elementwiseFunctions() throws {
        for f in UnaryFunction.allCases {
            let input = (f == .log || f == .sqrt || f == .log1p) ? positive : x
            try checkGradient(f.rawValue, at: input) { DTensor.apply(f, $0) }
        }
        try checkGradient("clip", at: x) { try DTensor.clip($0, DTensor(scalar: -1), DTensor(scalar: 1)) }
        try checkGradient("maximum", at: x) { try DTensor.extremum($0, DTensor(scalar: 0.5), maximum: true) }
        try checkGradient("minimum", at: x) { try DTensor.extremum($0, DTensor(scalar: 0.5), maximum: false) }
    }

    /// The fused first-order derivative loop and the differentiable rule a recording sweep uses
    /// give the same numbers.
    @Test func unaryDerivativeFormsAgree() throws {
        let inputs = Tensor(vector: [-2.5, -0.3, 0, 0.4, 1.7, 30])
        for f in UnaryFunction.allCases {
            let y = inputs.applying(f)
            let formula = try f.derivative(of: DTensor(inputs), result: DTensor(y)).value
            for i in 0..<inputs.count {
                let fused = f.derivative(inputs.storage[i], y.storage[i])
                #expect(fused == formula.storage[i] || (fused.isNaN && formula.storage[i].isNaN) || abs(fused - formula.storage[i]) <= 1e-15 * abs(fused), "\(f) at \(inputs.storage[i])")
            }
        }
    }

    /// The fused first-order rules of `/` and `^` and their differentiable forms agree.
    @Test func binaryDerivativeFormsAgree() throws {
        let bases = Tensor(vector: [0, 0.5, 1.5, 2, 3]), exponents = Tensor(vector: [2, 0, 1, -1.5, 2.5])
        for op in [BinaryOperator.divide, .power] {
            let a = Node(leaf: op == .divide ? exponents : bases), b = Node(leaf: op == .divide ? bases.map { $0 + 1 } : exponents)
            let out = try DTensor.binary(op, DTensor(a), DTensor(b)).sum()
            let fused = try out.node!.gradients(withRespectTo: [a, b])
            let formula = try out.node!.gradients(withRespectTo: [a, b], createGraph: true)
            for (f, r) in zip(fused, formula) {
                for (x, y) in zip(f.value.storage, r.value.storage) {
                    #expect(x == y || abs(x - y) <= 1e-15 * abs(x) || (x.isNaN && y.isNaN), "\(op): fused \(x) vs formula \(y)")
                }
            }
        }
    }

    /// A first derivative sweep records nothing; one inside an enclosing differentiation records
    /// its graph, and `createsGraph` says so.
    @Test func recordingFollowsNesting() throws {
        #expect(!DTensor.createsGraph)
        let leaf = Node(leaf: Tensor(scalar: 2))
        let cube = try DTensor(leaf) * DTensor(leaf) * DTensor(leaf)
        #expect(try !cube.node!.gradients(withRespectTo: [leaf])[0].isTracked)
        try DTensor.differentiating {
            #expect(!DTensor.createsGraph)
            try DTensor.differentiating {
                #expect(DTensor.createsGraph)
                let first = try cube.node!.gradients(withRespectTo: [leaf], createGraph: true)[0]
                #expect(first.value.storage == [12])
                #expect(try first.node!.gradients(withRespectTo: [leaf])[0].value.storage == [12])
            }
        }
        #expect(!DTensor.createsGraph)
        let refused = try DTensor(leaf) + DTensor.differentiating { try DTensor.differentiating { () throws -> DTensor in
            try cube.node!.gradients(withRespectTo: [leaf], createGraph: true)[0] + DTensor.refusingDerivative(DTensor(leaf), "no second derivative")
        } }
        #expect(throws: TensorError.self) { try refused.node!.gradients(withRespectTo: [leaf]) }
    }

    @Test func kinkConventions() throws {
        let zero = Node(leaf: Tensor(vector: [0, 1, 2]))
        let a = try DTensor.apply(.abs, DTensor(zero)).sum()
        #expect(try a.node!.gradients(withRespectTo: [zero])[0].value.storage == [0, 1, 1])
        let c = try DTensor.clip(DTensor(zero), DTensor(scalar: 0), DTensor(scalar: 1)).sum()
        #expect(try c.node!.gradients(withRespectTo: [zero])[0].value.storage == [1, 1, 0])
        let tie = Node(leaf: Tensor(vector: [3, 1, 3]))
        let m = try DTensor.reduce(.max, DTensor(tie), axis: nil)
        #expect(try m.node!.gradients(withRespectTo: [tie])[0].value.storage == [0.5, 0, 0.5])
    }

    @Test func reductionsAndSoftmax() throws {
        for kind in [Reduction.sum, .mean, .max, .min] {
            try checkGradient("\(kind) all", at: x) { try DTensor.reduce(kind, $0, axis: nil) }
            try checkGradient("\(kind) axis 0", at: x) { try DTensor.reduce(kind, $0, axis: 0) }
            try checkGradient("\(kind) axis -1 keepdims", at: x) { try DTensor.reduce(kind, $0, axis: -1, keepdims: true) }
        }
        try checkGradient("softmax", at: x) { try DTensor.softmax($0, axis: -1) }
        try checkGradient("softmax axis 0", at: x) { try DTensor.softmax($0, axis: 0) }
        try checkGradient("log_softmax", at: x) { try DTensor.logSoftmax($0, axis: -1) }
        try checkGradient("logsumexp", at: x) { try DTensor.logSumExp($0, axis: -1) }
        try checkGradient("logsumexp axis 0", at: x) { try DTensor.logSumExp($0, axis: 0) }
    }

    @Test func shapesAndIndexing() throws {
        try checkGradient("matmul left", at: x) { try DTensor.matmul($0, DTensor(Tensor(shape: [3, 2], storage: [1, 2, 3, 4, 5, 6]))) }
        try checkGradient("matmul right", at: Tensor(shape: [3, 2], storage: [1, 2, 3, 4, 5, 6])) { try DTensor.matmul(DTensor(x), $0) }
        try checkGradient("matvec", at: Tensor(vector: [1, -1, 2])) { try DTensor.matmul(DTensor(x), $0) }
        try checkGradient("vecmat", at: Tensor(vector: [1, -1])) { try DTensor.matmul($0, DTensor(x)) }
        try checkGradient("dot", at: Tensor(vector: [1, -1, 2])) { try DTensor.matmul($0, $0) }
        let stack = Tensor(shape: [2, 2, 3], storage: [0.3, -1.2, 0.8, 2.1, -0.4, 1.5, 1, 0.5, -0.5, 0.2, 0.7, -1.1])
        try checkGradient("matmul stack broadcast", at: stack) { try DTensor.matmul($0, DTensor.transpose(DTensor(x))) }
        try checkGradient("matmul stack squared", at: stack) { try DTensor.matmul($0, DTensor.transpose($0, [0, 2, 1])) }
        let a = Tensor(shape: [3, 3], storage: [4, 1, -0.5, 0.3, 3, 1, -1, 0.2, 5])
        try checkGradient("solve (A)", at: a) { try DTensor.solve($0, DTensor(Tensor(vector: [1, -2, 0.5]))) }
        try checkGradient("solve (b)", at: Tensor(vector: [1, -2, 0.5])) { try DTensor.solve(DTensor(a), $0) }
        try checkGradient("solve (B matrix)", at: Tensor(shape: [3, 2], storage: [1, 0, -2, 1, 0.5, 3])) { try DTensor.solve(DTensor(a), $0) }
        try checkGradient("softplus", at: Tensor(vector: [-3, -0.5, 0, 0.5, 3])) { DTensor.softplus($0) }
        try checkGradient("stack @ vector", at: Tensor(vector: [1, -1, 2])) { try DTensor.matmul(DTensor(stack), $0) * $0.sum() }
        try checkGradient("reshape", at: x) { try DTensor.reshape($0, [3, 2]) }
        try checkGradient("transpose", at: x) { try DTensor.transpose($0) }
        let plan = try IndexPlan(shape: [2, 3], indices: [.range(start: nil, stop: nil, step: nil), .list([2, 0, 2])])
        try checkGradient("gather with repeats", at: x) { DTensor.gather($0, plan) }
        let single = try IndexPlan(shape: [2, 3], indices: [.at(1), .at(1)])
        try checkGradient("assign (base)", at: x) { try DTensor.assigning($0, single, DTensor(scalar: 5)) }
        try checkGradient("assign (value)", at: Tensor(scalar: 5)) { try DTensor.assigning(DTensor(x), single, $0) }
        try checkGradient("stack", at: Tensor(vector: [1, 2])) { try DTensor.stack([$0, try $0 * $0]) }
    }
}
