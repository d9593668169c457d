/// An error a plugin loss throws; xe shows its message, prefixed with the loss's name.
public struct PluginError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
