/// Why a native plugin could not be loaded.
public enum PluginLoadError: Error, Sendable, Equatable {
    /// dlopen refused the file.
    case notLoadable(path: String, reason: String)
    /// The library lacks one of the two entry points.
    case missingEntryPoint(path: String, symbol: String)
    /// The plugin needs a newer ABI version than this xe's (or reports version 0, which none has).
    case abiMismatch(path: String, plugin: UInt32, host: UInt32)
    /// `xe_plugin_init` reported failure.
    case initFailed(path: String, message: String)

    public var message: String {
        switch self {
        case .notLoadable(let path, let reason):
            return "cannot load plugin '\(path)': it is not a loadable shared library (\(reason))"
        case .missingEntryPoint(let path, let symbol):
            return "'\(path)' is not an xe plugin: it has no entry point '\(symbol)' (export it with @_cdecl(\"\(symbol)\"); see the README)"
        case .abiMismatch(let path, let plugin, let host):
            if plugin == 0 {
                return "plugin '\(path)' reports xe plugin ABI version 0, which no xe has; rebuild the plugin against this xe"
            }
            return "plugin '\(path)' needs xe plugin ABI version \(plugin) or later, but this xe has version \(host); update xe, or rebuild the plugin against this xe"
        case .initFailed(let path, let message):
            return "plugin '\(path)' failed to initialise: \(message)"
        }
    }
}
