/// A token with the place it starts.
public struct LexedToken: Sendable, Equatable {
    public var token: Token
    public var location: SourceLocation

    public init(_ token: Token, at location: SourceLocation) {
        self.token = token
        self.location = location
    }
}
