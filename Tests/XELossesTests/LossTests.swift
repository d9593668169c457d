import FiniteDifferences
import Testing
import XETensor
@testable import XELosses

/// The built-in losses: fused kernels against their formulas (values and first gradients), the
/// gradients `evaluate` gives against differentiating the formulas and against central finite
/// differences.
struct LossTests {
    let registry = LossRegistry.withBuiltins()

    func arguments(_ loss: any Loss, _ values: [String: LossValue]) -> LossArguments {
        var all: [String: LossValue] = [:]
        for p in loss.parameters { if let d = p.defaultValue { all[p.name] = d } }
        for (k, v) in values { all[k] = v }
        // reduction and eps are the convention's when not given.
        return try! LossOptions.resolved(LossArguments(lossName: loss.name, values: all), parameters: loss.parameters)
    }

    func t(_ shape: [Int], _ values: [Double]) -> LossValue { .tensor(DTensor(Tensor(shape: shape, storage: values))) }

    /// Every case: a loss and arguments (predictions under the loss's second parameter name).
    var cases: [(String, [String: LossValue])] {
        let y = t([2, 3], [1, 0, 1, 0, 0.3, 1])
        let p = t([2, 3], [0.9, 0.2, 0.7, 0.05, 0.5, 0.99])
        let z = t([2, 3], [2.5, -1, 0.3, -4, 0.1, 7])
        let labels = t([2], [2, 0])
        let onehot = t([2, 3], [0, 0, 1, 1, 0, 0])
        let soft = t([2, 3], [0.2, 0.3, 0.5, 0.6, 0.1, 0.3])
        let probs = t([2, 3], [0.2, 0.5, 0.3, 0.7, 0.2, 0.1])
        let w = t([3], [0.5, 2, 1])
        var list: [(String, [String: LossValue])] = []
        for reduction in ["mean", "sum", "none"] {
            let r = LossValue.string(reduction)
            list.append(("bce", ["y": y, "p": p, "reduction": r]))
            list.append(("bce", ["y": y, "p": p, "reduction": r, "weight": w, "eps": .number(0.03)]))
            list.append(("bce_logits", ["y": y, "z": z, "reduction": r]))
            list.append(("bce_logits", ["y": y, "z": z, "reduction": r, "pos_weight": w, "weight": t([2, 1], [1, 3])]))
            for target in [labels, onehot, soft] {
                list.append(("cce", ["y": target, "p": probs, "reduction": r]))
                list.append(("cce", ["y": target, "p": probs, "reduction": r, "weight": w, "label_smoothing": .number(0.1)]))
                list.append(("cce_logits", ["y": target, "z": z, "reduction": r]))
                list.append(("cce_logits", ["y": target, "z": z, "reduction": r, "weight": w, "label_smoothing": .number(0.2)]))
            }
        }
        return list
    }

