/// The rules by which a framework computes the cross-entropy family, each as the library
/// behaves today (checked by running it; `Scripts/make_loss_fixtures.py`), in float64: where a
/// library computes in float32 internally, the rule applies, not its rounding.
public enum Convention: String, CaseIterable, Sendable {
    /// xe's own: probabilities clipped into [eps, 1-eps] with eps = 1e-15, 0·log 0 = 0.
    case xe
    /// PyTorch: no clipping; each log clamped at -100 (`BCELoss`); probability targets of a
    /// weighted cross-entropy averaged over N samples.
    case torch
    /// Keras 3: probabilities clipped into [1e-7, 1-1e-7]; probability rows renormalised then
    /// clipped; binary losses averaged per sample over the last axis.
    case keras
    /// tf.keras (Keras 2): as Keras 3, and ε inside the binary logs (log(p̂ + ε)); its sparse
    /// form clips, then renormalises through log-softmax.
    case tf_keras
    /// scikit-learn's `log_loss`: clipped at machine epsilon, rows not renormalised (1.x only
    /// warns), weights dividing by their sum.
    case sklearn
    /// optax: no clipping, 0·log 0 = 0, no reduction unless asked.
    case optax

    /// The clip of probabilities before a log (nil: none). An explicit `eps=` overrides it.
    public var clip: Double? {
        switch self {
        case .xe: return 1e-15
        case .torch, .optax: return nil
        case .keras, .tf_keras: return 1e-7
        case .sklearn: return Double.ulpOfOne
        }
    }

    /// The floor of every log of a probability (PyTorch's -100), nil for none.
    public var logFloor: Double? { self == .torch ? -100 : nil }

    /// Whether ε is added inside the binary logs after clipping: log(p̂ + ε), log(1 - p̂ + ε).
    public var epsilonInsideBinaryLog: Bool { self == .tf_keras }

    /// Whether probability rows are divided by their sum before clipping.
    public var renormalises: Bool { self == .keras || self == .tf_keras }

    /// Whether class-index targets on probabilities renormalise through log-softmax of the
    /// clipped log (tf.keras's sparse form) instead of dividing by the row sum.
    public var sparseRenormalisesByLogSoftmax: Bool { self == .tf_keras }

    /// Whether the binary focal loss from logits takes σ(z) as a probability and clips it (Keras 3;
    /// tf.keras computes its cross-entropy from the logits).
    public var focalClipsSigmoid: Bool { self == .keras }

    /// Whether binary losses are averaged per sample over the last axis before the reduction.
    public var binaryPerSampleMean: Bool { self == .keras || self == .tf_keras }

    /// The reduction when none is asked for.
    public var defaultReduction: String { self == .optax ? "none" : "mean" }

    /// How a weighted mean is divided.
    public enum WeightedMean: Sendable {
        /// By the number of samples (or elements).
        case count
        /// By the sum of the weights of the samples (class weights: Σ_i w[t_i] = Σ_i Σ_c w_c·y_ic).
        case weightSum
    }

    /// The denominator of a weighted mean of elementwise (binary) losses.
    public var binaryWeightedMean: WeightedMean { self == .sklearn ? .weightSum : .count }

    /// The denominator of a class-weighted mean with probability (dense) targets.
    public var denseWeightedMean: WeightedMean { (self == .xe || self == .sklearn) ? .weightSum : .count }

    /// The denominator of a class-weighted mean with class-index targets.
    public var indexWeightedMean: WeightedMean { (self == .keras || self == .tf_keras || self == .optax) ? .count : .weightSum }

    /// One line: the rules, for `help`, `conventions` and the README.
    public var rules: String {
        switch self {
        case .xe: return "p clipped into [1e-15, 1-1e-15]; 0·log 0 = 0; weighted means divide by the weights of the targets"
        case .torch: return "no clipping; each log clamped at -100; weighted mean of probability targets divided by N"
        case .keras: return "p clipped into [1e-7, 1-1e-7]; probability rows renormalised then clipped; binary losses averaged per sample over the last axis"
        case .tf_keras: return "as keras, with 1e-7 inside the binary logs; class indices clip then renormalise through log-softmax"
        case .sklearn: return "p clipped at machine epsilon (2.22e-16); rows not renormalised; weights divide by their sum"
        case .optax: return "no clipping; 0·log 0 = 0; no reduction unless asked (reduction=\"none\")"
        }
    }

    /// What a loss is, for the rules that concern it.
    public struct Kind: Sendable {
        /// Categorical (a class axis) rather than binary (elementwise).
        public var categorical: Bool
        /// Predictions are logits (no clipping concerns them).
        public var logits: Bool
        /// A divergence between two distributions (`kl_div`).
        public var divergence: Bool = false
    }

    /// The rules that concern one kind of loss, for `conventions(...)`.
    public func rules(for kind: Kind) -> String {
        if kind.divergence {
            return renormalises ? "p and q clipped into [1e-7, 1]" : "0·log 0 = 0, no clipping"
        }
        var parts: [String] = []
        let probabilities = !kind.logits
        switch self {
        case .xe:
            if probabilities { parts.append("p clipped into [1e-15, 1-1e-15]") }
            parts += ["0·log 0 = 0", kind.categorical ? "a weighted mean divides by Σ w[t]" : "a weighted mean divides by n"]
        case .torch:
            if probabilities { parts += ["no clipping", "each log clamped at -100"] }
            if kind.categorical { parts.append("a class-weighted mean over probability targets divides by N") }
        case .keras, .tf_keras:
            if probabilities {
                parts.append("p clipped into [1e-7, 1-1e-7]")
                if self == .tf_keras && !kind.categorical { parts.append("1e-7 inside the logs") }
                if kind.categorical { parts.append("rows renormalised, then clipped") }
                if self == .tf_keras && kind.categorical { parts.append("class indices renormalised through log-softmax") }
            }
            parts.append(kind.categorical ? "weighted means divide by N" : "averaged per sample over the last axis first")
        case .sklearn:
            if probabilities { parts.append("p clipped at machine epsilon (2.22e-16)") }
            parts.append(kind.categorical ? "rows not renormalised" : "weights divide by their sum")
        case .optax:
            if probabilities { parts.append("no clipping") }
            parts += ["0·log 0 = 0", "no reduction unless asked"]
        }
        return parts.joined(separator: "; ")
    }

    /// The names, quoted, for messages.
    public static var names: [String] { allCases.map(\.rawValue) }
}
