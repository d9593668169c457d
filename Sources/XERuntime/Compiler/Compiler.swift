import CXEShim
import XESyntax
import XETensor

/// Compiled code: a closure that runs in a frame of local variables.
typealias Code = (Frame) throws -> Value

/// Compiles the AST into nested Swift closures, resolving every name to a slot once, so the
/// interpreter never looks a variable up by name while it runs (closure compilation).
final class Compiler {
    let interpreter: Interpreter
    /// The function being compiled, or nil at the top level.
    var scope: Scope?
    var loopDepth = 0
    /// Called with the value of each top-level expression statement (the REPL's echo).
    var echo: ((Value) -> Void)?
    /// Above 0 while the ordinary form of a fused region is compiled: nothing in it is fused,
    /// so a region nested in another's leaf is compiled twice, not 2^depth times.
    var compilingOrdinary = 0

    init(interpreter: Interpreter) {
        self.interpreter = interpreter
    }

    // MARK: Names

    func resolve(_ name: String) -> VariableRef {
        var depth = 0
        var s = scope
        while let current = s {
            if let slot = current.slots[name] { return .local(depth: depth, slot: slot) }
            depth += 1
            s = current.parent
        }
        return .global(interpreter.globals.slot(for: name))
    }

    func read(_ name: String, at location: SourceLocation) -> Code {
        switch resolve(name) {
        case .global(let g):
            let globals = interpreter.globals
            let interpreter = self.interpreter
            return { _ in
                if let v = globals.values[g] { return v }
                if let v = globals.fallback[g] { return v }
                return try interpreter.fallback(slot: g, at: location)
            }
        case .local(0, let slot):
            return { f in
                if let v = f.slots[slot] { return v }
                throw XEError(.other("local variable '\(name)' is used before it is assigned"), at: location)
            }
        case .local(let depth, let slot):
            return { f in
                if let v = f.ancestor(depth).slots[slot] { return v }
                throw XEError(.other("variable '\(name)' is used before it is assigned"), at: location)
            }
        }
    }

    func store(_ name: String) -> (Frame, Value) -> Void {
        switch resolve(name) {
        case .global(let g):
            let globals = interpreter.globals
            return { _, v in globals.values[g] = v }
        case .local(0, let slot):
            return { f, v in f.slots[slot] = v }
        case .local(let depth, let slot):
            return { f, v in f.ancestor(depth).slots[slot] = v }
        }
    }

    // MARK: Programs and statements

    /// Compiles a program; running it gives the value of its last statement if that is an
    /// expression statement, `.none` otherwise.
    func compileProgram(_ statements: [Stmt]) throws -> Code {
        let codes = try statements.map { statement -> Code in
            let code = try compile(statement)
            if case .expression = statement, let echo {
                return { f in
                    let v = try code(f)
                    echo(v)
                    return v
                }
            }
            return code
        }
        return sequence(codes, of: statements)
    }

    /// Runs `codes` in order; the result is the last one's value when the last statement is an
    /// expression statement, `.none` otherwise.
    private func sequence(_ codes: [Code], of statements: [Stmt]) -> Code {
        let lastIsExpression: Bool
        if case .expression? = statements.last { lastIsExpression = true } else { lastIsExpression = false }
        return { f in
            var last = Value.none
            for code in codes { last = try code(f) }
            return lastIsExpression ? last : .none
        }
    }

    func compileStatements(_ statements: [Stmt]) throws -> Code {
        // One statement: its own closure, not one taken out of an array (which would add
        // reabstraction thunks to every call of a loop body).
        if statements.count == 1 { return try compile(statements[0]) }
        let codes = try statements.map(compile)
        return sequence(codes, of: statements)
    }

