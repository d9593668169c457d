import CXEPlugin

/// The error buffer xe hands a plugin's functions: `XE_PLUGIN_ERROR_SIZE` bytes, which the
/// plugin fills with `xe_plugin_write_error` and xe reads with `xe_plugin_read_error`.
enum PluginErrorBuffer {
    /// Calls `body` with a fresh buffer and its size; gives its status and the message it left
    /// there ("" for none).
    static func call(_ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) -> (status: Int32, message: String) {
        var buffer = [CChar](repeating: 0, count: Int(XE_PLUGIN_ERROR_SIZE))
        return buffer.withUnsafeMutableBufferPointer { b in
            let status = body(b.baseAddress!, b.count)
            return (status, String(cString: xe_plugin_read_error(b.baseAddress, b.count)))
        }
    }
}
