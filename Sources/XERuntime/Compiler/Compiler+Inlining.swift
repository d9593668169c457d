import XESyntax

/// A function body `{ q = e1; r = e2; ...; last }` whose locals are elementwise expressions of
/// its parameters, each read only inside the fused region `last`: that region with every
/// local replaced by its expression (`Compiler.inlinedBody`), so `q = sigmoid(z)` is computed
/// block by block inside the region's pass instead of as a full-size array of its own.
struct InlinedBody {
    /// `last` with the locals substituted.
    let expression: Expr
    /// The functions the locals' expressions call (built-ins when compiled): when one of them
    /// is not that built-in at run time, the body runs as written.
    let callees: [(name: String, location: SourceLocation)]
    /// The parameters the locals' expressions read: when one of them is not a number or a
    /// tensor, the body runs as written (and gives the errors where it would have).
    let parameters: [(name: String, location: SourceLocation)]
}

/// How often each name is read and assigned in a function body, nested lambdas and functions
/// included.
private struct NameUses {
    var reads: [String: Int] = [:]
    var assigns: [String: Int] = [:]

    mutating func visit(_ expr: Expr) {
        switch expr {
        case .number, .boolean, .string: break
        case .name(let n, _): reads[n, default: 0] += 1
        case .array(let items, _), .tuple(let items, _): items.forEach { visit($0) }
        case .unary(_, let a, _): visit(a)
        case .binary(_, let a, let b, _), .logical(_, let a, let b, _):
            visit(a)
            visit(b)
        case .call(let f, let arguments, _):
            visit(f)
            arguments.forEach { visit($0.value) }
        case .index(let base, let subscripts, _):
            visit(base)
            subscripts.forEach { visit($0) }
        case .lambda(let decl, _): visit(decl)
        case .block(let statements, _): statements.forEach { visit($0) }
        case .ifElse(let c, let t, let e, _):
            visit(c)
            visit(t)
            if let e { visit(e) }
        }
    }

    mutating func visit(_ statement: Stmt) {
        switch statement {
        case .expression(let e): visit(e)
        case .assign(let target, let value, _), .compoundAssign(_, let target, let value, _):
            visit(target)
            visit(value)
        case .function(let decl, _), .loss(let decl, _):
            if let name = decl.name { assigns[name, default: 0] += 1 }
            visit(decl)
        case .forLoop(let name, let iterable, let body, _):
            assigns[name, default: 0] += 1
            visit(iterable)
            visit(body)
        case .whileLoop(let c, let body, _):
            visit(c)
            visit(body)
        case .returnValue(let e, _): if let e { visit(e) }
        case .breakLoop, .continueLoop, .importFile: break
        }
    }

    private mutating func visit(_ decl: FunctionDecl) {
        decl.parameters.forEach { if let d = $0.defaultValue { visit(d) } }
        visit(decl.body)
    }

    private mutating func visit(_ target: AssignTarget) {
        switch target {
        case .name(let n, _): assigns[n, default: 0] += 1
        case .index(let base, let subscripts, _):
            visit(base)
            subscripts.forEach { visit($0) }
        case .tuple(let items, _): items.forEach { visit($0) }
        }
    }

    private mutating func visit(_ position: Subscript) {
        switch position {
        case .index(let e): visit(e)
        case .slice(let start, let stop, let step): [start, stop, step].forEach { if let e = $0 { visit(e) } }
        case .ellipsis: break
        }
    }
}