    func compile(_ statement: Stmt) throws -> Code {
        switch statement {
        case .expression(let e):
            if case .name(let name, let location) = e, name == "exit" || name == "quit" {
                return try compileBareExit(e, at: location)
            }
            return try compile(e)
        case .assign(let target, let value, let location):
            if case .name(let name, _) = target, case .local(0, let slot) = resolve(name),
               let update = try compileLocalUpdate(slot: slot, value) {
                return update
            }
            let v = try compile(value)
            if case .tuple(let targets, _) = target {
                let stores = try targets.map { try compileStore($0) }
                return { f in
                    let value = try v(f)
                    guard case .tuple(let items) = value else {
                        throw XEError.type("cannot unpack \(value.kindDescription) into \(stores.count) names; the right side must be a tuple such as grad(loss, a, b)", at: location)
                    }
                    guard items.count == stores.count else {
                        throw XEError.type("cannot unpack a tuple of \(items.count) into \(stores.count) names", at: location)
                    }
                    for (store, item) in zip(stores, items) { try store(f, item) }
                    return .none
                }
            }
            if case .name(let name, _) = target {
                switch resolve(name) {
                case .local(0, let slot):
                    return { f in
                        f.slots[slot] = try v(f)
                        return .none
                    }
                case .global(let g):
                    let globals = interpreter.globals
                    return { f in
                        globals.values[g] = try v(f)
                        return .none
                    }
                default:
                    break
                }
            }
            let store = try compileStore(target)
            return { f in
                try store(f, try v(f))
                return .none
            }
        case .compoundAssign(let op, let target, let value, let location):
            let current = try compileRead(target)
            let v = try compile(value)
            let store = try compileStore(target)
            return { f in
                let result = try Value.binary(op, try current(f), try v(f), at: location)
                try store(f, result)
                return .none
            }
        case .function(let decl, let location):
            let template = try compileFunction(decl, at: location)
            let store = self.store(decl.name ?? "")
            return { f in
                store(f, .function(UserFunction(template: template, captured: f)))
                return .none
            }
        case .loss(let decl, let location):
            let template = try compileFunction(decl, at: location)
            let interpreter = self.interpreter
            return { f in
                try interpreter.registerScriptLoss(UserFunction(template: template, captured: f), at: location)
                return .none
            }
        case .forLoop(let name, let iterable, let body, let location):
            return try compileFor(name, iterable, body, at: location)
        case .whileLoop(let condition, let body, let location):
            let c = try compile(condition)
            loopDepth += 1
            let b = try compile(body)
            loopDepth -= 1
            return { f in
                while try Compiler.truth(try c(f), at: location) {
                    if try !Compiler.runBody(b, f, at: location) { break }
                }
                return .none
            }
        case .returnValue(let value, let location):
            guard scope != nil else {
                throw XEError(.other("'return' outside a function"), at: location)
            }
            let v = try value.map(compile)
            return { f in throw ControlFlow.returning(try v?(f) ?? .none) }
        case .breakLoop(let location):
            guard loopDepth > 0 else { throw XEError(.other("'break' outside a loop"), at: location) }
            return { _ in throw ControlFlow.breaking }
        case .continueLoop(let location):
            guard loopDepth > 0 else { throw XEError(.other("'continue' outside a loop"), at: location) }
            return { _ in throw ControlFlow.continuing }
        case .importFile(let path, let location):
            let interpreter = self.interpreter
            return { _ in
                try interpreter.importFile(path, at: location)
                return .none
            }
        }
    }

    /// Runs a loop's body once: false when it breaks out of the loop (`continue` only ends the
    /// body). Ctrl-C stops the loop here.
    @inline(__always)
    static func runBody(_ body: Code, _ f: Frame, at location: SourceLocation) throws -> Bool {
        if xe_interrupted() != 0 { throw XEError(.interrupted, at: location) }
        do {
            _ = try body(f)
        } catch ControlFlow.breaking {
            return false
        } catch ControlFlow.continuing {
            return true
        }
        return true
    }

    /// `for name in iterable { body }`; `range(...)` is counted without building the vector.
    func compileFor(_ name: String, _ iterable: Expr, _ body: Expr, at location: SourceLocation) throws -> Code {
        let store = self.store(name)
        let slot: Int?
        if case .local(0, let s) = resolve(name) { slot = s } else { slot = nil }
        loopDepth += 1
        let b = try compile(body)
        loopDepth -= 1
        let interpreter = self.interpreter
        if case .call(let callee, let args, let callLocation) = iterable, case .name("range", _) = callee,
           args.allSatisfy({ $0.label == nil }), (1...3).contains(args.count) {
            let rangeFunction = try compile(callee)
            let argCodes = try args.map { try compile($0.value) }
            return { f in
                let fn = try rangeFunction(f)
                let values = try argCodes.map { try $0(f) }
                guard case .function(let builtin as Builtin) = fn, builtin === Builtins.range,
                      let (start, stop, step) = Builtins.wholeBounds(try Builtins.rangeArguments(values, at: callLocation)) else {
                    // Another function named range, or a fractional range: a real vector.
                    let sequence = try interpreter.call(fn, Arguments(values), at: callLocation)
                    for item in try Value.iterate(sequence, at: location) {
                        store(f, item)
                        if try !Compiler.runBody(b, f, at: location) { break }
                    }
                    return .none
                }
                var i = start
                if let slot {
                    // The common case: a local counter.
                    while step > 0 ? i < stop : i > stop {
                        f.slots[slot] = .number(Double(i))
                        if try !Compiler.runBody(b, f, at: location) { break }
                        i += step
                    }
                    return .none
                }
                while step > 0 ? i < stop : i > stop {
                    store(f, .number(Double(i)))
                    if try !Compiler.runBody(b, f, at: location) { break }
                    i += step
                }
                return .none
            }
        }
        let it = try compile(iterable)
        return { f in
            for item in try Value.iterate(try it(f), at: location) {
                store(f, item)
                if try !Compiler.runBody(b, f, at: location) { break }
            }
            return .none
        }
    }

