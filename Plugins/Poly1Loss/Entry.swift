import XEPlugin

// The two C entry points xe looks up with dlsym.

/// The oldest xe plugin ABI version this plugin works with; xe checks it before anything else.
@_cdecl("xe_plugin_abi_version")
public func xePluginABIVersion() -> UInt32 {
    PluginRegistration.abiVersion
}

/// Registers the plugin's losses with xe; 0 on success.
@_cdecl("xe_plugin_init")
public func xePluginInit(_ host: UnsafePointer<xe_host>?, _ error: UnsafeMutablePointer<CChar>?, _ size: Int) -> Int32 {
    PluginRegistration.register([Poly1Loss()], host: host, error: error, errorSize: size)
}
