import XESyntax

/// Anything that can be called: built-ins, user functions and lambdas, losses, `grad(f)`.
public protocol Callable: AnyObject, Sendable {
    /// The name it is known by (`<lambda>` for a lambda).
    var name: String { get }
    /// `name(x, k=2)`.
    var signature: String { get }
    /// The text `help(name)` prints.
    var help: String { get }
    /// Calls it with arguments already evaluated.
    func call(_ arguments: Arguments, in interpreter: Interpreter, at location: SourceLocation) throws -> Value
}
