/// A reduction over one axis or over all elements.
public enum Reduction: String, Sendable, CaseIterable {
    case sum, mean, max, min, argmax, argmin
}
