import XESyntax
import XETensor

/// An error in an xe program: what went wrong and where. Prints as
/// `file:line:col: error: message`.
public struct XEError: Error, Sendable {
    /// What went wrong.
    public enum Problem: Sendable {
        case syntax(SyntaxError)
        /// A name with no value; the closest known name, if one is close.
        case unknownName(String, suggestion: String?)
        case tensor(TensorError)
        /// A value of the wrong kind (a string where a tensor was needed, ...).
        case type(String)
        /// Arguments that do not fit a function's parameters.
        case argument(String)
        /// A limit reached: recursion depth, tensor size, iteration count.
        case limit(String)
        /// A file that could not be read or written.
        case io(String)
        /// A plugin that could not be loaded or that failed.
        case plugin(String)
        /// Ctrl-C.
        case interrupted
        /// `exit(n)`, `quit()`, `exit`: not an error, the end of the program with status n.
        case exit(Int32)
        /// Anything else, described in full.
        case other(String)
    }

    public var problem: Problem
    public var location: SourceLocation?
    /// A place an xe function was called from, and how many times in a row the error passed
    /// through it (a recursion passes through one place many times).
    public struct Call: Sendable {
        public var location: SourceLocation
        public var times: Int
    }

    /// The calls of xe functions the error passed through on its way out, innermost first
    /// (at most `maxCalls` places), and how many more there were.
    public var calls: [Call] = []
    public var callsLeftOut = 0

    /// Further errors found in the same run (the other syntax errors of a program), each
    /// printed after this one.
    public var more: [XEError] = []

    /// The most calls kept for the message.
    static let maxCalls = 5

    public init(_ problem: Problem, at location: SourceLocation? = nil) {
        self.problem = problem
        self.location = location
    }

    /// What people type to leave other REPLs (R's `q`, a shell's `logout`, ...), for which
    /// the message says how to leave xe.
    static let leavingWords: Set<String> = ["q", "bye", "logout", "leave", "Exit", "Quit", "EXIT", "QUIT"]

    /// The message without location.
    public var message: String {
        switch problem {
        case .syntax(let e): return e.message
        case .unknownName(let name, _) where XEError.leavingWords.contains(name):
            return "unknown name '\(name)'; to leave, type exit (or :quit, or Ctrl-D)"
        case .unknownName(let name, let suggestion):
            if let suggestion { return "unknown name '\(name)'; did you mean '\(suggestion)'?" }
            return "unknown name '\(name)'"
        case .tensor(let e): return e.message
        case .type(let m), .argument(let m), .limit(let m), .io(let m), .plugin(let m), .other(let m): return m
        case .interrupted: return "interrupted"
        case .exit(let status): return "exit(\(status))"
        }
    }

    /// The status `exit(n)` asked for, when this is not an error but the end of the program:
    /// the host stops running (a script, the REPL) and exits with it.
    public var exitStatus: Int32? {
        if case .exit(let status) = problem { return status }
        return nil
    }

    /// Whether more input could complete the program (for the REPL).
    public var isIncompleteInput: Bool {
        if case .syntax(let e) = problem { return e.isIncompleteInput }
        return false
    }

    /// Records that the error came out of a call of an xe function made at `location`.
    mutating func passed(through location: SourceLocation) {
        guard self.location != nil else { return }
        if case .interrupted = problem { return }
        if case .exit = problem { return }
        if let last = calls.last, last.location == location {
            calls[calls.count - 1].times += 1
        } else if calls.count < XEError.maxCalls {
            calls.append(Call(location: location, times: 1))
        } else {
            callsLeftOut += 1
        }
    }

    static func type(_ message: String, at location: SourceLocation? = nil) -> XEError {
        XEError(.type(message), at: location)
    }

    static func argument(_ message: String, at location: SourceLocation? = nil) -> XEError {
        XEError(.argument(message), at: location)
    }

    /// Wraps any error as an XEError, keeping an existing location or adding `location`.
    static func wrap(_ error: any Error, at location: SourceLocation?) -> XEError {
        if var e = error as? XEError {
            if e.location == nil { e.location = location }
            return e
        }
        if let e = error as? TensorError {
            if case .interrupted = e { return XEError(.interrupted, at: location) }
            return XEError(.tensor(e), at: location)
        }
        if let e = error as? SyntaxError { return XEError(.syntax(e), at: e.location) }
        return XEError(.other("\(error)"), at: location)
    }
}
