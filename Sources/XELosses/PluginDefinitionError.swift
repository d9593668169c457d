/// A loss definition a native plugin passed to `register_loss` that xe cannot accept.
struct PluginDefinitionError: Error {
    var message: String

    init(_ message: String) {
        self.message = message
    }
}
