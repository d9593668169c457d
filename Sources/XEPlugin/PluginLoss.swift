@_exported import CXEPlugin

/// A loss written in Swift for a native xe plugin.
///
/// xe broadcasts the targets `y` and predictions `p` to one shape and calls `forward` with
/// them as flat float64 buffers; it applies `weight=` and `reduction=` itself. A loss that
/// also implements `gradient` (and says so with `hasGradient`) can be differentiated by `grad`;
/// one that does not is opaque native code, and `grad` refuses it with a clear error.
public protocol PluginLoss: Sendable {
    // What every loss has.

    /// The name xe calls it by: letters, digits and underscores, not starting with a digit.
    var name: String { get }
    /// Writes the loss of every element (`.elementwise`: `rows * cols` values) or of every
    /// row (`.rowwise`: `rows` values) into `out`.
    func forward(_ batch: LossBatch, into out: UnsafeMutableBufferPointer<Double>) throws

    // What has a default (in the extension below).

    /// One line for `:losses` (default: the name).
    var summary: String { get }
    /// The help text `help(name)` prints under the signature: formula, options, example
    /// (default: the summary).
    var help: String { get }
    /// Numeric parameters after `y` and `p`, with their defaults (default: none).
    var parameters: [PluginParameter] { get }
    /// One loss per element (the default) or one per row of the last axis.
    var kind: PluginLossKind { get }
    /// Whether `gradient` is implemented: a loss that implements it must say so with
    /// `let hasGradient = true` (a plugin whose loss does not is refused with a message saying so).
    var hasGradient: Bool { get }
    /// Writes `∂ loss / ∂ p[i]` for every element `i` (`rows * cols` values), where the loss is
    /// the one `forward` gives for the element (or row) that holds `i` (default: none, and
    /// `grad` refuses the loss).
    func gradient(_ batch: LossBatch, into out: UnsafeMutableBufferPointer<Double>) throws
}

extension PluginLoss {
    public var summary: String { name }
    public var help: String { summary }
    public var parameters: [PluginParameter] { [] }
    public var kind: PluginLossKind { .elementwise }
    public var hasGradient: Bool { false }

    public func gradient(_ batch: LossBatch, into out: UnsafeMutableBufferPointer<Double>) throws {
        throw MissingGradient(name: name)
    }
}

/// What the default `gradient` throws: the loss does not implement one.
struct MissingGradient: Error, CustomStringConvertible {
    var name: String
    var description: String { "\(name) has no gradient" }
}
