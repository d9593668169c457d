/// A parameter of a function, lambda or loss, with an optional default.
public struct Parameter: Sendable {
    public var name: String
    public var defaultValue: Expr?
    public var location: SourceLocation

    public init(name: String, defaultValue: Expr?, location: SourceLocation) {
        self.name = name
        self.defaultValue = defaultValue
        self.location = location
    }
}
