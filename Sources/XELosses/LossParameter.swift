/// A named parameter of a loss. The first two (targets, then predictions) are required; the
/// rest have defaults or are optional (`defaultValue` nil and `required` false).
public struct LossParameter: Sendable {
    public var name: String
    public var defaultValue: LossValue?
    public var required: Bool
    public var summary: String
    /// How an absent default reads in the signature when it is decided at the call (by the
    /// convention): `"mean"` for `reduction`.
    public var shownDefault: String?

    public init(_ name: String, default defaultValue: LossValue? = nil, required: Bool = false, summary: String = "",
                shownDefault: String? = nil) {
        self.name = name
        self.defaultValue = defaultValue
        self.required = required
        self.summary = summary
        self.shownDefault = shownDefault
    }

    /// `eps=1e-15`, `y`, or `weight=none`.
    public var display: String {
        if required { return name }
        return "\(name)=\(defaultValue?.display ?? shownDefault ?? "none")"
    }
}
