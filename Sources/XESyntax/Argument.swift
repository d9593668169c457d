/// An argument in a call: positional when `label` is nil.
public struct Argument: Sendable {
    public var label: String?
    public var value: Expr
    public var location: SourceLocation

    public init(label: String?, value: Expr, location: SourceLocation) {
        self.label = label
        self.value = value
        self.location = location
    }
}
