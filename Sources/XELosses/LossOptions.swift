import XETensor

/// The options the cross-entropy family shares (`axis=`, `ignore_index=`, `strict=`,
/// `convention=`), their parameters and how a call's arguments are read.
public enum LossOptions {
    static let axis = LossParameter("axis", default: .number(-1), summary: "the class axis (PyTorch's (N, C, d1, ...) layout is axis=1)")
    static let ignoreIndex = LossParameter("ignore_index", summary: "a class index whose samples add nothing and leave the mean's denominator (PyTorch's rule)")
    static let strict = LossParameter("strict", default: .number(1), summary: "false: compute the formula for targets outside [0, 1] (as PyTorch does)")
    static let convention = LossParameter("convention", default: .string("xe"),
                                          summary: "whose rules: " + Convention.names.map { "\"\($0)\"" }.joined(separator: ", ") + " (see conventions(...))")
    /// `reduction=`, whose default is the convention's ("mean"; optax's "none").
    static let reduction = LossParameter("reduction", summary: "\"mean\" (default; \"none\" under optax), \"sum\" or \"none\"", shownDefault: "\"mean\"")
    /// `eps=`, whose default is the convention's clip (1e-15 for xe).
    static let eps = LossParameter("eps", summary: "p is clipped into [eps, 1-eps] before the logs (default: the convention's, 1e-15 for xe)",
                                   shownDefault: "1e-15")
    static let labelSmoothing = LossParameter("label_smoothing", default: .number(0), summary: "s: targets become (1-s)·y + s/C (binary: s/2)")

    /// `y` of a binary loss.
    static let binaryTargets = LossParameter("y", required: true, summary: "targets in [0, 1] (labels 0/1 or probabilities)")
    /// `y` of a categorical loss.
    static let categoricalTargets = LossParameter("y", required: true, summary: "one-hot or probability rows, or integer class indices")
    /// `p` of a binary loss on probabilities.
    static let probabilities = LossParameter("p", required: true, summary: "predicted probabilities in [0, 1]")
    /// `z` of a binary loss from logits.
    static let logits = LossParameter("z", required: true, summary: "logits (any real numbers)")
    /// `gamma=` of the focal losses.
    static let gamma = LossParameter("gamma", default: .number(2), summary: "the focusing exponent γ ≥ 0 (0: the cross-entropy)")

    /// The parameters of a binary loss: y, its predictions, its own options, then `binaryTail`.
    static func binary(_ predictions: LossParameter, options: [LossParameter]) -> [LossParameter] {
        [binaryTargets, predictions] + options + binaryTail
    }

    /// The parameters of a categorical loss: its targets (`categoricalTargets` unless given), its
    /// predictions, its own options, then `categoricalTail`.
    static func categorical(_ predictions: LossParameter, targets: LossParameter = categoricalTargets,
                            options: [LossParameter] = []) -> [LossParameter] {
        [targets, predictions] + options + categoricalTail
    }

    /// The options of a focal loss: gamma, alpha (what it weighs, in `alpha`), label_smoothing,
    /// and eps when the predictions are probabilities.
    static func focal(alpha: String, logits: Bool) -> [LossParameter] {
        [gamma, LossParameter("alpha", summary: alpha), labelSmoothing] + (logits ? [] : [eps])
    }

    /// reduction, weight (elementwise, broadcast), axis, strict, convention: the options every
    /// binary loss ends with.
    static let binaryTail = [reduction, LossSupport.weightParameter("multiplies each element's loss (broadcast)"), axis, strict, convention]

    /// reduction, weight (per class), ignore_index, axis, strict, convention: the options every
    /// categorical loss ends with.
    static let categoricalTail = [reduction, LossSupport.weightParameter("one weight per class"), ignoreIndex, axis, strict, convention]

    /// The convention of a call ("xe" when the loss has none).
    static func convention(_ arguments: LossArguments) throws(TensorError) -> Convention {
        guard arguments.values["convention"] != nil else { return .xe }
        let name = try arguments.string("convention", choices: Convention.names)
        return Convention(rawValue: name) ?? .xe
    }

    /// The reduction, the convention's default when none is given.
    static func reduction(_ arguments: LossArguments, choices: [String] = LossSupport.reductions) throws(TensorError) -> String {
        if arguments.values["reduction"] == nil { return try convention(arguments).defaultReduction }
        return try arguments.string("reduction", choices: choices)
    }

    /// The clip of probabilities: `eps=` if given, else the convention's (nil: no clip).
    static func clip(_ arguments: LossArguments) throws(TensorError) -> Double? {
        if arguments.values["eps"] != nil {
            let eps = try arguments.number("eps")
            guard eps >= 0, eps < 0.5 else { throw .invalid("\(arguments.lossName): eps must be in [0, 0.5), not \(Tensor.format(eps))") }
            return eps
        }
        return try convention(arguments).clip
    }

