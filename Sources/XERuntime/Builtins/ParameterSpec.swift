import XESyntax

/// A parameter as the argument binder sees it.
public struct ParameterSpec: Sendable {
    public var name: String
    /// The default, or nil when the parameter is required or optional-without-value.
    public var defaultValue: Value?
    public var required: Bool
    /// Set only by keyword (after the variadic arguments of `plot`).
    public var keywordOnly: Bool

    public init(_ name: String, default defaultValue: Value? = nil, required: Bool = false, keywordOnly: Bool = false) {
        self.name = name
        self.defaultValue = defaultValue
        self.required = required
        self.keywordOnly = keywordOnly
    }
}
