/// The inputs of one call of a plugin loss: targets and predictions of one shape, flattened
/// row-major into `rows` rows of `cols` values (`cols` is 1 for an elementwise loss).
public struct LossBatch {
    /// The targets.
    public let y: UnsafeBufferPointer<Double>
    /// The predictions.
    public let p: UnsafeBufferPointer<Double>
    public let rows: Int
    public let cols: Int
    /// The numeric parameters in declared order.
    public let parameters: UnsafeBufferPointer<Double>
    let names: [String]

    init(_ call: xe_loss_call, names: [String]) {
        let count = Int(call.rows * call.cols)
        y = UnsafeBufferPointer(start: call.y, count: count)
        p = UnsafeBufferPointer(start: call.p, count: count)
        rows = Int(call.rows)
        cols = Int(call.cols)
        parameters = UnsafeBufferPointer(start: call.parameters, count: Int(call.parameter_count))
        self.names = names
    }

    /// The number of elements.
    public var count: Int { rows * cols }

    /// Whether the user has pressed Ctrl-C since the computation began: a long `forward` or
    /// `gradient` may check it now and then and throw (xe then reports "interrupted"). Always
    /// false in an xe older than plugin ABI version 2.
    public var isInterrupted: Bool { PluginRegistration.interrupted.map { $0() != 0 } ?? false }

    /// The value of the parameter called `name`.
    public subscript(_ name: String) -> Double {
        guard let i = names.firstIndex(of: name), i < parameters.count else { return .nan }
        return parameters[i]
    }
}
