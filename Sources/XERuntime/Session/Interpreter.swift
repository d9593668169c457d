import CXEShim
import Glibc
import XELosses
import XESyntax
import XETensor

/// Runs xe programs: holds the global variables, the loss registry and the sources of
/// everything run (for error messages). One interpreter is one session.
public final class Interpreter: @unchecked Sendable {
    public static let version = "0.1.0"
    /// The deepest nesting of calls to xe functions.
    public static let maxCallDepth = 3000

    let globals = Globals()
    /// The losses this session knows: the built-ins, script losses and plugins.
    public let losses: LossRegistry
    let root = Frame(count: 0, parent: nil)
    var callDepth = 0
    /// Elementwise regions whose result has fewer elements run an operation at a time
    /// (`Compiler.compileFused`); tests compare 0 (all fused) with Int.max (none).
    var fusionThreshold = 1
    /// How many regions were evaluated fused (for tests).
    var fusedEvaluations = 0
    /// How many function calls ran with their locals inlined into a fused region
    /// (`Compiler.compileBody`; for tests).
    var inlinedEvaluations = 0
    /// Set by a first-order `grad(f(...), x)` just before it calls f (its arguments already
    /// evaluated): f's result is the root of the differentiation, whose value nobody reads, so
    /// a loss kernel or a fused region that gives it may compute the gradient alone. Taken
    /// (and cleared) by the call that starts next (`takeGradientRoot`), so it reaches nothing
    /// else.
    var gradientRoot = false

