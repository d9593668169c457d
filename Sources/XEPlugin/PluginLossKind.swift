/// How a plugin loss maps inputs to losses.
public enum PluginLossKind: Sendable {
    /// One loss per element, like `bce`.
    case elementwise
    /// One loss per row of the last axis (one sample of class scores), like `cce`.
    case rowwise

    var code: Int32 {
        switch self {
        case .elementwise: return XE_LOSS_ELEMENTWISE
        case .rowwise: return XE_LOSS_ROWWISE
        }
    }
}
