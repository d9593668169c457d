import CXEPlugin
import Glibc

/// Receives the losses a native plugin registers during `xe_plugin_init` and checks each one.
final class PluginCollector {
    let path: String
    let registry: LossRegistry
    /// Whether a loss registered from this origin gives way to one of the same name.
    let mayReplace: (String) -> Bool
    private(set) var losses: [NativeLoss] = []

    init(path: String, registry: LossRegistry, mayReplace: @escaping (String) -> Bool) {
        self.path = path
        self.registry = registry
        self.mayReplace = mayReplace
    }

    /// Checks and keeps one definition; 0, or 1 with a message for the plugin.
    func add(_ definition: UnsafePointer<xe_loss_definition>?, error: UnsafeMutablePointer<CChar>?, size: Int) -> Int32 {
        do {
            losses.append(try makeLoss(definition))
            return 0
        } catch let problem as PluginDefinitionError {
            xe_plugin_write_error(error, size, problem.message)
            return 1
        } catch {
            return 1
        }
    }

    func makeLoss(_ pointer: UnsafePointer<xe_loss_definition>?) throws -> NativeLoss {
        guard let pointer else { throw PluginDefinitionError("register_loss was given no definition") }
        var d = xe_loss_definition()
        guard xe_plugin_read_definition(pointer, &d) == 0 else {
            let size = UnsafeRawPointer(pointer).load(as: UInt32.self)
            throw PluginDefinitionError("the loss definition is \(size) bytes, less than the \(xe_loss_definition_size_v1()) bytes of plugin ABI version 1 (set struct_size to sizeof(xe_loss_definition))")
        }
        let name = d.name.map { String(cString: $0) } ?? ""
        guard Self.isIdentifier(name) else {
            throw PluginDefinitionError("'\(name)' is not a valid loss name (letters, digits and underscores, not starting with a digit)")
        }
        guard let forward = d.forward else { throw PluginDefinitionError("loss '\(name)' has no forward function") }
        guard d.kind == XE_LOSS_ELEMENTWISE || d.kind == XE_LOSS_ROWWISE else {
            throw PluginDefinitionError("loss '\(name)' has an unknown kind \(d.kind)")
        }
        if let existing = registry.entry(name), existing.origin != path, !mayReplace(existing.origin) {
            throw PluginDefinitionError(RegistryError.duplicate(name: name, existingOrigin: existing.origin).message)
        }
        guard !losses.contains(where: { $0.name == name }) else {
            throw PluginDefinitionError("the plugin registers '\(name)' twice")
        }
        guard d.parameter_count >= 0, d.parameter_count <= 64, d.parameter_count == 0 || d.parameters != nil else {
            throw PluginDefinitionError("loss '\(name)' declares \(d.parameter_count) parameters")
        }
        var numeric: [(name: String, defaultValue: Double, summary: String)] = []
        let reserved: Set<String> = ["y", "p", "reduction", "weight"]
        for i in 0..<Int(d.parameter_count) {
            let parameter = d.parameters[i]
            let parameterName = parameter.name.map { String(cString: $0) } ?? ""
            guard Self.isIdentifier(parameterName), !reserved.contains(parameterName),
                  !numeric.contains(where: { $0.name == parameterName }) else {
                throw PluginDefinitionError("loss '\(name)' has an invalid or repeated parameter name '\(parameterName)'")
            }
            numeric.append((parameterName, parameter.default_value, parameter.summary.map { String(cString: $0) } ?? ""))
        }
        return NativeLoss(
            name: name,
            summary: d.summary.map { String(cString: $0) } ?? name,
            pluginHelp: d.help.map { String(cString: $0) } ?? "",
            origin: path, rowwise: d.kind == XE_LOSS_ROWWISE, numeric: numeric,
            forwardFunction: forward, gradientFunction: d.gradient, context: d.context)
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