    /// Reads the current value of an assignment target (for `x += 1` and `x[i] = v`).
    func compileRead(_ target: AssignTarget) throws -> Code {
        switch target {
        case .name(let name, let location):
            return read(name, at: location)
        case .index(let base, let subscripts, let location):
            let b = try compileRead(base)
            let s = try compileSubscripts(subscripts)
            return { f in try Value.index(try b(f), try s(f), at: location) }
        case .tuple(_, let location):
            throw XEError(.other("a tuple of names cannot be combined with an operator"), at: location)
        }
    }

    /// The closure that writes a value to an assignment target.
    func compileStore(_ target: AssignTarget) throws -> (Frame, Value) throws -> Void {
        switch target {
        case .name(let name, _):
            let store = self.store(name)
            return { f, v in store(f, v) }
        case .index(let base, let subscripts, let location):
            let current = try compileRead(base)
            let s = try compileSubscripts(subscripts)
            let storeBase = try compileStore(base)
            if case .name(let name, _) = base {
                // Take the tensor out of its variable while writing, so it is not copied.
                let store = self.store(name)
                return { f, v in
                    let indices = try s(f)
                    var value = try current(f)
                    store(f, .none)
                    do {
                        try Value.assignIndex(&value, indices, v, at: location)
                    } catch {
                        store(f, value)
                        throw error
                    }
                    store(f, value)
                }
            }
            return { f, v in
                var value = try current(f)
                try Value.assignIndex(&value, try s(f), v, at: location)
                try storeBase(f, value)
            }
        case .tuple(_, let location):
            throw XEError(.other("nested tuples cannot be assigned"), at: location)
        }
    }

    // MARK: Functions

    /// Compiles a function, lambda or loss body in a scope of its own.
    func compileFunction(_ decl: FunctionDecl, at location: SourceLocation) throws -> FunctionTemplate {
        let outerScope = scope
        let outerLoops = loopDepth
        let outerEcho = echo
        scope = Scope(parent: outerScope, parameters: decl.parameters.map(\.name), body: decl.body)
        loopDepth = 0
        echo = nil
        defer {
            scope = outerScope
            loopDepth = outerLoops
            echo = outerEcho
        }
        let defaults = try decl.parameters.map { p in try p.defaultValue.map(compile) }
        let body = try compileBody(decl)
        return FunctionTemplate(
            name: decl.name ?? "<lambda>",
            parameters: decl.parameters.map(\.name),
            defaults: defaults,
            defaultTexts: decl.parameters.map { $0.defaultValue.map(ExprPrinter.text) },
            slotCount: scope!.count,
            body: body,
            doc: decl.doc,
            location: location,
            display: decl.name ?? {
                let names = decl.parameters.map(\.name)
                let head = names.count == 1 ? names[0] : "(" + names.joined(separator: ", ") + ")"
                return head + " -> " + ExprPrinter.text(decl.body)
            }())
    }

    static func truth(_ value: Value, at location: SourceLocation) throws -> Bool {
        switch value {
        case .number(let x): return x != 0
        case .tensor, .tracked:
            let t = value.tensorValue!
            guard t.count == 1 else {
                throw XEError.type("the condition is a tensor of shape \(Tensor.describe(shape: t.shape)), which is neither true nor false; use any(...) or all(...)", at: location)
            }
            return t.storage[0] != 0
        default:
            throw XEError.type("the condition is \(value.kindDescription), not a number", at: location)
        }
    }
}

extension Compiler {
    /// `exit` or `quit` alone as a statement leaves, as `exit()` does (IPython's and sqlite3's
    /// habit), unless the name is a variable of the program's own.
    func compileBareExit(_ e: Expr, at location: SourceLocation) throws -> Code {
        let code = try compile(e)
        return { f in
            let value = try code(f)
            if case .function(let function) = value, let builtin = function as? Builtin,
               builtin.name == "exit" || builtin.name == "quit" {
                throw XEError(.exit(0), at: location)
            }
            return value
        }
    }
}
