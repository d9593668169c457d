/// The losses every interpreter starts with.
public enum BuiltinLosses {
    public static let all: [any Loss] = [
        BinaryCrossEntropy(),
        BinaryCrossEntropyWithLogits(),
        CategoricalCrossEntropy(),
        CategoricalCrossEntropyWithLogits(),
        NegativeLogLikelihood(),
        BinaryFocalLoss(logits: false),
        BinaryFocalLoss(logits: true),
        CategoricalFocalLoss(logits: false),
        CategoricalFocalLoss(logits: true),
        KLDivergence(),
    ]
}
