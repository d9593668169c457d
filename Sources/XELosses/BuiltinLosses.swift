/// The losses every interpreter starts with.
public enum BuiltinLosses {
    public static let all: [any Loss] = [
        BinaryCrossEntropy(),
        BinaryCrossEntropyWithLogits(),
        CategoricalCrossEntropy(),
        CategoricalCrossEntropyWithLogits(),
    ]
}
