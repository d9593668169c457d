import XELosses
import XESyntax
import XETensor

extension Compiler {
    /// The closure of `expr`; a region of elementwise operations is fused (`compileFused`).
    func compile(_ expr: Expr) throws -> Code {
        switch expr {
        case .binary, .unary, .call:
            if let code = try compileFused(expr) { return code }
        default:
            break
        }
        return try compileUnfused(expr)
    }

    /// The closure of `expr` an operation at a time (its operands may still be fused).
    func compileUnfused(_ expr: Expr) throws -> Code {
        switch expr {
        case .number(let x, _):
            let v = Value.number(x)
            return { _ in v }
        case .boolean(let b, _):
            let v = Value.number(b ? 1 : 0)
            return { _ in v }
        case .string(let s, _):
            let v = Value.string(s)
            return { _ in v }
        case .name(let name, let location):
            return read(name, at: location)
        case .array(let items, let location):
            let codes = try items.map(compile)
            if !items.isEmpty, Compiler.isTruthLiteral(expr) {
                // [true, false, ...]: a boolean mask, as in NumPy.
                return { f in
                    let v = try Value.array(try codes.map { try $0(f) }, at: location)
                    return v.tensorValue.map { .tensor($0.asBoolean) } ?? v
                }
            }
            return { f in try Value.array(try codes.map { try $0(f) }, at: location) }
        case .tuple(let items, let location):
            let codes = try items.map(compile)
            return { f in
                let tuple = Value.tuple(try codes.map { try $0(f) })
                try tuple.checkTupleLimits(at: location)
                return tuple
            }
        case .unary(let op, let operand, let location):
            if op == .negate, case .number(let x, _) = operand {
                let v = Value.number(op.apply(x))
                return { _ in v }
            }
            let a = try compile(operand)
            return { f in try Value.unary(op, try a(f), at: location) }
        case .binary(let op, let left, let right, let location):
            return try compileBinary(op, left, right, at: location)
        case .logical(let op, let left, let right, let location):
            let a = try compile(left)
            let b = try compile(right)
            return { f in
                let x = try a(f)
                if case .number(let v) = x {
                    if op == .and, v == 0 { return .number(0) }
                    if op == .or, v != 0 { return .number(1) }
                    let y = try b(f)
                    if case .number(let w) = y { return .number(op.apply(v, w)) }
                    return try Value.logical(op, x, y, at: location)
                }
                return try Value.logical(op, x, try b(f), at: location)
            }
        case .call(let callee, let arguments, let location):
            return try compileCall(callee, arguments, at: location)
        case .index(let base, let subscripts, let location):
            let b = try compile(base)
            let s = try compileSubscripts(subscripts)
            return { f in try Value.index(try b(f), try s(f), at: location) }
        case .lambda(let decl, let location):
            let template = try compileFunction(decl, at: location)
            return { f in .function(UserFunction(template: template, captured: f)) }
        case .block(let statements, _):
            let saved = echo
            echo = nil
            defer { echo = saved }
            if statements.isEmpty { return { _ in .none } }
            return try compileStatements(statements)
        case .ifElse(let condition, let then, let otherwise, let location):
            let c = try compile(condition)
            let t = try compile(then)
            let e = try otherwise.map(compile)
            return { f in
                if try Compiler.truth(try c(f), at: location) { return try t(f) }
                return try e?(f) ?? .none
            }
        }
    }

    /// Binary operators. Arithmetic and comparisons on two plain numbers are computed inline,
    /// with a number literal or a local variable as an operand read directly (no closure call):
    /// scalar loops then cost a few nanoseconds per operation. Everything else goes through
    /// `Value.binary`. With `slot`, the closure of `x = x op right` for the local `x` there.
    func compileBinary(_ op: BinaryOperator, _ left: Expr, _ right: Expr, at location: SourceLocation, updating slot: Int? = nil) throws -> Code {
        let specialised = ScalarFastPath(compiler: self, left: left, right: right, location: location, slot: slot)
        if let compiled = try op.specialise(specialised) { return compiled.code }
        let a = try compile(left), b = try compile(right)  // `@`: for tensors only
        return { f in try Value.binary(op, try a(f), try b(f), at: location) }
    }

