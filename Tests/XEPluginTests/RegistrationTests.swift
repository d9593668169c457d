import Testing
import XEPlugin

/// A loss that implements `gradient` but forgets `hasGradient = true`.
struct ForgetfulLoss: PluginLoss {
    let name = "forgetful"
    func forward(_ batch: LossBatch, into out: UnsafeMutableBufferPointer<Double>) throws {
        for i in 0..<batch.count { out[i] = batch.p[i] }
    }
    func gradient(_ batch: LossBatch, into out: UnsafeMutableBufferPointer<Double>) throws {
        for i in 0..<batch.count { out[i] = 1 }
    }
}

/// The same loss, declaring its gradient.
struct DeclaredLoss: PluginLoss {
    let name = "declared"
    let hasGradient = true
    func forward(_ batch: LossBatch, into out: UnsafeMutableBufferPointer<Double>) throws {}
    func gradient(_ batch: LossBatch, into out: UnsafeMutableBufferPointer<Double>) throws {}
}

/// A loss with no gradient at all.
struct PlainLoss: PluginLoss {
    let name = "plain"
    func forward(_ batch: LossBatch, into out: UnsafeMutableBufferPointer<Double>) throws {}
}

/// `PluginRegistration.register` against a host table that counts the losses it is given.
@Suite struct RegistrationTests {
    func register(_ losses: [any PluginLoss]) -> (status: Int32, message: String, registered: Int) {
        var count = 0
        var message = [CChar](repeating: 0, count: 1024)
        let status = withUnsafeMutablePointer(to: &count) { counter in
            var host = xe_host(abi_version: PluginRegistration.abiVersion, struct_size: UInt32(MemoryLayout<xe_host>.size),
                               host_context: UnsafeMutableRawPointer(counter),
                               register_loss: { context, _, _, _ in
                                   context!.assumingMemoryBound(to: Int.self).pointee += 1
                                   return 0
                               })
            return PluginRegistration.register(losses, host: &host, error: &message, errorSize: message.count)
        }
        return (status, String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), count)
    }

    @Test func aGradientWithoutHasGradientIsToldSo() {
        let r = register([PlainLoss(), ForgetfulLoss()])
        #expect(r.status != 0 && r.registered == 1)
        #expect(r.message == "loss 'forgetful' implements gradient(_:into:) but does not declare `let hasGradient = true`, so xe would never call it: add that line to ForgetfulLoss (or remove its gradient)")
    }

    @Test func declaredOrAbsentGradientsRegister() {
        let r = register([DeclaredLoss(), PlainLoss()])
        #expect(r.status == 0 && r.registered == 2 && r.message.isEmpty)
    }
}
