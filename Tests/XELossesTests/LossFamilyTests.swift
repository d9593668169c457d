import FiniteDifferences
import Glibc
import Testing
import XETensor
@testable import XELosses

/// The cross-entropy family's options and new losses: gradients of the formulas against central
/// finite differences, the shape rule, and the conventions' rules on worked numbers. (Values
/// against the real libraries are in Fixtures/conformance/loss_family.json.)
struct LossFamilyTests {
    let registry = LossRegistry.withBuiltins()

    func t(_ shape: [Int], _ values: [Double]) -> LossValue { .tensor(DTensor(Tensor(shape: shape, storage: values))) }

    func call(_ name: String, _ values: [String: LossValue]) throws -> Tensor {
        let loss = registry.lookup(name)!
        return try loss.evaluate(LossArguments(lossName: name, values: values)).value
    }

    /// Every case: a loss, its arguments, and the name of the argument differentiated.
    var cases: [(String, [String: LossValue], String)] {
        let y = t([2, 3], [1, 0, 1, 0, 0.3, 1])
        let p = t([2, 3], [0.9, 0.2, 0.7, 0.05, 0.5, 0.99])
        let z = t([2, 3], [2.5, -1, 0.3, -4, 0.1, 7])
        let z3 = t([2, 3, 2], [0.5, -1, 2, 0.1, -0.3, 1.5, 1, 0, -2, 0.7, 0.2, 0.4])
        let labels3 = t([2, 2], [2, 0, -100, 1])
        let labels = t([2], [2, 0])
        let soft = t([2, 3], [0.2, 0.3, 0.5, 0.6, 0.1, 0.3])
        let w = t([3], [0.5, 2, 1])
        var list: [(String, [String: LossValue], String)] = []
        for convention in Convention.allCases.map(\.rawValue) {
            let c = LossValue.string(convention)
            list.append(("bce", ["y": y, "p": p, "convention": c, "label_smoothing": .number(0.1), "reduction": .string("mean")], "p"))
            list.append(("bce_logits", ["y": y, "z": z, "convention": c, "weight": t([2, 1], [1, 3]), "reduction": .string("sum")], "z"))
            list.append(("cce", ["y": labels, "p": soft, "convention": c, "weight": w, "reduction": .string("mean")], "p"))
            list.append(("cce_logits", ["y": soft, "z": z, "convention": c, "weight": w, "label_smoothing": .number(0.2), "reduction": .string("mean")], "z"))
            list.append(("focal", ["y": y, "p": p, "convention": c, "alpha": .number(0.25), "reduction": .string("mean")], "p"))
            list.append(("focal_logits", ["y": y, "z": z, "convention": c, "gamma": .number(1.5), "label_smoothing": .number(0.1), "reduction": .string("sum")], "z"))
            list.append(("cce_focal", ["y": soft, "p": soft, "convention": c, "alpha": w, "reduction": .string("mean")], "p"))
            list.append(("cce_focal_logits", ["y": labels, "z": z, "convention": c, "reduction": .string("mean")], "z"))
        }
        for reduction in ["mean", "sum", "none"] {
            let r = LossValue.string(reduction)
            list.append(("cce_logits", ["y": labels3, "z": z3, "axis": .number(1), "ignore_index": .number(-100), "weight": w, "label_smoothing": .number(0.1), "reduction": r], "z"))
            list.append(("nll", ["y": labels3, "x": z3, "axis": .number(1), "ignore_index": .number(-100), "weight": w, "reduction": r], "x"))
            list.append(("cce_focal_logits", ["y": labels3, "z": z3, "axis": .number(1), "ignore_index": .number(-100), "reduction": r], "z"))
            list.append(("bce_logits", ["y": t([2, 3], [1.5, -0.5, 0.2, 2, 0, 1]), "z": z, "strict": .number(0), "reduction": r], "z"))
        }
        for red in KLDivergence.reductions {
            list.append(("kl_div", ["p": soft, "q": t([2, 3], [0.3, 0.3, 0.4, 0.5, 0.25, 0.25]), "reduction": .string(red)], "q"))
            list.append(("kl_div", ["p": soft, "q": t([2, 3], [0.3, 0.3, 0.4, 0.5, 0.25, 0.25]), "reduction": .string(red)], "p"))
            list.append(("kl_div", ["p": t([2, 3], [-1.2, -0.7, -1.5, -0.4, -2, -1.1]), "q": z, "log_target": .number(1), "log_input": .number(1), "axis": .number(0), "reduction": .string(red)], "q"))
        }
        return list
    }

    /// A scalar from any result: the sum weighted by 1, 2, 3, ... (so every element counts differently).
    func scalar(_ out: DTensor) throws -> DTensor {
        try (out * DTensor(Tensor(shape: out.shape, storage: (0..<out.value.count).map { 1 + Double($0) }))).sum()
    }

    @Test func formulaGradientsMatchFiniteDifferences() throws {
        for (name, values, wrt) in cases {
            let loss = registry.lookup(name)!
            guard case .tensor(let x) = values[wrt]! else { continue }
            let leaf = Node(leaf: x.value)
            var tracked = values
            tracked[wrt] = .tensor(DTensor(leaf))
            let out = try scalar(loss.evaluate(LossArguments(lossName: name, values: tracked)))
            let g = try out.node!.gradients(withRespectTo: [leaf])[0].value
            let numeric = try FiniteDifferences.gradient(at: x.value.storage) { storage in
                var moved = values
                moved[wrt] = .tensor(DTensor(Tensor(shape: x.shape, storage: storage)))
                return try scalar(loss.evaluate(LossArguments(lossName: name, values: moved))).value.storage[0]
            }
            for (i, (a, d)) in zip(g.storage, numeric).enumerated() {
                #expect(FiniteDifferences.agree(a, d, tolerance: 1e-5), "\(name) \(values.keys.sorted()) ∂/∂\(wrt)[\(i)]: \(a) vs \(d)")
            }
        }
    }