    /// Whether targets must lie in [0, 1] (`strict=true`, the default).
    static func isStrict(_ arguments: LossArguments) throws(TensorError) -> Bool {
        guard arguments.values["strict"] != nil else { return true }
        return try arguments.number("strict") != 0
    }

    /// The class axis, as a position in a shape of `rank`.
    static func classAxis(_ arguments: LossArguments, rank: Int) throws(TensorError) -> Int {
        guard arguments.values["axis"] != nil else { return rank - 1 }
        let a = try arguments.number("axis")
        guard a == a.rounded(), a.magnitude < 1e15 else { throw .invalid("\(arguments.lossName): axis must be a whole number, not \(Tensor.format(a))") }
        let axis = Int(a)
        guard axis >= -rank, axis < rank else {
            throw .invalid("\(arguments.lossName): axis \(axis) is out of range for predictions of rank \(rank)")
        }
        return axis < 0 ? axis + rank : axis
    }

    /// The label-smoothing amount, checked to be in [0, 1].
    static func smoothing(_ arguments: LossArguments) throws(TensorError) -> Double {
        guard arguments.values["label_smoothing"] != nil else { return 0 }
        let s = try arguments.number("label_smoothing")
        guard s >= 0, s <= 1 else { throw .invalid("\(arguments.lossName): label_smoothing must be in [0, 1], not \(Tensor.format(s))") }
        return s
    }

    /// Whether the options of the family are at their defaults, so a loss's own fused value and
    /// gradient (written for xe's rules on the last axis) apply.
    /// `smoothingCovered`: the caller handles label smoothing itself (the categorical losses).
    public static func areDefault(_ arguments: LossArguments, smoothingCovered: Bool = false) -> Bool {
        if case .string(let c)? = arguments.values["convention"], c != "xe" { return false }
        if arguments.values["ignore_index"] != nil { return false }
        if !smoothingCovered, case .tensor(let t)? = arguments.values["label_smoothing"], t.value.storage != [0] { return false }
        if case .tensor(let t)? = arguments.values["axis"], t.value.storage != [-1] { return false }
        if case .tensor(let t)? = arguments.values["strict"], t.value.storage != [1] { return false }
        return true
    }

    /// The arguments with every default filled in, `reduction` and `eps` from the convention
    /// where the call gave none (for code that reads them directly).
    public static func resolved(_ arguments: LossArguments, parameters: [LossParameter]) throws(TensorError) -> LossArguments {
        var copy = arguments
        for p in parameters where copy.values[p.name] == nil {
            if let d = p.defaultValue { copy.values[p.name] = d }
        }
        let names = Set(parameters.map(\.name))
        if names.contains("reduction"), copy.values["reduction"] == nil {
            copy.values["reduction"] = .string(try convention(arguments).defaultReduction)
        }
        if names.contains("eps"), copy.values["eps"] == nil, let clip = try convention(arguments).clip {
            copy.values["eps"] = .number(clip)
        }
        return copy
    }

    /// Refuses targets outside [0, 1] unless `strict=false`, saying why.
    static func checkTargets(_ y: Tensor, _ arguments: LossArguments, hint: String) throws(TensorError) {
        guard try isStrict(arguments) else { return }
        try LossSupport.checkRange(y, loss: arguments.lossName, name: "y", role: "target",
                                   hint: "\(hint) (strict=false computes the formula for any real targets, as PyTorch does)")
    }

    /// The shape rule of a loss: targets and predictions of the same shape, or one a scalar.
    /// `(n,)` against `(n, 1)` and the like are refused: broadcasting would average an outer product.
    static func checkSameShape(_ y: [Int], _ p: [Int], _ arguments: LossArguments, names: (String, String)) throws(TensorError) {
        guard y != p, !y.isEmpty, !p.isEmpty else { return }
        var message = "\(arguments.lossName): targets \(names.0) of shape \(Tensor.describe(shape: y)) and predictions \(names.1) of shape \(Tensor.describe(shape: p)) must have the same shape"
        if let shape = try? Tensor.broadcastShape(y, p, operation: "loss") {
            let n = shape.reduce(1, *), m = Swift.max(y.reduce(1, *), p.reduce(1, *))
            if n > m {
                message += " (broadcasting them would average a \(shape.map(String.init).joined(separator: " × ")) outer product)"
            }
        }
        let target = y.reduce(1, *) == p.reduce(1, *) ? "; use reshape(\(names.0), shape(\(names.1))) to match them" : ""
        throw .invalid(message + target)
    }
}
