import CXEPlugin

/// A plugin loss behind the definition's context pointer.
final class LossBox {
    let loss: any PluginLoss
    let names: [String]

    init(loss: any PluginLoss, names: [String]) {
        self.loss = loss
        self.names = names
    }

    /// Runs `body` for a C call: unpacks the batch, reports a thrown error as a message. The
    /// output holds one value per element, or per row for a row-wise forward.
    static func run(
        _ call: UnsafePointer<xe_loss_call>?, _ out: UnsafeMutablePointer<Double>?,
        _ message: UnsafeMutablePointer<CChar>?, _ size: Int, elementwiseOutput: Bool,
        _ body: (LossBox, LossBatch, UnsafeMutableBufferPointer<Double>) throws -> Void
    ) -> Int32 {
        guard let call, let context = call.pointee.context, call.pointee.rows >= 0, call.pointee.cols >= 0 else {
            PluginRegistration.write("invalid call", to: message, size: size)
            return 1
        }
        let box = Unmanaged<LossBox>.fromOpaque(context).takeUnretainedValue()
        let batch = LossBatch(call.pointee, names: box.names)
        let count = box.loss.kind == .rowwise && !elementwiseOutput ? batch.rows : batch.count
        do {
            try body(box, batch, UnsafeMutableBufferPointer(start: out, count: count))
            return 0
        } catch {
            PluginRegistration.write("\(error)", to: message, size: size)
            return 1
        }
    }
}