    /// `compileScalarBinary` for an operator as a type (`BinaryOperator.specialise`).
    struct ScalarFastPath: OperatorSpecialised {
        let compiler: Compiler, left: Expr, right: Expr, location: SourceLocation, slot: Int?

        /// The closure inside a struct: returned bare through the generic `specialise`, it would
        /// come back wrapped in reabstraction thunks, which double the cost of every call.
        struct Compiled {
            let code: Code
        }

        func run<O: FixedOperator>(_: O.Type) throws -> Compiled {
            Compiled(code: try compiler.compileScalarBinary(O.self, left, right, at: location, updating: slot))
        }
    }

    /// The closure for one operator, specialised for it (`O.op.apply` is inlined).
    func compileScalarBinary<O: FixedOperator>(_: O.Type, _ left: Expr, _ right: Expr, at location: SourceLocation,
                                                 updating slot: Int?) throws -> Code {
        if let slot, case .name(let name, _) = left { return try compileLocalUpdate(O.self, name, slot, right, at: location) }
        let a = try compile(left)
        let b = try compile(right)
        let slow: (Value, Value) throws -> Value = { x, y in try Value.binary(O.op, x, y, at: location) }
        switch (operand(left), operand(right)) {
        case (.local(let i), .constant(let c)):
            return { f in
                if case .number(let u)? = f.slots[i] { return .number(O.op.apply(u, c)) }
                return try slow(try a(f), .number(c))
            }
        case (.constant(let c), .local(let j)):
            return { f in
                if case .number(let v)? = f.slots[j] { return .number(O.op.apply(c, v)) }
                return try slow(.number(c), try b(f))
            }
        case (.local(let i), .local(let j)):
            return { f in
                if case .number(let u)? = f.slots[i], case .number(let v)? = f.slots[j] { return .number(O.op.apply(u, v)) }
                return try slow(try a(f), try b(f))
            }
        case (.local(let i), _):
            return { f in
                let y = try b(f)
                if case .number(let u)? = f.slots[i], case .number(let v) = y { return .number(O.op.apply(u, v)) }
                return try slow(try a(f), y)
            }
        case (_, .constant(let c)):
            return { f in
                let x = try a(f)
                if case .number(let u) = x { return .number(O.op.apply(u, c)) }
                return try slow(x, .number(c))
            }
        case (_, .local(let j)):
            return { f in
                let x = try a(f)
                if case .number(let u) = x, case .number(let v)? = f.slots[j] { return .number(O.op.apply(u, v)) }
                return try slow(x, try b(f))
            }
        default:
            return { f in
                let x = try a(f), y = try b(f)
                if case .number(let u) = x, case .number(let v) = y { return .number(O.op.apply(u, v)) }
                return try slow(x, y)
            }
        }
    }

    /// `x = x op e` for a local `x` and op one of `+ - * /`, as one closure: on numbers the
    /// result goes straight into the slot (the running sums and products of scalar loops).
    /// `x` is read before `e` is evaluated, as the plain assignment would. Nil for other forms.
    func compileLocalUpdate(slot: Int, _ value: Expr) throws -> Code? {
        guard case .binary(let op, .name(let name, let at), let right, let location) = value,
              [.add, .subtract, .multiply, .divide].contains(op),
              case .local(0, slot) = resolve(name) else { return nil }
        return try compileBinary(op, .name(name, at), right, at: location, updating: slot)
    }

    private func compileLocalUpdate<O: FixedOperator>(_: O.Type, _ name: String, _ slot: Int, _ right: Expr,
                                                         at location: SourceLocation) throws -> Code {
        let current = read(name, at: location)
        let b = try compile(right)
        return { f in
            if case .number(let u)? = f.slots[slot] {
                let y = try b(f)
                if case .number(let v) = y {
                    f.slots[slot] = .number(O.op.apply(u, v))
                } else {
                    f.slots[slot] = try Value.binary(O.op, .number(u), y, at: location)
                }
            } else {
                let x = try current(f)
                f.slots[slot] = try Value.binary(O.op, x, try b(f), at: location)
            }
            return .none
        }
    }

