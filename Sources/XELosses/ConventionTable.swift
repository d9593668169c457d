import XETensor

/// `conventions(loss(...))`: the value one call gives under each framework's rules, and for
/// each the rule that makes it differ from xe's.
public enum ConventionTable {
    /// One row: the convention, its value (or the error it raises), and why it differs.
    public struct Row: Sendable {
        public var convention: Convention
        public var value: Result<Tensor, TensorError>
        public var note: String
    }

    /// The rows of `loss` called with `arguments`, the call's own `convention=` replaced.
    public static func rows(_ loss: any Loss, _ arguments: LossArguments) throws(TensorError) -> [Row] {
        guard loss.parameters.contains(where: { $0.name == "convention" }) else {
            throw .invalid("conventions: \(loss.name) has no convention= option (the built-in losses have it)")
        }
        let names = loss.parameters.map(\.name)
        let kind = Convention.Kind(categorical: names.contains("ignore_index") || loss.name == "kl_div",
                                   logits: names.count > 1 && (names[1] == "z" || names[1] == "x"),
                                   divergence: loss.name == "kl_div")
        var base = arguments.constants
        base.values["convention"] = nil
        var rows: [Row] = []
        var reference: Tensor?
        for convention in Convention.allCases {
            var a = base
            a.values["convention"] = .string(convention.rawValue)
            let value: Result<Tensor, TensorError>
            do {
                value = .success(try loss.evaluate(a).value)
            } catch let e as TensorError {
                value = .failure(e)
            } catch {
                value = .failure(.invalid("\(loss.name): \(error)"))
            }
            if convention == .xe, case .success(let t) = value { reference = t }
            var note = convention.rules(for: kind)
            if convention == .xe {
                note = "xe's rules: " + note
            } else if case .success(let t) = value, let reference, t.shape == reference.shape, t.storage == reference.storage {
                note = "same as xe here"
            }
            rows.append(Row(convention: convention, value: value, note: note))
        }
        return rows
    }

    /// The table as text.
    public static func text(_ loss: any Loss, _ arguments: LossArguments, call: String) throws(TensorError) -> String {
        let rows = try rows(loss, arguments)
        let values = rows.map { row -> String in
            switch row.value {
            case .success(let t): return t.count == 1 ? Tensor.format(t.storage[0]) : t.description.split(separator: "\n").joined(separator: " ")
            case .failure(let e): return "error: \(e.message)"
            }
        }
        let nameWidth = rows.map(\.convention.rawValue.count).max() ?? 0
        let valueWidth = min(values.map(\.count).max() ?? 0, 40)
        var lines = ["\(call) under each framework's rules (float64):"]
        for (row, value) in zip(rows, values) {
            let name = pad(row.convention.rawValue, nameWidth)
            let shown = pad(value, valueWidth)
            lines.append("  \(name)  \(shown)  \(row.note)")
        }
        return lines.joined(separator: "\n")
    }

    /// `s` with spaces after it up to `width` characters.
    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}
