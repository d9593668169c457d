import XETensor

/// A loss function that xe can call, list, explain and differentiate. Every loss, the built-in
/// ones included, is registered through this protocol (swift-format's `Rule` is the model): a
/// name, help, parameters, validation, the formula, and optionally a fused kernel.
///
/// A loss computes from targets and predictions (its first two parameters, in that order) and
/// named options. Its `formula`, built from differentiable `DTensor` operations, is the one
/// definition of the loss: it gives the value, every derivative of every order and the
/// explanation's numbers.
public protocol Loss: Sendable {
    /// The name it is called by.
    var name: String { get }
    /// One line for `:losses`.
    var summary: String { get }
    /// The full help text: signature, formula, options, example.
    var help: String { get }
    /// The parameters, targets and predictions first.
    var parameters: [LossParameter] { get }
    /// `name(y, p, eps=1e-15, ...)` (default: from `parameters`).
    var signature: String { get }

    /// Checks the arguments before anything is computed (ranges, shapes).
    func validate(_ arguments: LossArguments) throws
    /// The loss as its formula, through differentiable operations.
    func formula(_ arguments: LossArguments) throws -> DTensor
    /// A fused kernel's value of the loss on constant arguments and, with `gradient`, the
    /// gradient of the (reduced, scalar) result with respect to the predictions; nil where the
    /// kernel does not cover these arguments (default: no kernel). It must agree with `formula`.
    /// Without `value` (asked only with `gradient`) a kernel may leave the value out — it is
    /// then NaN, for a result whose value nobody reads (the root of a `grad`).
    func fused(_ arguments: LossArguments, gradient: Bool, value: Bool) throws -> FusedLoss?
    /// The per-element losses of these (validated) arguments as one elementwise expression —
    /// the values of `formula` with reduction "none", through the same operations — so a call
    /// runs in one fused pass (`DTensor.fused`) and joins an enclosing fused region; nil where
    /// the formula is not one (default: never).
    func elementwise(_ arguments: LossArguments) throws -> ElementwiseLoss?
    /// The calculation step by step, for `explain` (default: the per-sample losses and the
    /// reduction, or just the result for a loss without a `reduction` option).
    func explain(_ arguments: LossArguments) throws -> LossExplanation
}

/// What a fused loss kernel gives: the value and, when asked and covered, the gradient with
/// respect to the predictions for an upstream gradient of 1.
public struct FusedLoss: Sendable {
    public var value: Tensor
    public var gradient: Tensor?

    public init(value: Tensor, gradient: Tensor? = nil) {
        self.value = value
        self.gradient = gradient
    }
}

/// A loss per element as an elementwise expression over `leaves` (see `Loss.elementwise`).
public struct ElementwiseLoss: Sendable {
    public var expression: ElementwiseExpression
    public var leaves: [DTensor]
    /// The range checks of `validate` (SPEC §4) that the fused pass makes on the leaves instead,
    /// or nil when the form makes none (then `validate` makes them before the pass).
    public var rangeChecks: [FusedRangeCheck]?

    public init(_ expression: ElementwiseExpression, leaves: [DTensor], rangeChecks: [FusedRangeCheck]? = nil) {
        self.expression = expression
        self.leaves = leaves
        self.rangeChecks = rangeChecks
    }
}

extension Loss {
    public func validate(_ arguments: LossArguments) throws {}

    public func fused(_ arguments: LossArguments, gradient: Bool, value: Bool) throws -> FusedLoss? { nil }

    /// The kernel's value, and its gradient when asked.
    public func fused(_ arguments: LossArguments, gradient: Bool) throws -> FusedLoss? {
        try fused(arguments, gradient: gradient, value: true)
    }

    public func elementwise(_ arguments: LossArguments) throws -> ElementwiseLoss? { nil }

    /// `name(y, p, eps=1e-15, ...)`.
    public var signature: String {
        "\(name)(" + parameters.map(\.display).joined(separator: ", ") + ")"
    }

