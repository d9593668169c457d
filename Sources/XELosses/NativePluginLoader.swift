import CXEPlugin
import CXEShim
import Glibc

/// Loads native plugins with `dlopen`: checks `xe_plugin_abi_version` before anything else (a
/// plugin may need any version up to this xe's: see `xe_plugin.h`), then calls `xe_plugin_init`
/// with a host table whose `register_loss` collects the plugin's losses. They are registered
/// only if all of them are valid, so a failing plugin adds nothing.
/// Libraries are never closed: their code stays referenced by the registered losses.
public enum NativePluginLoader {
    /// The ABI version of this xe.
    public static var abiVersion: UInt32 { xe_plugin_header_abi_version() }

    /// Loads the plugin at `path` (which names the file: a bare name would make `dlopen` search
    /// the system's folders) into `registry`; gives the names of the losses it added. With
    /// `privateCopy`, a fresh copy of the file is loaded (a rebuilt plugin: see
    /// `openPrivateCopy`). A loss whose name is taken is refused unless it comes from the same
    /// file or `mayReplace` says the origin of the one registered gives way.
    public static func load(
        _ path: String, into registry: LossRegistry, privateCopy: Bool = false,
        mayReplace: @escaping (String) -> Bool = { _ in false }
    ) throws -> [String] {
        let handle: UnsafeMutableRawPointer
        if privateCopy {
            handle = try openPrivateCopy(of: path)
        } else if let opened = dlopen(path, RTLD_NOW | RTLD_LOCAL) {
            handle = opened
        } else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown error"
            throw PluginLoadError.notLoadable(path: path, reason: reason)
        }
        guard let versionSymbol = dlsym(handle, "xe_plugin_abi_version") else {
            throw PluginLoadError.missingEntryPoint(path: path, symbol: "xe_plugin_abi_version")
        }
        let version = unsafeBitCast(versionSymbol, to: xe_plugin_abi_version_fn.self)()
        guard version >= 1, version <= abiVersion else {
            throw PluginLoadError.abiMismatch(path: path, plugin: version, host: abiVersion)
        }
        guard let initSymbol = dlsym(handle, "xe_plugin_init") else {
            throw PluginLoadError.missingEntryPoint(path: path, symbol: "xe_plugin_init")
        }
        let collector = PluginCollector(path: path, registry: registry, mayReplace: mayReplace)
        let context = Unmanaged.passRetained(collector).toOpaque()
        defer { Unmanaged<PluginCollector>.fromOpaque(context).release() }
        // The table says the version the plugin asked for (its newer members are there all the
        // same: struct_size): the XEPlugin library of version 1 refuses a host of any other.
        var host = xe_host(
            abi_version: version, struct_size: UInt32(MemoryLayout<xe_host>.size), host_context: context,
            register_loss: { context, definition, error, size in
                guard let context else { return 1 }
                let collector = Unmanaged<PluginCollector>.fromOpaque(context).takeUnretainedValue()
                return collector.add(definition, error: error, size: size)
            },
            interrupted: { xe_interrupted() })
        let initialize = unsafeBitCast(initSymbol, to: xe_plugin_init_fn.self)
        let (status, message) = PluginErrorBuffer.call { error, size in initialize(&host, error, size) }
        if status != 0 {
            throw PluginLoadError.initFailed(path: path, message: message.isEmpty ? "it returned \(status)" : message)
        }
        for loss in collector.losses {
            let existing = registry.entry(loss.name)?.origin
            try registry.register(loss, origin: path, replace: existing == path || existing.map(mayReplace) == true)
        }
        return collector.losses.map(\.name)
    }
}
