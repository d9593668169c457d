import Foundation
import Testing

/// A grammar-aware stream of random programs, and mutations of them (characters deleted,
/// duplicated or swapped), run by the real binary: each must end with status 0 or 1 — a
/// result or a clean error — never a crash, within seconds.
@Suite struct GeneratedProgramTests {
    /// SplitMix64, for reproducible programs.
    struct Random {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(max(n, 1)))
        }
        mutating func pick<T>(_ items: [T]) -> T { items[next(items.count)] }
    }

    /// Writes random programs from xe's grammar.
    struct Generator {
        var random: Random
        let names = ["x", "y", "p", "z", "w", "f", "g", "k", "ans"]
        let functions = ["sum", "mean", "log", "exp", "sigmoid", "softmax", "abs", "sqrt", "len", "shape", "max", "min",
                         "clip", "zeros", "ones", "range", "linspace", "reshape", "transpose", "argmax", "logsumexp",
                         "bce", "bce_logits", "cce", "cce_logits", "onehot", "maximum", "tanh", "relu", "grad", "print"]
        let numbers = ["0", "1", "2", "0.5", "-1", "1e300", "-1e-300", "nan", "inf", "3", "1e999", "0.1", "1000"]

        mutating func expression(_ depth: Int) -> String {
            if depth <= 0 { return atom() }
            switch random.next(12) {
            case 0, 1: return atom()
            case 2: return "\(expression(depth - 1)) \(random.pick(["+", "-", "*", "/", "^", "@", "==", "<", ">=", "and", "or"])) \(expression(depth - 1))"
            case 3: return "\(random.pick(["-", "not "]))\(expression(depth - 1))"
            case 4: return "(\(expression(depth - 1)))"
            case 5: return "[" + (0..<random.next(4)).map { _ in expression(depth - 1) }.joined(separator: ", ") + "]"
            case 6:
                let args = (0..<random.next(4)).map { _ in expression(depth - 1) }
                let keyword = random.next(4) == 0 ? ", \(random.pick(["reduction", "axis", "eps", "weight", "k"]))=\(expression(depth - 1))" : ""
                return "\(random.pick(functions))(\(args.joined(separator: ", "))\(keyword))"
            case 7: return "\(random.pick(names))[\(random.pick(["0", "-1", "1:", ":2", "::-1", ":, 0", "[0, 1]"]))]"
            case 8: return "if \(expression(depth - 1)) { \(expression(depth - 1)) } else { \(expression(depth - 1)) }"
            case 9: return "\(random.pick(["x", "(a, b)", "()"])) -> \(expression(depth - 1))"
            case 10: return "{ \(statement(depth - 1)); \(expression(depth - 1)) }"
            default: return "(\(expression(depth - 1)), \(expression(depth - 1)))"
            }
        }

        mutating func atom() -> String {
            switch random.next(4) {
            case 0: return random.pick(names)
            case 1: return "\"\(random.pick(["mean", "sum", "none", "", "x"]))\""
            default: return random.pick(numbers)
            }
        }

        mutating func statement(_ depth: Int) -> String {
            switch random.next(9) {
            case 0, 1: return "\(random.pick(names)) = \(expression(depth))"
            case 2: return "\(random.pick(["f", "g"]))(\(random.pick(["x", "x, k=2", "a, b", ""]))) = \(expression(depth))"
            case 3: return "for i in range(\(random.pick(["3", "0", "-2", "1e300", "nan", "x"]))) { \(statement(depth - 1)) }"
            // The counter is a name the body never assigns, so the loop always ends.
            case 4: return "c = 0; while c < 3 { c = c + 1; \(statement(depth - 1)) }"
            case 5: return "\(random.pick(names))[\(random.pick(["0", "-1", "1:2", "nan"]))] = \(expression(depth))"
            case 6: return "loss l\(random.next(3))(y, p, k=1) = \(expression(depth))"
            case 7: return "\(random.pick(names)), \(random.pick(names)) = \(expression(depth))"
            default: return expression(depth)
            }
        }

        mutating func program() -> String {
            (0..<(1 + random.next(6))).map { _ in statement(3) }.joined(separator: "\n") + "\n"
        }

        /// The program with a few characters deleted, duplicated or swapped.
        mutating func mutate(_ text: String) -> String {
            var chars = Array(text)
            for _ in 0..<(1 + random.next(4)) where chars.count > 1 {
                let i = random.next(chars.count)
                switch random.next(3) {
                case 0: chars.remove(at: i)
                case 1: chars.insert(chars[i], at: i)
                default: chars.swapAt(i, random.next(chars.count))
                }
            }
            return String(chars)
        }
    }

    @Test func randomAndMutatedProgramsEndCleanly() throws {
        // XE_GENERATED_PROGRAMS and XE_GENERATED_SEED run a longer or different stream.
        let environment = ProcessInfo.processInfo.environment
        let count = environment["XE_GENERATED_PROGRAMS"].flatMap(Int.init) ?? 400
        let seed = environment["XE_GENERATED_SEED"].flatMap(UInt64.init) ?? 2026
        var generator = Generator(random: Random(state: seed))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xe-gen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // Each program in its own process: a crash or a hang is seen as such.
        var failures: [String] = []
        for n in 0..<count {
            var program = generator.program()
            if n % 2 == 1 { program = generator.mutate(program) }
            let file = dir.appendingPathComponent("p\(n).xe")
            try program.write(to: file, atomically: true, encoding: .utf8)
            let r = try XE.run([file.path], directory: dir, timeout: 10)
            if r.crashed || !(r.status == 0 || r.status == 1) || (r.status == 1 && !r.stderr.contains("error: ")) {
                failures.append("p\(n).xe (status \(r.status)): \(program)\n\(r.stderr.prefix(300))")
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5).joined(separator: "\n---\n"))")
    }
}