extension Compiler {
    /// The body of `decl` with its locals inlined into its last expression, or nil unless:
    /// every statement before the last assigns a new local (assigned nowhere else) an
    /// elementwise expression — numbers, parameters never assigned, earlier such locals, the
    /// operators and the unary built-ins, `clip`, `maximum`, `minimum` — each local is read
    /// somewhere and only inside the elementwise part of the fused region that the last
    /// expression is (not in a leaf of it), that region reads only parameters and literals,
    /// and with the locals substituted it is still one region. The locals' expressions have
    /// no effects, so computing them inside the region, where they are read, gives the same
    /// values; the derivatives are those of the same operations.
    func inlinedBody(_ decl: FunctionDecl) -> InlinedBody? {
        guard scope != nil, case .block(let statements, _) = decl.body, statements.count >= 2,
              case .expression(let last)? = statements.last else { return nil }
        var uses = NameUses()
        uses.visit(decl.body)
        let parameters = Set(decl.parameters.map(\.name))
        var definitions: [String: Expr] = [:]
        var callees: [(name: String, location: SourceLocation)] = []
        var read: [(name: String, location: SourceLocation)] = []

        func expanded(_ e: Expr) -> Expr? {
            switch e {
            case .number: return e
            case .name(let n, let location):
                if let d = definitions[n] { return d }
                guard parameters.contains(n), uses.assigns[n] == nil else { return nil }
                if !read.contains(where: { $0.name == n }) { read.append((n, location)) }
                return e
            case .binary(let op, let a, let b, let location) where op != .matmul:
                guard let x = expanded(a), let y = expanded(b) else { return nil }
                return .binary(op, x, y, location)
            case .unary(let op, let a, let location) where op != .plus:
                guard let x = expanded(a) else { return nil }
                return .unary(op, x, location)
            case .call(.name(let name, let at), let arguments, let location)
                where arguments.allSatisfy({ $0.label == nil }) && Compiler.fusedArity(name) == arguments.count:
                guard case .global = resolve(name) else { return nil }
                var given: [Argument] = []
                for a in arguments {
                    guard let x = expanded(a.value) else { return nil }
                    given.append(Argument(label: nil, value: x, location: a.location))
                }
                callees.append((name, at))
                return .call(.name(name, at), given, location)
            default:
                return nil
            }
        }

        for statement in statements.dropLast() {
            guard case .assign(.name(let q, _), let e, _) = statement, !parameters.contains(q), uses.assigns[q] == 1,
                  uses.reads[q, default: 0] > 0, let x = expanded(e) else { return nil }
            definitions[q] = x
        }
        // With the locals substituted, the last expression is one region whose leaves are
        // parameters and literals, read without effects or errors: every local was read in
        // its elementwise part (a local in a leaf, such as a loss's argument, would have made
        // that leaf an expression).
        let inlined = Compiler.substituting(definitions, in: last)
        guard let region = fusedRegion(inlined),
              Compiler.readsOnly(region, { parameters.contains($0) && uses.assigns[$0] == nil }) else { return nil }
        return InlinedBody(expression: inlined, callees: callees, parameters: read)
    }

    /// Whether the leaves of `region` (and its reduction's options) are literals and names
    /// that `isPlain` accepts: nothing in them is compiled again when the region is.
    private static func readsOnly(_ region: FusedRegion, _ isPlain: (String) -> Bool) -> Bool {
        (region.leaves + (region.reduction?.options.map(\.value) ?? [])).allSatisfy { leaf in
            switch leaf {
            case .number, .boolean, .string: return true
            case .name(let n, _): return isPlain(n)
            default: return false
            }
        }
    }

    /// `expr` with each name in `definitions` replaced by its expression, through the
    /// operators and calls (where a region's elementwise part has them).
    private static func substituting(_ definitions: [String: Expr], in expr: Expr) -> Expr {
        switch expr {
        case .name(let n, _): return definitions[n] ?? expr
        case .binary(let op, let a, let b, let location):
            return .binary(op, substituting(definitions, in: a), substituting(definitions, in: b), location)
        case .unary(let op, let a, let location): return .unary(op, substituting(definitions, in: a), location)
        case .call(let callee, let arguments, let location):
            return .call(callee, arguments.map { Argument(label: $0.label, value: substituting(definitions, in: $0.value), location: $0.location) }, location)
        default: return expr
        }
    }

    /// The body of a function: its locals inlined into its last expression when
    /// `inlinedBody` allows and the call's region will be fused (a parameter has at least
    /// `Interpreter.fusionThreshold` elements); the body as written for other calls, and where
    /// a callee is not the built-in or a parameter not a number or tensor. A body that is one
    /// fused region, as written or inlined, has a second form for a call whose result is the
    /// root of a `grad` (`Frame.givesGradientRoot`): the region computes the gradient alone.
    func compileBody(_ decl: FunctionDecl) throws -> Code {
        let written = try compile(decl.body)
        guard let inlined = inlinedBody(decl) else {
            // The second form only for a region of names and literals: one whose leaves hold
            // functions would compile them (and the regions in them) once more per level.
            guard let region = fusedRegion(decl.body), Compiler.readsOnly(region, { _ in true }),
                  let root = try compileFused(decl.body, valueNeeded: false) else { return written }
            return { f in f.givesGradientRoot ? try root(f) : try written(f) }
        }
        let fast = try compile(inlined.expression)
        let fastRoot = try compileFused(inlined.expression, valueNeeded: false) ?? fast
        let callees = inlined.callees.map { (name: $0.name, code: read($0.name, at: $0.location)) }
        let parameters = inlined.parameters.map { read($0.name, at: $0.location) }
        let interpreter = self.interpreter
        return { f in
            for callee in callees {
                guard case .function(let fn)? = try? callee.code(f), (fn as? Builtin)?.name == callee.name else { return try written(f) }
            }
            var largest = 0
            for parameter in parameters {
                switch try? parameter(f) {
                case .number?: continue
                case .tensor(let t)?: largest = max(largest, t.count)
                case .tracked(let n)?: largest = max(largest, n.value.count)
                default: return try written(f)
                }
            }
            guard largest > 0, largest >= interpreter.fusionThreshold else { return try written(f) }
            interpreter.inlinedEvaluations &+= 1
            return f.givesGradientRoot ? try fastRoot(f) : try fast(f)
        }
    }
}
