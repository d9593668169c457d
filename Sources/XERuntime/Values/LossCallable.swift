import XELosses
import XESyntax
import XETensor

/// A registered loss as a callable value: binds the arguments to the loss's parameters and
/// evaluates it (differentiably when an argument is tracked).
final class LossCallable: Callable, @unchecked Sendable {
    let loss: any Loss

    init(_ loss: any Loss) {
        self.loss = loss
    }

    var name: String { loss.name }
    var signature: String { loss.signature }
    var help: String { loss.help }

    /// The call's arguments bound by parameter name.
    /// `resolving`: fill `reduction=` and `eps=` from the convention (off for `conventions`,
    /// which sets the convention itself).
    func bind(_ arguments: Arguments, resolving: Bool = true) throws -> LossArguments {
        let specs = loss.parameters.map { p in
            ParameterSpec(p.name, default: p.defaultValue.map(LossCallable.value), required: p.required)
        }
        let (bound, _) = try arguments.bind(to: specs, function: loss.name, signature: loss.signature)
        var values: [String: LossValue] = [:]
        for (p, v) in zip(loss.parameters, bound) {
            guard let v else { continue }
            values[p.name] = try LossCallable.lossValue(v, parameter: p.name, loss: loss.name)
        }
        // reduction= and eps= left out take the convention's defaults (a bad convention= is
        // reported when the loss reads it).
        let given = LossArguments(lossName: loss.name, values: values)
        guard resolving else { return given }
        return (try? LossOptions.resolved(given, parameters: loss.parameters)) ?? given
    }

    /// The loss's value; as the root of a `grad` (`Interpreter.gradientRoot`) one whose value
    /// may be left out: a script loss passes that on to its function.
    func call(_ arguments: Arguments, in interpreter: Interpreter, at location: SourceLocation) throws -> Value {
        let root = interpreter.takeGradientRoot()
        let bound = try bind(arguments)
        return try reporting(at: location) {
            guard root, loss is ScriptLoss else { return Value(try loss.evaluate(bound, valueNeeded: !root)) }
            interpreter.gradientRoot = true
            defer { interpreter.gradientRoot = false }
            return Value(try loss.evaluate(bound))
        }
    }

    /// The call's per-element losses as one elementwise expression (`Loss.elementwise`), after
    /// the checks the call makes, for a fused region; nil where the loss has none (then nothing
    /// is checked: the call itself checks and gives the errors). The range checks the form
    /// makes in the region's pass (`ElementwiseLoss.rangeChecks`) are left out here.
    func elementwise(_ arguments: Arguments, at location: SourceLocation) throws -> ElementwiseLoss? {
        let given = try bind(arguments)
        guard var bound = try? LossOptions.resolved(given, parameters: loss.parameters),
              let form = try? loss.elementwise(bound) else { return nil }
        bound.rangesCheckedByKernel = form.rangeChecks != nil
        return try reporting(at: location) {
            try loss.validate(bound)
            return form
        }
    }

    /// Runs `body`, work of the loss, with its errors as xe reports them: a tensor error located
    /// at the call, any other error (a plugin's) named after the loss; xe's own errors and
    /// control flow pass through.
    func reporting<T>(at location: SourceLocation, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as XEError {
            throw e
        } catch let e as ControlFlow {
            throw e
        } catch let e as TensorError {
            throw XEError.wrap(e, at: location)
        } catch {
            throw XEError(.plugin("\(loss.name): \(error)"), at: location)
        }
    }

    static func value(_ v: LossValue) -> Value {
        switch v {
        case .tensor(let t): return Value(t)
        case .string(let s): return .string(s)
        }
    }

    static func lossValue(_ v: Value, parameter: String, loss: String) throws -> LossValue {
        if case .string(let s) = v { return .string(s) }
        guard let t = v.dtensor else {
            throw XEError.type("\(loss): '\(parameter)' must be a number, a tensor or a string, not \(v.kindDescription)")
        }
        return .tensor(t)
    }
}
