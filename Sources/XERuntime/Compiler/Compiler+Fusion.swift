import XELosses
import XESyntax
import XETensor

/// A region of elementwise operations found in the AST: arithmetic, comparisons, `-`, `not`,
/// the unary built-ins, `clip`, `maximum`, `minimum`, calls of a loss with `reduction="none"`,
/// optionally under `sum` or `mean`. Its leaves (names, literals, any other expression) are
/// compiled as usual.
indirect enum FusedNode {
    case leaf(Int)
    case binary(BinaryOperator, FusedNode, FusedNode, SourceLocation)
    case unary(UnaryOperator, FusedNode, SourceLocation)
    /// A call of the built-in `name` (read through `callee`, in case it is redefined).
    case call(name: String, callee: Int, [FusedNode], SourceLocation)
    /// A call of the loss read through `callee` with `reduction="none"`, its arguments leaves:
    /// at run time the loss's `elementwise` form, the `form`-th of the region's.
    case loss(callee: Int, form: Int, [(label: String?, leaf: Int)], SourceLocation)
}

/// A region of elementwise operations found in the AST (`Compiler.fusedRegion`).
struct FusedRegion {
    typealias Reduction = (mean: Bool, name: String, options: [Argument], location: SourceLocation)
    /// The `sum` or `mean` it feeds, with that call's other arguments.
    var reduction: Reduction?
    var tree: FusedNode
    /// The expressions it reads, left to right (compiled as usual).
    var leaves: [Expr]
    /// The functions it calls, read by name when it runs.
    var callees: [String]
    /// Its calls of losses with `reduction="none"`.
    var losses: [(callee: Int, arguments: [(label: String?, leaf: Int)], location: SourceLocation)]
    var operations: Int
}

/// Whether a fusion site's last evaluation was on plain numbers (then the ordinary closures,
/// specialised for numbers, run it).
final class FusionSite: @unchecked Sendable {
    var scalar = false
}

/// How fused evaluation is used.
enum Fusion {
    /// Larger trees are split into several regions (compiling a region also compiles its
    /// ordinary form, so this bounds the compile time of long generated expressions).
    static let maxOperations = 48

    /// What a region feeds: nothing, or `sum`/`mean` with its options (positional or named:
    /// axis, then keepdims), when they are a whole-number axis and a 0/1 flag; nil for any
    /// other options (the call itself then checks them and gives the errors).
    static func reduction(_ call: (mean: Bool, options: [(label: String?, value: Value)])?) -> FusedReduction? {
        guard let (mean, options) = call else { return FusedReduction.none }
        var axis: Int?, keepdims = false
        var named = Set<String>()
        for (i, option) in options.enumerated() {
            let name = option.label ?? (i == 0 ? "axis" : "keepdims")
            guard case .number(let x) = option.value, x == x.rounded(), Swift.abs(x) < 1e9, named.insert(name).inserted else { return nil }
            switch name {
            case "axis": axis = Int(x)
            case "keepdims" where x == 0 || x == 1: keepdims = x == 1
            default: return nil
            }
        }
        return .reduce(mean: mean, axis: axis, keepdims: keepdims)
    }

    /// The unary built-ins by name.
    static let functions: [String: UnaryFunction] = Dictionary(uniqueKeysWithValues: UnaryFunction.allCases.map { ($0.rawValue, $0) })
}

extension Compiler {
    /// The region of elementwise operations `expr` is fused as, or nil when it is not one of
    /// at least two operations (a reduction counts as one) and at most `Fusion.maxOperations`.
    func fusedRegion(_ expr: Expr) -> FusedRegion? {
        // sum(e) or mean(e), with axis= and keepdims= (given by name or position) evaluated
        // after e's leaves, as the call would.
        var reduction: FusedRegion.Reduction?
        var body = expr
        if case .call(.name(let name, _), let arguments, let location) = expr, name == "sum" || name == "mean",
           case .global = resolve(name), let first = arguments.first, first.label == nil, arguments.count <= 3 {
            reduction = (name == "mean", name, Array(arguments.dropFirst()), location)
            body = first.value
        }
        var region = FusedRegion(reduction: reduction, tree: .leaf(0), leaves: [], callees: [], losses: [], operations: 0)
        region.tree = fusedTree(body, &region.leaves, &region.callees, &region.losses, &region.operations)
        guard region.operations + (reduction == nil ? 0 : 1) >= 2, region.operations <= Fusion.maxOperations else { return nil }
        return region
    }

