import Glibc
import XETensor

extension Builtins {
    static let information: [Builtin] = [
        Builtin("print", [], variadic: true, summary: "prints its arguments separated by spaces: strings raw, values as the REPL shows them",
                details: "Example: print(\"loss:\", bce(y, p))") { call in
            call.interpreter.output(call.rest.map(call.interpreter.printed).joined(separator: " ") + "\n")
            return .none
        },
        Builtin("exit", [ParameterSpec("status", default: .number(0))],
                summary: "ends the program (or leaves the REPL) with exit status 0 to 255; `exit` and `quit` alone do the same",
                details: "Example: if n_bad > 0 { exit(1) }", body: exitProgram),
        Builtin("quit", [ParameterSpec("status", default: .number(0))],
                summary: "the same as exit: ends the program (or leaves the REPL) with exit status 0 to 255",
                details: "Example: quit()", body: exitProgram),
        Builtin("help", [ParameterSpec("name")], summary: "the help of a function or loss: help(bce) or help(\"bce\")",
                details: "Example: help(cce)") { call in
            call.interpreter.output(try call.interpreter.helpText(for: call.value(0), at: call.location) + "\n")
            return .none
        },
        Builtin("apropos", [ParameterSpec("word", required: true)], summary: "apropos(\"entropy\"): every function, loss, syntax topic and command whose help mentions the word",
                details: "Example: apropos(\"smoothing\")") { call in
            guard case .string(let word) = call.value(0) else {
                throw XEError.argument("apropos() takes the word to search for in quotes, e.g. apropos(\"entropy\")", at: call.location)
            }
            call.interpreter.output(call.interpreter.aproposText(word) + "\n")
            return .none
        },
        Builtin("timeit", [ParameterSpec("f", required: true), ParameterSpec("n", default: .number(10))],
                summary: "runs the zero-argument function f n times; the median time in seconds",
                details: "Example: timeit(() -> bce(y, p))") { call in
            let f = try call.function(0)
            let n = try call.integer(1, "n")
            guard n >= 1 else { throw XEError.argument("timeit(): n must be at least 1 (got \(n))", at: call.location) }
            var times: [Double] = []
            for _ in 0..<n {
                let start = monotonicSeconds()
                _ = try call.interpreter.call(.function(f), Arguments([]), at: call.location)
                times.append(monotonicSeconds() - start)
            }
            times.sort()
            let median = n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2
            return .number(median)
        },
        Builtin("explain", [ParameterSpec("call", required: true)],
                summary: "explain(bce(y, p)): prints a loss's calculation step by step (takes the call itself, like grad)",
                details: """
                For every built-in loss: each sample's target, prediction, the active term and its value,
                the weights and smoothing if any, then the reduction and the result. Long inputs show the
                first and last five samples. Other losses show their per-sample values and the reduction.
                explain(grad(bce(y, p), p)) shows the gradient the same way: per sample the derivative as
                a teacher writes it (-y/p + (1-y)/(1-p); σ(z) - y for bce_logits; softmax(z) - y row by
                row for cce_logits, and why), its numbers, then the weights and the 1/n of a mean.
                In the REPL: :explain bce(y, p), :explain grad(bce(y, p), p).
                Example: explain(bce([1, 0], [0.9, 0.2]))
                """) { call in
            throw XEError.argument("explain needs the call of a loss written inside it, such as explain(bce(y, p))", at: call.location)
        },
        Builtin("conventions", [ParameterSpec("call", required: true)],
                summary: "conventions(bce(y, p)): the call's value under each framework's rules, and why each differs",
                details: """
                One row per convention (xe, torch, keras, tf_keras, sklearn, optax): the value the same call gives
                under that library's rules, in float64, and the rule that makes it differ from xe's.
                Works for every built-in loss; the call's own convention= is replaced. In the REPL: :conventions bce(y, p).
                Example: conventions(bce([1], [0]))  →  torch 100 (log clamped at -100), keras 16.118 (p clipped to 1e-7), ...
                """) { call in
            throw XEError.argument("conventions needs the call of a loss written inside it, such as conventions(bce(y, p))", at: call.location)
        },
    ] + derivatives

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}

/// `exit(n)` and `quit(n)`: ends the program with status n, a whole number from 0 to 255 (what
/// a Unix exit status holds).
func exitProgram(_ call: BuiltinCall) throws -> Value {
    let status = try call.integer(0, "status")
    guard (0...255).contains(status) else {
        throw XEError.argument("\(call.name)(): the exit status must be a whole number from 0 to 255, not \(status)", at: call.location)
    }
    throw XEError(.exit(Int32(status)), at: call.location)
}
