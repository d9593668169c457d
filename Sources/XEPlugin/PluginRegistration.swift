import CXEPlugin
import Glibc

/// Hands a plugin's losses to xe across the C boundary. A plugin's two entry points are:
///
/// ```swift
/// @_cdecl("xe_plugin_abi_version")
/// public func abiVersion() -> UInt32 { PluginRegistration.abiVersion }
///
/// @_cdecl("xe_plugin_init")
/// public func initialize(_ host: UnsafePointer<xe_host>?, _ error: UnsafeMutablePointer<CChar>?, _ size: Int) -> Int32 {
///     PluginRegistration.register([MyLoss()], host: host, error: error, errorSize: size)
/// }
/// ```
public enum PluginRegistration {
    /// The oldest xe plugin ABI version this library works with, which a plugin's
    /// `xe_plugin_abi_version` returns: 1, because it asks for every later member of the host
    /// table before using it (`xe_plugin_interrupted`). xe loads a plugin whose version is at
    /// most its own.
    public static var abiVersion: UInt32 { 1 }

    /// The host's `interrupted` (ABI version 2 on), kept at registration for `LossBatch`;
    /// written once while xe loads the plugin, before any loss is called.
    nonisolated(unsafe) static var interrupted: xe_interrupted_fn?

    /// Registers `losses` with the host; 0 on success, else non-zero with a message in `error`.
    public static func register(
        _ losses: [any PluginLoss], host: UnsafePointer<xe_host>?,
        error: UnsafeMutablePointer<CChar>?, errorSize: Int
    ) -> Int32 {
        guard xe_plugin_check_host(host, abiVersion, error, errorSize) == 0, let host,
              let registerLoss = host.pointee.register_loss else { return 1 }
        interrupted = xe_plugin_interrupted(host)
        for loss in losses {
            if !loss.hasGradient && implementsGradient(loss) {
                write("loss '\(loss.name)' implements gradient(_:into:) but does not declare `let hasGradient = true`, so xe would never call it: add that line to \(type(of: loss)) (or remove its gradient)", to: error, size: errorSize)
                return 1
            }
            let definition = makeDefinition(loss)
            let status = registerLoss(host.pointee.host_context, definition, error, errorSize)
            if status != 0 { return status }
        }
        return 0
    }

    /// Whether `loss` has a `gradient` of its own rather than the protocol's default (which
    /// throws `MissingGradient`): it is called once on one element (y = 1, p = 0.5, the default
    /// parameters), and anything but `MissingGradient` means it is implemented.
    static func implementsGradient(_ loss: any PluginLoss) -> Bool {
        let y = [1.0], p = [0.5], parameters = loss.parameters.map(\.defaultValue)
        var out = [Double.nan]
        return y.withUnsafeBufferPointer { yb in
            p.withUnsafeBufferPointer { pb in
                parameters.withUnsafeBufferPointer { vb in
                    out.withUnsafeMutableBufferPointer { ob in
                        let call = xe_loss_call(y: yb.baseAddress, p: pb.baseAddress, rows: 1, cols: 1, parameters: vb.baseAddress,
                                                parameter_count: Int32(parameters.count), context: nil)
                        do {
                            try loss.gradient(LossBatch(call, names: loss.parameters.map(\.name)), into: ob)
                            return true
                        } catch is MissingGradient {
                            return false
                        } catch {
                            return true
                        }
                    }
                }
            }
        }
    }

    /// A definition that lives as long as the process (plugins are never unloaded).
    static func makeDefinition(_ loss: any PluginLoss) -> UnsafeMutablePointer<xe_loss_definition> {
        let parameters = loss.parameters
        let table = UnsafeMutablePointer<xe_loss_parameter>.allocate(capacity: max(parameters.count, 1))
        for (i, parameter) in parameters.enumerated() {
            table[i] = xe_loss_parameter(
                name: strdup(parameter.name), default_value: parameter.defaultValue, summary: strdup(parameter.summary))
        }
        let box = LossBox(loss: loss, names: parameters.map(\.name))
        let definition = UnsafeMutablePointer<xe_loss_definition>.allocate(capacity: 1)
        definition.initialize(to: xe_loss_definition(
            struct_size: UInt32(MemoryLayout<xe_loss_definition>.size),
            kind: loss.kind.code,
            name: strdup(loss.name),
            summary: strdup(loss.summary),
            help: strdup(loss.help),
            parameters: table,
            parameter_count: Int32(parameters.count),
            forward: { call, out, error, size in
                LossBox.run(call, out, error, size, elementwiseOutput: false) { box, batch, buffer in try box.loss.forward(batch, into: buffer) }
            },
            gradient: loss.hasGradient ? { call, out, error, size in
                LossBox.run(call, out, error, size, elementwiseOutput: true) { box, batch, buffer in try box.loss.gradient(batch, into: buffer) }
            } : nil,
            context: Unmanaged.passRetained(box).toOpaque()))
        return definition
    }

    /// Copies `message` into a C buffer of `size` bytes (`xe_plugin_write_error`).
    static func write(_ message: String, to buffer: UnsafeMutablePointer<CChar>?, size: Int) {
        xe_plugin_write_error(buffer, size, message)
    }
}