    /// The fused form of `expr`, or nil when it is not a region (`fusedRegion`). Without
    /// `valueNeeded` it is the root of a first-order `grad` (`DTensor.fused(valueNeeded:)`).
    func compileFused(_ expr: Expr, valueNeeded: Bool = true) throws -> Code? {
        guard compilingOrdinary == 0, let region = fusedRegion(expr) else { return nil }
        let (reduction, tree, leaves, losses) = (region.reduction, region.tree, region.leaves, region.losses)
        var callees = region.callees
        if let reduction { callees.append(reduction.name) }
        let expression = Compiler.elementwise(tree, [])
        let lossCallees = Set(losses.map(\.callee))
        let lossArguments = Set(losses.flatMap { $0.arguments.map(\.leaf) })
        let leafCodes = try leaves.map(compile)
        let calleeCodes = callees.map { read($0, at: expr.location) }
        // The operation-at-a-time form, for numbers and for what the kernel does not take; its
        // leaves are compiled again, unfused (the fused leaves above are the fast ones).
        compilingOrdinary += 1
        let ordinary: Code
        do {
            defer { compilingOrdinary -= 1 }
            ordinary = try compileUnfused(expr)
        }
        let interpreter = self.interpreter
        let site = FusionSite()
        let reductionCallee = reduction.map { _ in callees.count - 1 }
        let optionCodes = try (reduction?.options ?? []).map { (label: $0.label, code: try compile($0.value)) }

        /// The region an operation at a time, on the leaves' values (the numbers case, and
        /// every case the kernel does not take: it also gives the errors).
        func stepwise(_ f: Frame, _ values: [Value], _ options: [(label: String?, value: Value)]) throws -> Value {
            func eval(_ node: FusedNode) throws -> Value {
                switch node {
                case .leaf(let k): return values[k]
                case .binary(let op, let a, let b, let at): return try Value.binary(op, try eval(a), try eval(b), at: at)
                case .unary(let op, let a, let at): return try Value.unary(op, try eval(a), at: at)
                case .call(_, let callee, let arguments, let at):
                    return try interpreter.call(try calleeCodes[callee](f), Arguments(try arguments.map(eval)), at: at)
                case .loss(let callee, _, let arguments, let at):
                    return try interpreter.call(try calleeCodes[callee](f), Compiler.arguments(arguments, values), at: at)
                }
            }
            let v = try eval(tree)
            guard let reduction, let callee = reductionCallee else { return v }
            let arguments = Arguments([v] + options.filter { $0.label == nil }.map(\.value),
                                      keywords: options.compactMap { o in o.label.map { ($0, o.value) } })
            return try interpreter.call(try calleeCodes[callee](f), arguments, at: reduction.location)
        }

        // Only a region whose result is elementwise may take the scalar path: a sum or mean
        // gives a number for tensors too, so it could never tell that tensors came back.
        let mayBeScalar = reduction == nil
        return { f in
            if site.scalar {
                let v = try ordinary(f)
                if case .number = v { return v }
                site.scalar = false
                return v
            }
            var lossFunctions: [LossCallable] = []
            for (k, (name, code)) in zip(callees, calleeCodes).enumerated() {
                guard case .function(let fn) = try code(f) else { return try ordinary(f) }
                if lossCallees.contains(k), let loss = fn as? LossCallable {
                    lossFunctions.append(loss)
                } else if (fn as? Builtin)?.name != name || lossCallees.contains(k) {
                    return try ordinary(f)
                }
            }
            var values: [Value] = []
            values.reserveCapacity(leafCodes.count)
            var operands: [DTensor] = []
            operands.reserveCapacity(leafCodes.count)
            var largest = 0
            for (k, code) in leafCodes.enumerated() {
                let v = try code(f)
                values.append(v)
                switch v {
                case .number(let x): operands.append(DTensor(scalar: x))
                case .tensor(let t):
                    operands.append(DTensor(t))
                    largest = max(largest, t.count)
                case .tracked(let n):
                    operands.append(DTensor(n))
                    largest = max(largest, n.value.count)
                default:
                    // A loss's option (a string) is read by the loss, not by the expression.
                    if lossArguments.contains(k) { operands.append(DTensor(scalar: 0)) }
                }
            }
            let options = try optionCodes.map { (label: $0.label, value: try $0.code(f)) }
            let numbers = values.allSatisfy { if case .number = $0 { return true } else { return false } }
            if operands.count == values.count, !numbers, largest >= interpreter.fusionThreshold,
               let kind = Fusion.reduction(reduction.map { ($0.mean, options) }),
               case let (expression, operands, checks)? = try losses.isEmpty ? (expression, operands, [])
                   : Compiler.withLosses(tree, losses, lossFunctions, values, operands),
               let result = try Value.located(expr.location, {
                   try DTensor.fused(expression, operands, reduction: kind, valueNeeded: valueNeeded, checks: checks)
               }) {
                interpreter.fusedEvaluations &+= 1
                return Value(result)
            }
            let v = try stepwise(f, values, options)
            if numbers && mayBeScalar { site.scalar = true }
            return v
        }
    }

