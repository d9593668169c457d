import XETensor

/// The arguments of one loss call, bound by parameter name.
public struct LossArguments: Sendable {
    public var values: [String: LossValue]
    /// The loss's name, for messages.
    public var lossName: String
    /// Whether a fused kernel about to run checks the ranges of SPEC §4 (values in [0, 1]) in
    /// its own pass, so `validate` leaves them out; when the kernel does not run, or finds a
    /// value outside, the full `validate` runs (and gives the error) before anything else.
    public var rangesCheckedByKernel = false

    public init(lossName: String, values: [String: LossValue]) {
        self.lossName = lossName
        self.values = values
    }

    /// A tensor argument that must be present.
    public func tensor(_ name: String) throws(TensorError) -> DTensor {
        guard let value = values[name] else { throw .invalid("\(lossName): missing argument '\(name)'") }
        guard case .tensor(let t) = value else {
            throw .invalid("\(lossName): '\(name)' must be a tensor, not the string \(value.display)")
        }
        return t
    }

    /// A tensor argument that may be absent.
    public func optionalTensor(_ name: String) throws(TensorError) -> DTensor? {
        values[name] == nil ? nil : try tensor(name)
    }

    /// A scalar argument.
    public func number(_ name: String) throws(TensorError) -> Double {
        let t = try tensor(name)
        guard t.value.isScalar || t.value.count == 1 else {
            throw .invalid("\(lossName): '\(name)' must be a single number, not a tensor of shape \(Tensor.describe(shape: t.value.shape))")
        }
        return t.value.storage[0]
    }

    /// A string option, checked against the allowed choices.
    public func string(_ name: String, choices: [String]) throws(TensorError) -> String {
        guard let value = values[name] else { throw .invalid("\(lossName): missing argument '\(name)'") }
        guard case .string(let s) = value, choices.contains(s) else {
            let list = choices.map { "\"\($0)\"" }.joined(separator: ", ")
            throw .invalid("\(lossName): \(name) must be one of \(list), not \(value.display)")
        }
        return s
    }

    /// The same arguments with the ranges checked by `validate` itself.
    public var checkingRanges: LossArguments {
        var copy = self
        copy.rangesCheckedByKernel = false
        return copy
    }

    /// The same arguments with every tensor untracked (for fused forward kernels).
    public var constants: LossArguments {
        var copy = self
        for (key, value) in values {
            if case .tensor(let t) = value, t.isTracked { copy.values[key] = .tensor(DTensor(t.value)) }
        }
        return copy
    }
}
