import Glibc

extension Interpreter {
    /// The text of a program file named on the command line: at most
    /// `FileSystem.maxSourceSize` bytes, never a folder; a device is read up to that size like
    /// standard input (`xe /dev/null` runs nothing, `xe /dev/zero` is an error, not a hang).
    public static func readProgram(_ path: String) throws(XEError) -> String {
        guard let file = fopen(path, "rb") else {
            throw XEError(.io("cannot open '\(path)': \(String(cString: strerror(errno)))"))
        }
        defer { fclose(file) }
        return try readProgram(file, named: "'\(path)'")
    }

    /// The program on standard input, at most `FileSystem.maxSourceSize` bytes (`/dev/null` and
    /// other devices are read up to that size: `xe < /dev/zero` ends in an error).
    public static func readProgramFromStandardInput() throws(XEError) -> String {
        // A FILE of its own on a copy of descriptor 0, closed when done (Glibc's `stdin` is
        // shared mutable state that Swift 6 does not let us touch).
        let copy = dup(0)
        guard copy >= 0, let file = fdopen(copy, "rb") else {
            if copy >= 0 { close(copy) }
            throw XEError(.io("cannot read standard input: \(String(cString: strerror(errno)))"))
        }
        defer { fclose(file) }
        return try readProgram(file, named: "standard input")
    }

    /// The rest of an open file as program text, under the program limits.
    private static func readProgram(_ file: UnsafeMutablePointer<FILE>, named name: String) throws(XEError) -> String {
        do {
            return String(decoding: try FileSystem.read(file, named: name, limit: FileSystem.maxSourceSize, devices: true), as: UTF8.self)
        } catch let error as XEError {
            throw error
        } catch {
            throw XEError(.io("cannot read \(name): \(error)"))
        }
    }
}