    /// The fused kernels, value and first gradient, against the formula (its value and its
    /// gradient differentiated op by op) on random data of sizes around the SIMD widths.
    @Test func fusedKernelsMatchTheFormulaOnRandomData() throws {
        var random = KernelTests.Random(state: 13)
        for n in [1, 3, 8, 17, 100, 1031] {
            let labels = (0..<n).map { _ in Double(Int(random.next() * 2)) }
            let probabilities = (0..<n).map { _ in random.next() }
            let logits = (0..<n).map { _ in (random.next() - 0.5) * 20 }
            let classes = 5
            let classLabels = (0..<n).map { _ in Double(Int(random.next() * Double(classes))) }
            let scores = (0..<(n * classes)).map { _ in (random.next() - 0.5) * 12 }
            let soft = (0..<(n * classes)).map { _ in random.next() }
            var cases: [(String, [String: LossValue])] = []
            for reduction in ["mean", "sum"] {
                let r = LossValue.string(reduction)
                cases.append(("bce", ["y": t([n], labels), "p": t([n], probabilities), "reduction": r]))
                cases.append(("bce", ["y": t([n], probabilities.reversed()), "p": t([n], probabilities), "reduction": r, "eps": .number(0.01)]))
                cases.append(("bce_logits", ["y": t([n], labels), "z": t([n], logits), "reduction": r]))
                cases.append(("cce_logits", ["y": t([n], classLabels), "z": t([n, classes], scores), "reduction": r]))
                cases.append(("cce_logits", ["y": t([n, classes], soft), "z": t([n, classes], scores), "reduction": r]))
            }
            for (name, values) in cases {
                let loss = registry.lookup(name)!
                let args = arguments(loss, values)
                let kernel = try #require(try loss.fused(args, gradient: true), "\(name) n=\(n): no fused kernel")
                let predictions = loss.parameters[1].name
                guard case .tensor(let x)? = values[predictions] else { continue }
                let leaf = Node(leaf: x.value)
                var tracked = args
                tracked.values[predictions] = .tensor(DTensor(leaf))
                let formula = try loss.formula(tracked)
                let v = kernel.value.storage[0], f = formula.value.storage[0]
                #expect(abs(v - f) <= 1e-13 * max(1, abs(f)), "\(name) n=\(n): fused \(v) vs formula \(f)")
                let g = try #require(kernel.gradient)
                let opByOp = try formula.node!.gradients(withRespectTo: [leaf])[0].value
                for i in 0..<g.count {
                    #expect(abs(g.storage[i] - opByOp.storage[i]) <= 1e-12 * max(1, abs(opByOp.storage[i])),
                            "\(name) n=\(n) [\(i)]: fused \(g.storage[i]) vs formula \(opByOp.storage[i])")
                }
            }
        }
    }

    /// The losses' elementwise forms run fused (`Loss.fusedFormula`) against their formulas op by
    /// op: values, and first gradients with respect to every tensor argument, on random data
    /// with soft targets, infinite and NaN logits, options, odd lengths and a size above the
    /// threading threshold; refused where the result may be differentiated twice.
    @Test func elementwiseFormsMatchTheFormulaOnRandomData() throws {
        var random = KernelTests.Random(state: 29)
        let loss = registry.lookup("bce_logits")!
        for n in [1, 5, 1023, 1025, 70001] {
            var logits = (0..<n).map { _ in (random.next() - 0.5) * 40 }
            let targets = (0..<n).map { _ in random.next() < 0.3 ? random.next() : Double(Int(random.next() * 2)) }
            if n >= 5 {
                logits[0] = .infinity
                logits[1] = -.infinity
                logits[2] = 0
                logits[3] = .nan
            }
            for reduction in ["none", "mean", "sum"] {
                for options in [[:], ["label_smoothing": LossValue.number(0.1)], ["pos_weight": .number(2.5)],
                                ["pos_weight": t([1, 1], [0.5]), "label_smoothing": .number(0.3)]] as [[String: LossValue]] {
                    var values: [String: LossValue] = ["y": t([n], targets), "z": t([n], logits), "reduction": .string(reduction)]
                    values.merge(options) { $1 }
                    let args = arguments(loss, values)
                    let fused = try #require(try loss.fusedFormula(args), "bce_logits n=\(n) \(values.keys.sorted())")
                    let formula = try loss.formula(args)
                    #expect(FusedLossCheck.agree(fused.value, formula.value), "bce_logits n=\(n) \(reduction) \(options.keys.sorted())")
                    // First gradients with respect to y, z (and pos_weight when a tensor).
                    var tracked = args, leaves: [Node] = []
                    for name in ["y", "z", "pos_weight"] {
                        guard case .tensor(let x)? = args.values[name], name != "pos_weight" || x.value.rank > 0 else { continue }
                        let leaf = Node(leaf: x.value)
                        leaves.append(leaf)
                        tracked.values[name] = .tensor(DTensor(leaf))
                    }
                    let seed = DTensor(Tensor(shape: formula.shape, storage: (0..<formula.value.count).map { 1 + Double($0 % 7) }))
                    let viaFused = try (try #require(try loss.fusedFormula(tracked)) * seed).sum()
                    let viaFormula = try (try loss.formula(tracked) * seed).sum()
                    let g = try viaFused.node!.gradients(withRespectTo: leaves), h = try viaFormula.node!.gradients(withRespectTo: leaves)
                    for (a, b) in zip(g, h) {
                        #expect(FusedLossCheck.agree(a.value, b.value), "gradient: bce_logits n=\(n) \(reduction) \(options.keys.sorted())")
                    }
                    // Where the result may be differentiated again, the formula is used.
                    let again = try DTensor.differentiating(levels: 2) { try loss.fusedFormula(tracked) }
                    #expect(again == nil)
                }
            }
        }
    }

    @Test func valuesMatchTheFormulas() throws {
        for (name, values) in cases {
            let loss = registry.lookup(name)!
            let args = arguments(loss, values)
            let fused = try loss.value(args)
            let formula = try loss.formula(args).value
            #expect(fused.shape == formula.shape, "\(name) \(values.keys.sorted())")
            for (a, b) in zip(fused.storage, formula.storage) {
                #expect(abs(a - b) <= 1e-13 * max(1, abs(b)), "\(name): fused \(a) vs formula \(b)")
            }
        }
    }

    @Test func gradientsMatchTheFormulasAndFiniteDifferences() throws {
        for (name, values) in cases {
            let loss = registry.lookup(name)!
            let predictions = loss.parameters[1].name
            guard case .tensor(let x) = values[predictions]! else { continue }
            func scalar(_ out: DTensor) throws -> DTensor {
                out.value.count == 1 ? try out.sum() : try (out * DTensor(Tensor(shape: out.shape, storage: (0..<out.value.count).map { 1 + Double($0) }))).sum()
            }
            // The loss's own gradient, through `evaluate`.
            let leaf = Node(leaf: x.value)
            var tracked = values
            tracked[predictions] = .tensor(DTensor(leaf))
            let own = try scalar(try loss.evaluate(arguments(loss, tracked))).node!.gradients(withRespectTo: [leaf])[0].value
            // The formula differentiated op by op.
            let leaf2 = Node(leaf: x.value)
            tracked[predictions] = .tensor(DTensor(leaf2))
            let opByOp = try scalar(try loss.formula(arguments(loss, tracked))).node!.gradients(withRespectTo: [leaf2])[0].value
            let numeric = try FiniteDifferences.gradient(at: x.value.storage) { storage in
                var moved = values
                moved[predictions] = .tensor(DTensor(Tensor(shape: x.shape, storage: storage)))
                return try scalar(DTensor(try loss.value(arguments(loss, moved)))).value.storage[0]
            }
            for i in 0..<x.value.count {
                #expect(abs(own.storage[i] - opByOp.storage[i]) <= 1e-12 * max(1, abs(opByOp.storage[i])), "\(name) [\(i)]: own \(own.storage[i]) vs op-by-op \(opByOp.storage[i])")
                #expect(FiniteDifferences.agree(own.storage[i], numeric[i], tolerance: 1e-5), "\(name) [\(i)]: own \(own.storage[i]) vs numeric \(numeric[i])")
            }
        }
    }

    @Test func workedValues() throws {
        let bce = registry.lookup("bce")!
        let v = try bce.evaluate(arguments(bce, ["y": t([4], [1, 0, 1, 0]), "p": t([4], [0.9, 0.1, 0.8, 0.2])]))
        #expect(v.value.storage[0] == 0.164252033486018)
        let cce = registry.lookup("cce")!
        let p = t([3, 3], [0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.2, 0.3, 0.5])
        let a = try cce.evaluate(arguments(cce, ["y": t([3], [0, 1, 2]), "p": p])).value.storage[0]
        let b = try cce.evaluate(arguments(cce, ["y": t([3, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1]), "p": p])).value.storage[0]
        #expect(abs(a - 0.4243218919376292) < 1e-15 && a == b)
    }

    @Test func weightedMeanIsTheSameForIndicesAndOneHot() throws {
        let cce = registry.lookup("cce_logits")!
        let z = t([2, 3], [2.5, -1, 0.3, -4, 0.1, 7])
        let w = t([3], [0.5, 2, 1])
        let a = try cce.evaluate(arguments(cce, ["y": t([2], [2, 0]), "z": z, "weight": w])).value.storage[0]
        let b = try cce.evaluate(arguments(cce, ["y": t([2, 3], [0, 0, 1, 1, 0, 0]), "z": z, "weight": w])).value.storage[0]
        #expect(abs(a - b) < 1e-15)
    }

    @Test func extremeLogitsStayFinite() throws {
        let bce = registry.lookup("bce_logits")!
        let v = try bce.evaluate(arguments(bce, ["y": t([4], [1, 0, 0, 1]), "z": t([4], [1000, -1000, 1000, -1000])]))
        #expect(v.value.storage[0] == 500)
        let cce = registry.lookup("cce_logits")!
        let c = try cce.evaluate(arguments(cce, ["y": t([2], [0, 1]), "z": t([2, 2], [1000, -1000, 1000, -1000])]))
        #expect(c.value.storage[0] == 1000)
    }

    @Test func badInputsAreErrors() {
        let bad: [(String, [String: LossValue])] = [
            ("bce", ["y": t([2], [1, 0]), "p": t([2], [0.5, 1.2])]),
            ("bce", ["y": t([2], [2, 0]), "p": t([2], [0.5, 0.5])]),
            ("bce", ["y": t([2], [1, 0]), "p": t([3], [0.5, 0.5, 0.5])]),
            ("bce", ["y": t([1], [1]), "p": t([1], [0.5]), "reduction": .string("avg")]),
            ("cce", ["y": t([2], [0, 3]), "p": t([2, 3], [0.2, 0.5, 0.3, 0.7, 0.2, 0.1])]),
            ("cce", ["y": t([2], [0, 1.5]), "p": t([2, 3], [0.2, 0.5, 0.3, 0.7, 0.2, 0.1])]),
            ("cce", ["y": t([2], [0, 1]), "p": t([2, 3], [2, -1, 0.3, 0.7, 0.2, 0.1])]),
            ("cce", ["y": t([3], [0, 1, 1]), "p": t([2, 3], [0.2, 0.5, 0.3, 0.7, 0.2, 0.1])]),
            ("cce_logits", ["y": t([2], [0, 1]), "z": t([2, 3], [1, 2, 3, 4, 5, 6]), "weight": t([2], [1, 1])]),
        ]
        for (name, values) in bad {
            let loss = registry.lookup(name)!
            #expect(throws: (any Error).self, "\(name)") { try loss.evaluate(arguments(loss, values)) }
        }
    }

    @Test func registryRefusesDuplicates() throws {
        let registry = LossRegistry.withBuiltins()
        #expect(throws: RegistryError.self) { try registry.register(BinaryCrossEntropy(), origin: "test") }
        try registry.register(BinaryCrossEntropy(), origin: "test", replace: true)
        #expect(registry.entry("bce")?.origin == "test")
    }
}

/// Tensors equal in shape, NaN and infinities, and within 1e-12 relative elsewhere.
enum FusedLossCheck {
    static func agree(_ a: Tensor, _ b: Tensor) -> Bool {
        a.shape == b.shape && FiniteDifferences.agree(a.storage, b.storage, tolerance: 1e-12)
    }
}
