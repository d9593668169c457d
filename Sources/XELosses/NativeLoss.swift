import CXEPlugin
import CXEShim
import XETensor

/// A loss registered by a native plugin through the C table of `xe_plugin.h`.
///
/// Its parameters are `y`, `p`, the plugin's numeric parameters, then `reduction` and `weight`,
/// which xe applies itself: `weight` multiplies each per-element (or per-row) loss, and a mean
/// divides by their count, as `bce` does. Its per-sample losses are one recorded operation whose
/// backward calls the plugin's gradient; a loss without one is refused by `grad` up front.
struct NativeLoss: Loss, @unchecked Sendable {
    let name: String
    let summary: String
    let pluginHelp: String
    let origin: String
    let rowwise: Bool
    let numeric: [(name: String, defaultValue: Double, summary: String)]
    let forwardFunction: xe_loss_fn
    let gradientFunction: xe_loss_fn?
    let context: UnsafeMutableRawPointer?

    var parameters: [LossParameter] {
        [LossParameter("y", required: true, summary: "targets"),
         LossParameter("p", required: true, summary: "predictions")]
            + numeric.map { LossParameter($0.name, default: .number($0.defaultValue), summary: $0.summary) }
            + [LossSupport.reductionParameter,
               LossSupport.weightParameter(rowwise ? "multiplies each row's loss" : "multiplies each element's loss (broadcast)")]
    }

    var help: String {
        var text = signature + "\n"
        for line in pluginHelp.split(separator: "\n", omittingEmptySubsequences: false) { text += "  \(line)\n" }
        let width = numeric.map { $0.name.count + 1 + Tensor.format($0.defaultValue).count }.max() ?? 0
        for parameter in numeric where !parameter.summary.isEmpty {
            let head = "\(parameter.name)=\(Tensor.format(parameter.defaultValue))"
            text += "  " + head + String(repeating: " ", count: width - head.count + 2) + parameter.summary + "\n"
        }
        text += "  native plugin loss from \(origin); one loss per \(rowwise ? "row (sample)" : "element")\n"
        text += gradientFunction == nil
            ? "  no gradient: grad cannot differentiate it (its computation is native code)"
            : "  gradient: supplied by the plugin"
        return text
    }

    /// The plugin's per-sample losses as one recorded operation (its backward the plugin's
    /// gradient), then the weight and the reduction.
    func formula(_ arguments: LossArguments) throws -> DTensor {
        let y = try arguments.tensor("y")
        var p = try arguments.tensor("p")
        if y.isTracked {
            throw TensorError.invalid("grad cannot differentiate \(name) with respect to its targets y: the plugin gives only ∂/∂p")
        }
        if p.isTracked && gradientFunction == nil {
            throw TensorError.invalid("grad cannot differentiate \(name): it comes from the native plugin \(origin), which supplies no gradient (add one to the plugin, or write the loss as a script plugin)")
        }
        try LossOptions.checkSameShape(y.value.shape, p.value.shape, arguments, names: ("y", "p"))  // or one is a scalar
        let shape = try Tensor.broadcastShape(y.value.shape, p.value.shape, operation: name)
        if p.value.shape != shape { p = try p + DTensor(Tensor(shape: shape, repeating: 0)) }
        let targets = y.value.shape == shape ? y.value : try y.value.broadcast(to: shape)
        let values = try numeric.map { try arguments.number($0.name) }
        let predictions = p.value
        let cols = rowwise ? (shape.last ?? 1) : 1
        let count = predictions.count
        let rows = cols == 0 ? 0 : count / cols
        let outShape = rowwise ? Array(shape.dropLast()) : shape
        let losses = try call(forwardFunction, "forward", targets, predictions, rows: rows, cols: cols, values, output: outShape)
        let perSample = DTensor.record(Tensor(shape: outShape, storage: losses), [p]) { (g, _) throws(TensorError) -> [DTensor?] in
            guard let gradientFunction else { throw .invalid("\(name) has no gradient") }
            var d = try call(gradientFunction, "gradient", targets, predictions, rows: rows, cols: cols, values, output: shape)
            if DTensor.isRecordingSweep {
                // Linear in the upstream gradient, but constant in p: a further derivative
                // through p is an error.
                let upstream = rowwise ? try DTensor.reshape(g, outShape + [1]) : g
                let refusal = DTensor.refusingDerivative(p, "\(name) cannot be differentiated to order 2: it comes from the native plugin \(origin), which supplies its first derivative only (write the loss as a script plugin to differentiate it further)")
                return [try DTensor(Tensor(shape: shape, storage: d)) * upstream + refusal]
            }
            for i in 0..<count { d[i] *= g.value.storage[rowwise ? i / max(cols, 1) : i] }
            return [DTensor(Tensor(shape: shape, storage: d))]
        }
        var result = perSample
        if let w = try arguments.optionalTensor("weight") { result = try result * w }
        return try LossSupport.reduce(result, try arguments.string("reduction", choices: LossSupport.reductions))
    }

    /// What xe fills a plugin's output with before the call: a NaN with a payload of its own,
    /// which no arithmetic produces, so an element still holding it was never written.
    static let unwritten = Double(bitPattern: 0x7FF8_0000_DEAD_BEEF)

    /// Calls a plugin function (`role`: "forward" or "gradient") on flat buffers, for an output
    /// of shape `output`; a failure, or an output element the plugin left unwritten, becomes an
    /// error naming the loss, the plugin and the element.
    func call(_ function: xe_loss_fn, _ role: String, _ y: Tensor, _ p: Tensor, rows: Int, cols: Int, _ values: [Double], output: [Int]) throws(TensorError) -> [Double] {
        let outputCount = output.reduce(1, *)
        var out = [Double](repeating: Self.unwritten, count: outputCount)
        guard rows > 0 && cols > 0 else { return [Double](repeating: 0, count: outputCount) }
        let (status, message) = PluginErrorBuffer.call { error, size in
            y.storage.withUnsafeBufferPointer { yb in
                p.storage.withUnsafeBufferPointer { pb in
                    values.withUnsafeBufferPointer { vb in
                        out.withUnsafeMutableBufferPointer { ob in
                            var call = xe_loss_call(
                                y: yb.baseAddress, p: pb.baseAddress, rows: Int64(rows), cols: Int64(cols),
                                parameters: vb.baseAddress, parameter_count: Int32(values.count), context: context)
                            return function(&call, ob.baseAddress, error, size)
                        }
                    }
                }
            }
        }
        // Ctrl-C while the plugin ran is an interruption, whether it stopped for it
        // (xe_host.interrupted) or never asked and finished.
        if xe_interrupted() != 0 { throw .interrupted }
        if status != 0 {
            throw .invalid("\(name) (plugin \(origin)) failed: \(message.isEmpty ? "error \(status)" : message)")
        }
        if let i = out.firstIndex(where: { $0.bitPattern == Self.unwritten.bitPattern }) {
            let element = output.count <= 1 ? "[\(i)]" : LossSupport.position(i, in: output)
            throw .invalid("\(name) (plugin \(origin)): its \(role) function left element \(element) of its output unwritten; it must write all \(outputCount) values (xe fills the output with NaN first and refuses a result with a gap)")
        }
        return out
    }
}