    /// The elementwise tree under `expr`: its leaves appended to `leaves` (left to right, the
    /// order they are evaluated in), the functions it calls to `callees`, its loss calls to
    /// `losses`.
    private func fusedTree(_ expr: Expr, _ leaves: inout [Expr], _ callees: inout [String],
                           _ losses: inout [(callee: Int, arguments: [(label: String?, leaf: Int)], location: SourceLocation)],
                           _ operations: inout Int) -> FusedNode {
        func leaf() -> FusedNode {
            leaves.append(expr)
            return .leaf(leaves.count - 1)
        }
        // Past the limit the region is refused anyway: stop walking (long generated chains).
        if operations > Fusion.maxOperations { return leaf() }
        switch expr {
        case .binary(let op, let a, let b, let location) where op != .matmul:
            operations += 1
            let x = fusedTree(a, &leaves, &callees, &losses, &operations)
            let y = fusedTree(b, &leaves, &callees, &losses, &operations)
            return .binary(op, x, y, location)
        case .unary(let op, let a, let location) where op != .plus:
            if op == .negate, case .number = a { return leaf() }
            operations += 1
            return .unary(op, fusedTree(a, &leaves, &callees, &losses, &operations), location)
        case .call(.name(let name, _), let arguments, let location)
            where arguments.allSatisfy({ $0.label == nil }) && Compiler.fusedArity(name) == arguments.count:
            guard case .global = resolve(name) else { return leaf() }
            operations += 1
            callees.append(name)
            let callee = callees.count - 1
            return .call(name: name, callee: callee, arguments.map { fusedTree($0.value, &leaves, &callees, &losses, &operations) }, location)
        case .call(.name(let name, _), let arguments, let location)
            where arguments.contains(where: { if $0.label == "reduction", case .string("none", _) = $0.value { true } else { false } }):
            guard case .global = resolve(name) else { return leaf() }
            operations += 1
            callees.append(name)
            let bound = arguments.map { a -> (label: String?, leaf: Int) in
                leaves.append(a.value)
                return (a.label, leaves.count - 1)
            }
            losses.append((callees.count - 1, bound, location))
            return .loss(callee: callees.count - 1, form: losses.count - 1, bound, location)
        default:
            return leaf()
        }
    }

    /// The number of arguments of a built-in that fusion takes, or nil.
    static func fusedArity(_ name: String) -> Int? {
        if Fusion.functions[name] != nil { return 1 }
        switch name {
        case "clip": return 3
        case "maximum", "minimum": return 2
        default: return nil
        }
    }

    /// The expression of `node`, the `form`-th loss call standing for `forms[form]`.
    private static func elementwise(_ node: FusedNode, _ forms: [ElementwiseExpression]) -> ElementwiseExpression {
        switch node {
        case .leaf(let k): return .leaf(k)
        case .binary(let op, let a, let b, _): return .binary(op, elementwise(a, forms), elementwise(b, forms))
        case .unary(let op, let a, _): return op == .not ? .not(elementwise(a, forms)) : .negate(elementwise(a, forms))
        case .loss(_, let form, _, _): return forms.indices.contains(form) ? forms[form] : .leaf(-1)
        case .call(let name, _, let arguments, _):
            let a = arguments.map { elementwise($0, forms) }
            switch name {
            case "clip": return .clip(a[0], a[1], a[2])
            case "maximum": return .extremum(a[0], a[1], maximum: true)
            case "minimum": return .extremum(a[0], a[1], maximum: false)
            default: return .apply(Fusion.functions[name]!, a[0])
            }
        }
    }

    /// A loss call's arguments from the region's leaf values.
    static func arguments(_ bound: [(label: String?, leaf: Int)], _ values: [Value]) -> Arguments {
        Arguments(bound.filter { $0.label == nil }.map { values[$0.leaf] },
                  keywords: bound.compactMap { a in a.label.map { ($0, values[a.leaf]) } })
    }

    /// The region's expression and operands with each loss call replaced by its elementwise
    /// form over leaves of its own (after the region's), and the range checks the forms make in
    /// the pass; nil when a loss has none.
    static func withLosses(_ tree: FusedNode, _ losses: [(callee: Int, arguments: [(label: String?, leaf: Int)], location: SourceLocation)],
                           _ functions: [LossCallable], _ values: [Value], _ operands: [DTensor]) throws
        -> (ElementwiseExpression, [DTensor], [FusedRangeCheck])? {
        var operands = operands
        var forms: [ElementwiseExpression] = []
        var checks: [FusedRangeCheck] = []
        for (loss, function) in zip(losses, functions) {
            guard let form = try function.elementwise(arguments(loss.arguments, values), at: loss.location) else { return nil }
            forms.append(form.expression.offsettingLeaves(by: operands.count))
            checks += (form.rangeChecks ?? []).map { FusedRangeCheck(leaf: $0.leaf + operands.count, lo: $0.lo, hi: $0.hi) }
            operands += form.leaves
        }
        return (elementwise(tree, forms), operands, checks)
    }
}
