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

/// A loss whose forward writes 1 where xe says Ctrl-C was pressed, else 0.
struct InterruptProbe: PluginLoss {
    let name = "probe"
    func forward(_ batch: LossBatch, into out: UnsafeMutableBufferPointer<Double>) throws {
        for i in 0..<batch.count { out[i] = batch.isInterrupted ? 1 : 0 }
    }
}

/// The message in an error buffer (its first `size` bytes), read as xe reads it.
func text(of buffer: inout [CChar], size: Int? = nil) -> String {
    buffer.withUnsafeMutableBufferPointer { String(cString: xe_plugin_read_error($0.baseAddress, size ?? $0.count)) }
}

/// The definitions a test host table was given.
final class Registered {
    var definitions: [UnsafePointer<xe_loss_definition>] = []
}

/// `PluginRegistration.register` against a host table that keeps the losses it is given: by
/// default this header's table, else one of another version or size.
@Suite(.serialized) struct RegistrationTests {
    func register(
        _ losses: [any PluginLoss], abiVersion: UInt32 = xe_plugin_header_abi_version(),
        structSize: Int = MemoryLayout<xe_host>.size, interrupted: xe_interrupted_fn? = { 1 }
    ) -> (status: Int32, message: String, registered: [UnsafePointer<xe_loss_definition>]) {
        let registered = Registered()
        var message = [CChar](repeating: 0, count: Int(XE_PLUGIN_ERROR_SIZE))
        var host = xe_host(abi_version: abiVersion, struct_size: UInt32(structSize),
                           host_context: Unmanaged.passUnretained(registered).toOpaque(),
                           register_loss: { context, definition, _, _ in
                               Unmanaged<Registered>.fromOpaque(context!).takeUnretainedValue().definitions.append(definition!)
                               return 0
                           },
                           interrupted: interrupted)
        let status = PluginRegistration.register(losses, host: &host, error: &message, errorSize: message.count)
        return (status, text(of: &message), registered.definitions)
    }

    /// Calls a registered loss's forward on one element.
    func forward(_ definition: UnsafePointer<xe_loss_definition>) -> Double {
        let y = [1.0], p = [0.5]
        var out = [Double.nan]
        var message = [CChar](repeating: 0, count: 64)
        let status = y.withUnsafeBufferPointer { yb in
            p.withUnsafeBufferPointer { pb in
                var call = xe_loss_call(y: yb.baseAddress, p: pb.baseAddress, rows: 1, cols: 1, parameters: nil,
                                        parameter_count: 0, context: definition.pointee.context)
                return definition.pointee.forward(&call, &out, &message, message.count)
            }
        }
        #expect(status == 0, "\(text(of: &message))")
        return out[0]
    }

    @Test func aGradientWithoutHasGradientIsToldSo() {
        let r = register([PlainLoss(), ForgetfulLoss()])
        #expect(r.status != 0 && r.registered.count == 1)
        #expect(r.message == "loss 'forgetful' implements gradient(_:into:) but does not declare `let hasGradient = true`, so xe would never call it: add that line to ForgetfulLoss (or remove its gradient)")
    }

    @Test func declaredOrAbsentGradientsRegister() {
        let r = register([DeclaredLoss(), PlainLoss()])
        #expect(r.status == 0 && r.registered.count == 2 && r.message.isEmpty)
    }

    @Test func theLibraryNeedsVersionOneAndReadsLaterMembersOnlyWhenPresent() {
        #expect(PluginRegistration.abiVersion == 1)
        // This header's table: `interrupted` is there, and the loss sees it.
        let current = register([InterruptProbe()])
        #expect(current.status == 0 && current.registered.count == 1)
        #expect(forward(current.registered[0]) == 1)
        // A version-1 xe's table is shorter: `interrupted` past its end is never read.
        let old = register([InterruptProbe()], abiVersion: 1, structSize: Int(xe_host_size_v1()))
        #expect(old.status == 0 && old.registered.count == 1, "\(old.message)")
        #expect(forward(old.registered[0]) == 0)
    }

    @Test func aHostTooOldOrTooSmallIsRefusedNamingBoth() {
        let none = register([PlainLoss()], abiVersion: 0)
        #expect(none.status != 0 && none.registered.isEmpty)
        #expect(none.message == "this plugin needs xe plugin ABI version 1 or later, but this xe has version 0; update xe")
        let small = register([PlainLoss()], structSize: 8)
        #expect(small.status != 0 && small.registered.isEmpty)
        #expect(small.message == "xe's host table is 8 bytes, less than the \(xe_host_size_v1()) bytes of plugin ABI version 1")
        #expect(PluginRegistration.register([PlainLoss()], host: nil, error: nil, errorSize: 0) != 0)
    }

    @Test func errorMessagesAreCutAtAWholeCharacter() {
        var buffer = [CChar](repeating: 65, count: 6)
        xe_plugin_write_error(&buffer, buffer.count, "abcé…")  // 3 + 2 + 3 bytes
        #expect(text(of: &buffer) == "abcé")
        xe_plugin_write_error(&buffer, 5, "abcé")
        #expect(text(of: &buffer, size: 5) == "abc")
        xe_plugin_write_error(&buffer, buffer.count, nil)
        #expect(text(of: &buffer) == "")
        xe_plugin_write_error(nil, 0, "nowhere")
        #expect(String(cString: xe_plugin_read_error(nil, 0)) == "")
    }
}