    /// The loss on constant arguments: the fused kernel where it applies, the formula otherwise.
    /// With `rangesCheckedByKernel`, the ranges are checked by the kernel, or by `validate`
    /// before the formula.
    public func value(_ arguments: LossArguments) throws -> Tensor {
        let constants = try LossOptions.resolved(arguments.constants, parameters: parameters)
        if LossOptions.areDefault(constants), let kernel = try fused(constants, gradient: false) { return kernel.value }
        if arguments.rangesCheckedByKernel { try validate(arguments.checkingRanges) }
        return try (fusedFormula(constants.checkingRanges) ?? formula(constants.checkingRanges)).value
    }

    /// Calls the loss. The fused kernel gives the value when nothing is tracked, and the value
    /// with its first gradient when only the predictions are and the result will be
    /// differentiated once (`DTensor.createsGraph` is false); otherwise the formula is
    /// evaluated — in one fused pass when the loss has an `elementwise` form and the result
    /// will be differentiated at most once, else op by op, differentiable to any order.
    /// Options beyond xe's own rules on the last axis (`convention=`, `axis=`, `ignore_index=`,
    /// `strict=false`, label smoothing) never take the kernels: they know none of them.
    /// Without `valueNeeded` (the call is the root of a first-order `grad`, which reads only
    /// its gradient) a kernel or a fused formula may leave the value out (NaN).
    ///
    /// Where a kernel may run, the ranges of SPEC §4 are left to it (one pass less over the
    /// data: `LossArguments.rangesCheckedByKernel`); where it does not, `validate` checks them
    /// before the formula.
    public func evaluate(_ given: LossArguments, valueNeeded: Bool = true) throws -> DTensor {
        var arguments = try LossOptions.resolved(given, parameters: parameters)
        arguments.rangesCheckedByKernel = LossOptions.areDefault(arguments) && !DTensor.createsGraph
        try validate(arguments)
        let tracked = arguments.values.filter { _, v in
            if case .tensor(let t) = v { return t.isTracked }
            return false
        }.map(\.key)
        if tracked.isEmpty { return DTensor(try value(arguments)) }
        let predictions = parameters.count > 1 ? parameters[1].name : ""
        guard !DTensor.createsGraph, LossOptions.areDefault(arguments), tracked == [predictions], case .tensor(let p)? = arguments.values[predictions],
              let kernel = try fused(arguments.constants, gradient: true, value: valueNeeded), let gradient = kernel.gradient else {
            if arguments.rangesCheckedByKernel { try validate(arguments.checkingRanges) }
            return try fusedFormula(arguments.checkingRanges, valueNeeded: valueNeeded) ?? formula(arguments.checkingRanges)
        }
        // The result is a scalar, so its upstream gradient is one number k.
        return DTensor.record(kernel.value, [p]) { (g, _) throws(TensorError) -> [DTensor?] in
            let k = g.value.storage[0]
            return [DTensor(k == 1 ? gradient : gradient.map { $0 * k })]
        }
    }

    /// The formula in one fused pass (its `elementwise` form under the call's reduction) when
    /// the result will be differentiated at most once; nil otherwise, or where the loss has no
    /// elementwise form for these arguments or `DTensor.fused` does not take it.
    func fusedFormula(_ arguments: LossArguments, valueNeeded: Bool = true) throws -> DTensor? {
        guard !DTensor.createsGraph, case .string(let name)? = arguments.values["reduction"],
              let reduction: FusedReduction = name == "none" ? FusedReduction.none
                  : name == "mean" || name == "sum" ? .reduce(mean: name == "mean", axis: nil, keepdims: false) : nil,
              let e = try elementwise(arguments) else { return nil }
        return try DTensor.fused(e.expression, e.leaves, reduction: reduction, valueNeeded: valueNeeded)
    }
}