    @Test func conventionsOnWorkedNumbers() throws {
        let y = t([1], [1]), p = t([1], [0])
        let expected: [String: Double] = ["xe": -log(1e-15), "torch": 100, "keras": -log(1e-7), "sklearn": -log(Double.ulpOfOne)]
        for (convention, value) in expected {
            let v = try call("bce", ["y": y, "p": p, "convention": .string(convention)]).storage[0]
            #expect(abs(v - value) <= 1e-12 * value, "\(convention): \(v)")
        }
        // optax: no reduction unless asked.
        #expect(try call("bce_logits", ["y": t([3], [1, 0, 1]), "z": t([3], [1, 2, 3]), "convention": .string("optax")]).shape == [3])
        // Keras: binary losses averaged per sample over the last axis first.
        let none = try call("bce", ["y": t([2, 2], [1, 0, 0, 1]), "p": t([2, 2], [0.9, 0.2, 0.3, 0.6]), "convention": .string("keras"), "reduction": .string("none")])
        #expect(none.shape == [2])
        // sklearn: sample weights divide by their sum.
        let s = try call("bce", ["y": t([2], [1, 0]), "p": t([2], [0.5, 0.5]), "weight": t([2], [1, 3]), "convention": .string("sklearn")]).storage[0]
        #expect(abs(s - log(2.0)) < 1e-15)
        let rows = try ConventionTable.rows(registry.lookup("bce")!, LossArguments(lossName: "bce", values: ["y": y, "p": p]))
        #expect(rows.map(\.convention) == Convention.allCases)
        #expect(rows.first { $0.convention == .torch }?.note.contains("-100") == true)
    }

    @Test func shapeRuleRefusesOuterProducts() throws {
        do {
            _ = try call("bce", ["y": t([3], [1, 0, 1]), "p": t([3, 1], [0.9, 0.2, 0.6])])
            Issue.record("(3,) against (3, 1) was accepted")
        } catch let e as TensorError {
            #expect(e.message.contains("(3,)") && e.message.contains("(3, 1)") && e.message.contains("reshape"), "\(e.message)")
        }
        #expect(throws: TensorError.self) { try call("focal_logits", ["y": t([2], [1, 0]), "z": t([2, 2], [1, 2, 3, 4])]) }
        // A scalar target still broadcasts, and weight= keeps broadcasting.
        _ = try call("bce", ["y": .number(1), "p": t([2], [0.9, 0.8])])
        _ = try call("bce", ["y": t([2, 2], [1, 0, 0, 1]), "p": t([2, 2], [0.9, 0.2, 0.3, 0.6]), "weight": t([2, 1], [1, 2])])
    }

    /// Class indices are integers in 0..C-1: the first that is not (a fraction, NaN, ±inf, a
    /// negative, C itself) is named with its position; -0 and the largest class are accepted.
    @Test func classIndicesMustBeIntegersInRange() throws {
        let z = t([4, 3], [1, 2, 3, 0, 1, 2, -1, 0, 1, 2, 2, 2])
        _ = try call("cce_logits", ["y": t([4], [0, -0.0, 2, 1]), "z": z])
        for (bad, shown) in [(2.5, "2.5"), (.nan, "nan"), (.infinity, "inf"), (-1, "-1"), (3, "3"), (1e300, "1e+300")] {
            do {
                _ = try call("cce_logits", ["y": t([4], [0, 1, bad, 7]), "z": z])
                Issue.record("class index \(bad) was accepted")
            } catch let e as TensorError {
                #expect(e.message.contains("class index y[2] = \(shown) is not an integer in 0..2"), "\(e.message)")
            }
        }
    }

    @Test func zeroTimesLogZeroIsZero() throws {
        let v = try call("cce_logits", ["y": t([2, 3], [0.3, 0, 0.7, 1, 0, 0]), "z": t([2, 3], [1, -.infinity, 2, 0.5, 0.1, -.infinity]), "reduction": .string("none")])
        #expect(v.storage.allSatisfy { $0.isFinite })
        let c = try call("cce", ["y": t([1, 2], [1, 0]), "p": t([1, 2], [1, 0]), "eps": .number(0)])
        #expect(c.storage == [0])
    }

    @Test func ignoreIndexLeavesTheDenominatorAndAllIgnoredIsNaN() throws {
        let z = t([3, 2], [1, 2, 0.5, -1, 3, 0])
        let some = try call("cce_logits", ["y": t([3], [0, -1, 1]), "z": z, "ignore_index": .number(-1)]).storage[0]
        let two = try call("cce_logits", ["y": t([2], [0, 1]), "z": t([2, 2], [1, 2, 3, 0])]).storage[0]
        #expect(abs(some - two) < 1e-15)
        #expect(try call("nll", ["y": t([2], [7, 7]), "x": t([2, 2], [1, 2, 3, 4]), "ignore_index": .number(7)]).storage[0].isNaN)
    }
}
