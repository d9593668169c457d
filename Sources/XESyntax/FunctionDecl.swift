/// A function, lambda or loss: its parameters and body.
public struct FunctionDecl: Sendable {
    /// The name, or nil for a lambda.
    public var name: String?
    public var parameters: [Parameter]
    public var body: Expr
    /// The comment lines right above the definition, if any (a loss's help text).
    public var doc: String?

    public init(name: String?, parameters: [Parameter], body: Expr, doc: String? = nil) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.doc = doc
    }
}
