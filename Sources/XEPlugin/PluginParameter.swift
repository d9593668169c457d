/// A numeric parameter of a plugin loss, after `y` and `p`: `gamma=2`.
public struct PluginParameter: Sendable {
    public var name: String
    public var defaultValue: Double
    public var summary: String

    public init(_ name: String, default defaultValue: Double, summary: String = "") {
        self.name = name
        self.defaultValue = defaultValue
        self.summary = summary
    }
}
