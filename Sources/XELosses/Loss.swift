import XETensor

/// A loss function that xe can call, list, explain and differentiate. Every loss, the built-in
/// ones included, is registered through this protocol (swift-format's `Rule` is the model).
///
/// A loss computes from targets and predictions (its first two parameters, in that order) and
/// named options. `forward` must be built from differentiable `DTensor` operations, so that
/// `grad` can differentiate a loss with no gradient of its own. A loss may add a fused `value`
/// and its own `gradient` with respect to the predictions.
public protocol Loss: Sendable {
    /// The name it is called by.
    var name: String { get }
    /// One line for `:losses`.
    var summary: String { get }
    /// The full help text: signature, formula, options, example.
    var help: String { get }
    /// The parameters, targets and predictions first.
    var parameters: [LossParameter] { get }
    /// Whether `gradient` is implemented.
    var hasGradient: Bool { get }
    /// `name(y, p, eps=1e-15, ...)` (default: from `parameters`).
    var signature: String { get }

    /// The loss from its arguments through differentiable operations.
    func forward(_ arguments: LossArguments) throws -> DTensor
    /// The loss on constant arguments (default: `forward`'s value); a fused kernel may do better.
    func value(_ arguments: LossArguments) throws -> Tensor
    /// The gradient with respect to the predictions (the second parameter) given the gradient
    /// of the result, when `hasGradient`.
    func gradient(_ arguments: LossArguments, upstream: Tensor) throws -> Tensor
    /// Checks the arguments before anything is computed (ranges, shapes).
    func validate(_ arguments: LossArguments) throws
    /// The value and the gradient with respect to the predictions (for an upstream gradient of
    /// 1) in one pass, when a fused kernel covers these arguments; nil otherwise.
    func valueAndGradient(_ arguments: LossArguments) throws -> (value: Tensor, gradient: Tensor)?
    /// The calculation step by step, for `explain` (default: the per-sample losses and the
    /// reduction, or just the result for a loss without a `reduction` option).
    func explain(_ arguments: LossArguments) throws -> LossExplanation
}

extension Loss {
    public var hasGradient: Bool { false }

    public func value(_ arguments: LossArguments) throws -> Tensor {
        try forward(arguments).value
    }

    public func gradient(_ arguments: LossArguments, upstream: Tensor) throws -> Tensor {
        throw TensorError.invalid("\(name) has no gradient of its own")
    }

    public func validate(_ arguments: LossArguments) throws {}

    public func valueAndGradient(_ arguments: LossArguments) throws -> (value: Tensor, gradient: Tensor)? { nil }

    /// `name(y, p, eps=1e-15, ...)`.
    public var signature: String {
        "\(name)(" + parameters.map(\.display).joined(separator: ", ") + ")"
    }

    /// Calls the loss: the fused value when nothing is tracked; the value plus the loss's own
    /// gradient when only the predictions are and the result will be differentiated once
    /// (`DTensor.createsGraph` is false); otherwise `forward`, differentiated op by op to any
    /// order.
    public func evaluate(_ arguments: LossArguments) throws -> DTensor {
        try validate(arguments)
        let tracked = arguments.values.filter { _, v in
            if case .tensor(let t) = v { return t.isTracked }
            return false
        }.map(\.key)
        if tracked.isEmpty { return DTensor(try value(arguments)) }
        let predictions = parameters.count > 1 ? parameters[1].name : ""
        guard hasGradient, !DTensor.createsGraph, tracked == [predictions], case .tensor(let p)? = arguments.values[predictions] else {
            return try forward(arguments)
        }
        let constants = arguments.constants
        if let (result, fused) = try valueAndGradient(constants) {
            return DTensor.record(result, [p]) { (g, _) throws(TensorError) -> [DTensor?] in
                guard g.value.count == 1 else { return [DTensor(try ownGradient(constants, upstream: g))] }
                let k = g.value.storage[0]
                return [DTensor(k == 1 ? fused : fused.map { $0 * k })]
            }
        }
        let result = try value(constants)
        return DTensor.record(result, [p]) { (g, _) throws(TensorError) -> [DTensor?] in
            [DTensor(try ownGradient(constants, upstream: g))]
        }
    }

    /// `gradient`, with any error it throws turned into a `TensorError` naming the loss.
    private func ownGradient(_ constants: LossArguments, upstream g: DTensor) throws(TensorError) -> Tensor {
        do {
            return try gradient(constants, upstream: g.value)
        } catch let error as TensorError {
            throw error
        } catch {
            throw .invalid("\(name): \(error)")
        }
    }
}
