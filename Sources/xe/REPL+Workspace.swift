import XERuntime

extension REPL {
    /// `:save FILE.npz` and `:restore FILE.npz`: the session's tensors to and from a file.
    func workspace(_ command: String, _ path: String) {
        guard !path.isEmpty, path.lowercased().hasSuffix(".npz") else {
            Console.error("usage: \(command) FILE.npz")
            return
        }
        do throws(XEError) {
            if command == ":save" {
                let (saved, skipped) = try interpreter.saveWorkspace(path)
                let left = skipped.isEmpty ? "" : " (not saved, as they are not tensors: \(skipped.joined(separator: ", ")))"
                Console.write("saved \(saved.count) variable\(saved.count == 1 ? "" : "s") to \(path)\(left)\n")
            } else {
                let names = try interpreter.restoreWorkspace(path)
                Console.write("restored \(names.isEmpty ? "no variables" : names.joined(separator: ", "))\n")
            }
        } catch {
            report(error)
        }
    }
}
