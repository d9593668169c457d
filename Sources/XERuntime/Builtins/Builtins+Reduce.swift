import XETensor

extension Builtins {
    static func reduction(_ kind: Reduction, _ summary: String, _ formula: String, _ example: String) -> Builtin {
        Builtin(kind.rawValue, [x(), ParameterSpec("axis"), ParameterSpec("keepdims", default: .number(0))],
                summary: summary + " (over every element, or along axis=; negative axes count from the end)",
                details: "Formula: \(formula)\nExample: \(example)") { call in
            let t = try call.tensor(0)
            return Value(try DTensor.reduce(kind, t, axis: try call.axis(1), keepdims: try call.flag(2)))
        }
    }

    static func softmaxFamily(_ name: String, _ summary: String, _ formula: String, _ example: String,
                              _ op: @escaping (DTensor, Int) throws -> DTensor) -> Builtin {
        Builtin(name, [x(), ParameterSpec("axis", default: .number(-1))], summary: summary + " (over the last axis unless axis= says otherwise)",
                details: "Formula: \(formula)\nExample: \(example)") { call in
            Value(try op(try call.tensor(0), try call.axis(1) ?? -1))
        }
    }

    static let reductions: [Builtin] = [
        reduction(.sum, "sum", "Σ x_i (pairwise, as NumPy)", "sum([[1, 2], [3, 4]], axis=0)  →  [4, 6]"),
        reduction(.mean, "arithmetic mean", "Σ x_i / n; the gradient is 1/n per element", "mean([1, 2, 3, 4])  →  2.5"),
        reduction(.max, "largest element", "max_i x_i; ties share the gradient evenly", "max([[1, 5], [7, 2]], axis=1)  →  [5, 7]"),
        reduction(.min, "smallest element", "min_i x_i; ties share the gradient evenly", "min([3, 1, 2])  →  1"),
        reduction(.argmax, "position of the largest element (first on ties)", "argmax_i x_i; no gradient", "argmax([0.1, 0.7, 0.2])  →  1"),
        reduction(.argmin, "position of the smallest element (first on ties)", "argmin_i x_i; no gradient", "argmin([3, 1, 2])  →  1"),
        softmaxFamily("softmax", "normalised exponentials", "softmax(x)_i = exp(x_i - m) / Σ_j exp(x_j - m), m = max x",
                      "softmax([1, 1])  →  [0.5, 0.5]") { try DTensor.softmax($0, axis: $1) },
        softmaxFamily("log_softmax", "logarithm of softmax, computed stably", "log_softmax(x)_i = x_i - logsumexp(x)",
                      "log_softmax([0, 0])  →  [-0.6931471805599453, -0.6931471805599453]") { try DTensor.logSoftmax($0, axis: $1) },
        softmaxFamily("logsumexp", "log of the sum of exponentials, without overflow", "logsumexp(x) = m + log Σ_i exp(x_i - m), m = max x",
                      "logsumexp([1000, 1000])  →  1000.6931471805599") { try DTensor.logSumExp($0, axis: $1) },
        Builtin("any", [x()], summary: "1 if any element is nonzero, else 0", details: "Example: any([0, 0, 1])  →  1") { call in
            .number(try call.tensor(0).value.storage.contains { $0 != 0 } ? 1 : 0)
        },
        Builtin("all", [x()], summary: "1 if every element is nonzero, else 0", details: "Example: all([1, 1, 0])  →  0") { call in
            .number(try call.tensor(0).value.storage.allSatisfy { $0 != 0 } ? 1 : 0)
        },
    ]
}