    /// Whether `e` is `true`, `false`, or a list literal made only of them (at any depth).
    static func isTruthLiteral(_ e: Expr) -> Bool {
        switch e {
        case .boolean: return true
        case .array(let items, _): return !items.isEmpty && items.allSatisfy(isTruthLiteral)
        default: return false
        }
    }

    /// How an operand can be read without a closure call.
    enum Operand {
        case constant(Double)
        case local(Int)
        case other
    }

    func operand(_ e: Expr) -> Operand {
        if case .number(let x, _) = e { return .constant(x) }
        if case .boolean(let b, _) = e { return .constant(b ? 1 : 0) }
        if case .name(let name, _) = e, case .local(0, let slot) = resolve(name) { return .local(slot) }
        return .other
    }

    /// A call; `grad(expr, x, ...)`, `jacobian(expr, x, ...)`, `hessian(expr, x, ...)`,
    /// `conventions(loss(...))` and `explain(expr)` take their first argument unevaluated (the
    /// ordinary call once the name is given a value of the user's).
    func compileCall(_ callee: Expr, _ arguments: [Argument], at location: SourceLocation) throws -> Code {
        guard case .name(let name, _) = callee, case .global(let g) = resolve(name) else {
            return try compileOrdinaryCall(callee, arguments, at: location)
        }
        let globals = interpreter.globals
        let special: Code
        do {
            guard let code = try compileSpecialCall(name, arguments, at: location) else {
                return try compileOrdinaryCall(callee, arguments, at: location)
            }
            special = code
        } catch where globals.values[g] != nil {
            // The name holds the user's value now (`grad = (a, b) -> a + b` at an earlier
            // prompt): the built-in's form is refused only if it is run.
            special = { _ in throw error }
        }
        let normal = try compileOrdinaryCall(callee, arguments, at: location)
        return { f in globals.values[g] == nil ? try special(f) : try normal(f) }
    }

    /// The built-in `name` called on the unevaluated `arguments`, or nil for an ordinary call.
    private func compileSpecialCall(_ name: String, _ arguments: [Argument], at location: SourceLocation) throws -> Code? {
        if let derivative = Derivative(rawValue: name), arguments.count >= 2, arguments.allSatisfy({ $0.label == nil }) {
            return try compileDerivative(derivative, arguments, at: location)
        }
        guard arguments.count == 1, arguments[0].label == nil,
              case .call(let inner, let innerArguments, let at) = arguments[0].value else { return nil }
        if name == "conventions" {
            return try compileConventions(inner, innerArguments, at: at, text: ExprPrinter.text(arguments[0].value))
        }
        guard name == "explain" else { return nil }
        if case .name("grad", _) = inner, innerArguments.count == 2, innerArguments.allSatisfy({ $0.label == nil }),
           case .call(let lossExpr, let lossArguments, _) = innerArguments[0].value,
           case .name(let variable, _) = innerArguments[1].value {
            return try compileExplainGradient(lossExpr, lossArguments, variable: variable, at: at)
        }
        return try compileExplain(inner, innerArguments, at: at)
    }

    /// A call: the callee, then the arguments, evaluated, then `Interpreter.call`. With
    /// `gradientRoot` (the call is what a first-order `grad` differentiates) the call is told
    /// so as it starts (`Interpreter.gradientRoot`).
    func compileOrdinaryCall(_ callee: Expr, _ arguments: [Argument], at location: SourceLocation, gradientRoot: Bool = false) throws -> Code {
        let interpreter = self.interpreter
        let function = try compile(callee)
        let positional = try arguments.filter { $0.label == nil }.map { try compile($0.value) }
        let keywords = try arguments.compactMap { a -> (String, Code)? in
            guard let label = a.label else { return nil }
            return (label, try compile(a.value))
        }
        var seen = Set<String>()
        for argument in arguments {
            if let label = argument.label, !seen.insert(label).inserted {
                throw XEError.argument("the keyword argument '\(label)' is given twice", at: argument.location)
            }
        }
        let places = ArgumentPlaces(call: location, arguments: arguments)
        // An error about one argument points at it (see ArgumentPlaces).
        func call(_ fn: Value, _ args: Arguments) throws -> Value {
            do {
                if gradientRoot { interpreter.gradientRoot = true }
                defer { if gradientRoot { interpreter.gradientRoot = false } }
                return try interpreter.call(fn, args, at: location)
            } catch let error as XEError where places.isAboutTheCall(error) {
                guard case .function(let f) = fn else { throw error }
                throw places.relocate(error, parameters: interpreter.parameterNames(of: f))
            }
        }
        if keywords.isEmpty {
            switch positional.count {
            case 1:
                let p0 = positional[0]
                return { f in try call(try function(f), Arguments([try p0(f)])) }
            case 2:
                let p0 = positional[0], p1 = positional[1]
                return { f in try call(try function(f), Arguments([try p0(f), try p1(f)])) }
            default:
                return { f in try call(try function(f), Arguments(try positional.map { try $0(f) })) }
            }
        }
        return { f in
            let fn = try function(f)
            let args = Arguments(try positional.map { try $0(f) }, keywords: try keywords.map { ($0.0, try $0.1(f)) })
            return try call(fn, args)
        }
    }