    /// Whether the call starting now gives the root of a `grad` (`gradientRoot`), clearing it.
    func takeGradientRoot() -> Bool {
        defer { gradientRoot = false }
        return gradientRoot
    }
    /// Where `print` and `help` write.
    public var output: (String) -> Void = { text in
        var text = text
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { _ = xe_write_out($0.baseAddress, $0.count) }
        }
    }
    /// Source lines of every file and REPL entry run, for error messages.
    var sources: [String: [Substring]] = [:]
    var random = RandomSource(seed: 0x5EED)
    /// Files being imported, for cycle detection, and the directory of the running file.
    var importStack: [String] = []
    /// What each loaded plugin added: its path and the losses it registered.
    public var loadedPlugins: [(path: String, losses: [String])] = []
    /// The plugin files loaded: their spellings, versions and which came from a plugin folder.
    var pluginFiles = PluginFiles()
    /// Where notes go (a loss of a plugin folder replaced by one loaded by name, a plugin
    /// loaded again): standard error unless the host says otherwise.
    public var note: (String) -> Void = { text in
        var line = "xe: note: " + text + "\n"
        line.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { _ = xe_write_err($0.baseAddress, $0.count) }
        }
    }
    /// The names of the arrays the last `load` of a whole file returned, to show them.
    var loadedNames: (names: [String], items: [Value])?

    public init(arguments: [String] = []) {
        losses = LossRegistry.withBuiltins()
        globals.set("args", .tuple(arguments.map(Value.string)))
    }

    // MARK: Loading and running

    /// A program loaded into this session: parsed once and compiled to closures, ready to run.
    public struct Program {
        let code: Code
    }

    /// Loads `source` as the text of `file`, the one way every program comes in (scripts,
    /// `-e`, standard input, REPL entries, `import`, `:load`): records its lines (for the line
    /// and caret under an error), parses it once, collecting every syntax error in the same
    /// pass, and compiles it. A program with syntax errors throws the first with every other
    /// one in `more`; when that error `isIncompleteInput`, more lines could complete the source
    /// (the REPL reads another). `echo` receives the value of every top-level expression
    /// statement as the program runs, unless the source ends with `;` (which hides them).
    public func load(_ source: String, file: String, echo: ((Value) -> Void)? = nil) throws(XEError) -> Program {
        try LargeStack.run { () throws(XEError) -> Program in
            sources[file] = source.split(separator: "\n", omittingEmptySubsequences: false)
            let parsed = Parser.parseProgram(source, file: file)
            if let first = parsed.errors.first {
                var error = XEError(.syntax(first), at: first.location)
                error.more = parsed.errors.dropFirst().map { XEError(.syntax($0), at: $0.location) }
                throw error
            }
            do {
                let compiler = Compiler(interpreter: self)
                compiler.echo = parsed.endsWithSemicolon ? nil : echo
                return Program(code: try compiler.compileProgram(parsed.statements))
            } catch {
                throw XEError.wrap(error, at: nil)
            }
        }
    }

    /// Runs a loaded program; gives the value of its last statement when that is an expression
    /// statement.
    @discardableResult
    public func run(_ program: Program) throws(XEError) -> Value {
        try LargeStack.run { () throws(XEError) -> Value in
            callDepth = 0
            do {
                return try program.code(root)
            } catch {
                throw XEError.wrap(error, at: nil)
            }
        }
    }

    /// Loads and runs `source` (see `load`).
    @discardableResult
    public func run(_ source: String, file: String = "", echo: ((Value) -> Void)? = nil) throws(XEError) -> Value {
        try run(load(source, file: file, echo: echo))
    }

    /// Stops whatever runs after `milliseconds` as Ctrl-C would (0 cancels): a time budget
    /// for fuzzing and tests.
    public static func interrupt(afterMilliseconds milliseconds: Int) {
        xe_interrupt_after(milliseconds)
    }

    /// The largest number of elements one tensor may hold (2^28 unless lowered, e.g. by the
    /// fuzzer).
    public static var maxTensorElements: Int {
        get { TensorLimits.elements }
        set { TensorLimits.elements = newValue }
    }

    /// Forgets a pending interrupt.
    public static func clearInterrupt() {
        xe_clear_interrupt()
    }

    /// Sets a global variable.
    public func setGlobal(_ name: String, _ value: Value) {
        globals.set(name, value)
    }

    /// A global variable's value.
    public func global(_ name: String) -> Value? {
        globals.value(of: name)
    }

    /// The names of the global variables that hold a value.
    public var variableNames: [String] { globals.definedNames }

    /// Removes every variable (`:reset`).
    public func reset() {
        globals.reset()
    }

    /// Every name the language knows right now: variables, built-ins, losses, constants.
    public var knownNames: [String] {
        variableNames + Builtins.table.keys.sorted() + losses.names + Builtins.constants.keys.sorted()
    }

    // MARK: Names

    /// The value of a global name that no variable holds: a built-in, a loss, a constant.
    func fallback(slot: Int, at location: SourceLocation) throws -> Value {
        let name = globals.names[slot]
        var value: Value?
        if let builtin = Builtins.table[name] {
            value = .function(builtin)
        } else if let loss = losses.lookup(name) {
            value = .function(LossCallable(loss))
        } else if let constant = Builtins.constants[name] {
            value = .number(constant)
        }
        guard let value else {
            throw XEError(.unknownName(name, suggestion: Suggestions.closest(to: name, among: knownNames)), at: location)
        }
        globals.fallback[slot] = value
        return value
    }

    // MARK: Calls

    /// Calls a function value.
    func call(_ function: Value, _ arguments: Arguments, at location: SourceLocation) throws -> Value {
        guard case .function(let f) = function else {
            throw XEError.type("\(function.kindDescription) is not a function and cannot be called", at: location)
        }
        // Only the functions that look at it take the gradient root (at their start).
        if !(f is UserFunction || f is LossCallable) { gradientRoot = false }
        do {
            return try f.call(arguments, in: self, at: location)
        } catch var e as XEError {
            if e.location == nil { e.location = location }
            throw e
        } catch let flow as ControlFlow {
            throw flow
        } catch {
            throw XEError.wrap(error, at: location)
        }
    }

    /// Registers a loss defined with `loss name(...) = ...`. Defining it again from the same
    /// file (or the REPL) replaces it; a clash with a loss from elsewhere is an error.
    func registerScriptLoss(_ function: UserFunction, at location: SourceLocation) throws {
        let loss = ScriptLoss(function: function, interpreter: self)
        let origin = location.file.isEmpty || location.file.hasPrefix("REPL[") ? "the REPL" : location.file
        let existing = losses.entry(loss.name)?.origin
        let replace = existing == origin || existing.map(folderLossGivesWay) == true
        do {
            try losses.register(loss, origin: origin, replace: replace)
        } catch {
            throw XEError(.plugin(error.message), at: location)
        }
        if let existing, existing != origin { replaced(loss.name, from: existing, by: origin) }
        globals.clearFallbacks()
    }
}
