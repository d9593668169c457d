import Foundation
import Testing

/// The files `Scripts/install` puts next to the binary: the man page and the bash and zsh
/// completions (`Scripts/test` also runs the install itself into a temporary prefix).
@Suite struct InstallFilesTests {
    static let share = PluginTests.root.appendingPathComponent("Scripts/share")

    @Test func theManPageDocumentsEveryOptionAndVariableOfHelp() throws {
        let page = try String(contentsOf: Self.share.appendingPathComponent("man/man1/xe.1"), encoding: .utf8)
        let help = try XE.run(["--help"]).stdout
        #expect(page.hasPrefix(".TH XE 1"))
        for option in ["--plugin", "--no-plugins", "--quiet", "--help", "--version", "-e", "-i"] {
            #expect(help.contains(option) && page.contains(option.replacingOccurrences(of: "-", with: "\\-")), "\(option)")
        }
        for variable in ["XE_PLUGIN_PATH", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "NO_COLOR", "COLUMNS", "TMPDIR"] {
            #expect(help.contains(variable) && page.contains(".B \(variable)"), "\(variable)")
        }
        #expect(page.contains(".SH EXIT STATUS") && page.contains("exit(\\fIN\\fB)"))
    }

    /// What the bash completion offers after `words` (the last one being completed), in `dir`.
    func bashCompletion(_ words: [String], in dir: URL) throws -> [String] {
        let script = Self.share.appendingPathComponent("completions/xe.bash").path
        let quoted = words.map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", "-c", "source '\(script)'; COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); _xe; printf '%s\\n' \"${COMPREPLY[@]}\""]
        process.currentDirectoryURL = dir
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).sorted()
    }

    @Test func bashCompletesOptionsScriptsAndPlugins() throws {
        let dir = try PluginTests.temporaryDirectory()
        for name in ["train.xe", "libhuber.so", "mse.xe", "notes.txt"] {
            #expect(FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data()))
        }
        #expect(try bashCompletion(["xe", "--no"], in: dir) == ["--no-plugins"])
        #expect(try bashCompletion(["xe", "--plugin", ""], in: dir) == ["libhuber.so", "mse.xe", "train.xe"])
        #expect(try bashCompletion(["xe", "--plugin", "lib"], in: dir) == ["libhuber.so"])
        #expect(try bashCompletion(["xe", "tr"], in: dir) == ["train.xe"])
        #expect(try bashCompletion(["xe", "train.xe", "no"], in: dir) == ["notes.txt"])
    }

    @Test func zshCompletionIsAnAutoloadFunctionForXe() throws {
        let text = try String(contentsOf: Self.share.appendingPathComponent("completions/_xe"), encoding: .utf8)
        #expect(text.hasPrefix("#compdef xe\n"))
        for option in ["--plugin", "--no-plugins", "--quiet", "--help", "--version", "-e", "-i"] {
            #expect(text.contains(option), "\(option)")
        }
    }
}
