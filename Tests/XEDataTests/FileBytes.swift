import Glibc

/// The whole content of a file (empty when it cannot be opened), for tests that feed bytes to
/// the readers without the interpreter's file layer.
func fileBytes(_ path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else { return [] }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = fread(&buffer, 1, buffer.count, file)
        bytes += buffer[0..<n]
        if n < buffer.count { return bytes }
    }
}
