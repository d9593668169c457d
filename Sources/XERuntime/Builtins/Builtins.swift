import XETensor

/// The table of built-in functions and constants.
enum Builtins {
    static let constants: [String: Double] = ["pi": Double.pi, "inf": Double.infinity, "nan": Double.nan, "e": 2.718281828459045]

    static let table: [String: Builtin] = {
        var table: [String: Builtin] = [:]
        for b in math + reductions + shapes + construction + information + files + plots {
            table[b.name] = b
        }
        return table
    }()

    /// The built-ins grouped for `:help`.
    static var groups: [(String, [Builtin])] {
        [("elementwise", math), ("reductions and softmax", reductions), ("shapes", shapes),
         ("construction", construction), ("information", information), ("files and plots", files + plots)]
    }

    static func x(_ name: String = "x") -> ParameterSpec { ParameterSpec(name, required: true) }
}