    /// `explain(grad(loss(args...), x))`: the gradient of the loss with respect to the argument
    /// written as the variable `x`, explained sample by sample.
    func compileExplainGradient(_ callee: Expr, _ arguments: [Argument], variable: String, at location: SourceLocation) throws -> Code {
        // The parameter the variable is passed as: by position, or by keyword.
        let position = arguments.firstIndex { a in
            if case .name(variable, _) = a.value { return true }
            return false
        }
        return try compileExplaining(callee, arguments, at: location) { loss, bound in
            guard let position else {
                throw XEError.argument("explain(grad(\(loss.name)(...), \(variable))): \(variable) must be passed to \(loss.name) as an argument itself (e.g. explain(grad(\(loss.name)(y, \(variable)), \(variable)))); for a longer expression use grad alone", at: location)
            }
            let parameters = loss.loss.parameters
            let parameter = arguments[position].label ?? (position < parameters.count ? parameters[position].name : "")
            return try loss.loss.explainGradient(bound, withRespectTo: parameter)
        }
    }

    /// `explain(loss(args...))`: evaluates the loss's arguments, checks them as the loss would,
    /// and prints the calculation step by step instead of only its result.
    func compileExplain(_ callee: Expr, _ arguments: [Argument], at location: SourceLocation) throws -> Code {
        try compileExplaining(callee, arguments, at: location) { loss, bound in
            try loss.loss.explain(bound)
        }
    }

    /// The two forms of `explain`: binds the call's arguments to the loss, validates them as
    /// the loss would, and prints what `render` makes of them.
    func compileExplaining(_ callee: Expr, _ arguments: [Argument], at location: SourceLocation,
                           _ render: @escaping (LossCallable, LossArguments) throws -> LossExplanation) throws -> Code {
        let interpreter = self.interpreter
        let call = try compileLossCall(callee, arguments, at: location, in: "explain")
        return { f in
            let (loss, given) = try call(f)
            let bound = try loss.bind(given)
            try loss.reporting(at: location) {
                try loss.loss.validate(bound)
                interpreter.output(try render(loss, bound).text + "\n")
            }
            return .none
        }
    }

    /// Each subscript of `x[...]` as a closure giving a `TensorIndex`.
    func compileSubscripts(_ subscripts: [Subscript]) throws -> (Frame) throws -> [TensorIndex] {
        let parts = try subscripts.map { s -> (Frame) throws -> TensorIndex in
            switch s {
            case .index(let e):
                let code = try compile(e)
                let at = e.location
                return { f in try Value.tensorIndex(try code(f), at: at) }
            case .slice(let start, let stop, let step):
                let codes = try [start, stop, step].map { e in try e.map { (compiled: try compile($0), at: $0.location) } }
                return { f in
                    let bounds = try codes.map { c -> Int? in
                        guard let c else { return nil }
                        return try Value.integer(try c.compiled(f), what: "a slice bound", at: c.at)
                    }
                    return .range(start: bounds[0], stop: bounds[1], step: bounds[2])
                }
            case .ellipsis:
                return { _ in .ellipsis }
            }
        }
        if parts.count == 1 {
            let p = parts[0]
            return { f in [try p(f)] }
        }
        return { f in try parts.map { try $0(f) } }
    }
}
