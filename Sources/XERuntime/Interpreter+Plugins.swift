import Glibc
import XELosses
import XESyntax

extension Interpreter {
    /// The folders plugins are loaded from at start-up: each of `$XE_PLUGIN_PATH` (colon-separated),
    /// then the user's plugin folder, `$XDG_CONFIG_HOME/xe/plugins` or `~/.config/xe/plugins`.
    public static func pluginDirectories() -> (fromPath: [String], user: String?) {
        let path = environment("XE_PLUGIN_PATH")?.split(separator: ":").map(String.init) ?? []
        var user: String?
        if let config = environment("XDG_CONFIG_HOME"), config.hasPrefix("/") {
            user = config + "/xe/plugins"
        } else if let home = environment("HOME"), !home.isEmpty {
            user = home + "/.config/xe/plugins"
        }
        return (path, user)
    }

    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }

    /// Loads every `.so` and `.xe` file of the plugin folders, in name order. A folder named in
    /// `$XE_PLUGIN_PATH` that is missing or unreadable, and a plugin that fails, give a warning
    /// and the rest still load; a missing user plugin folder is normal and says nothing.
    public func autoloadPlugins(warn: (String) -> Void) {
        let (fromPath, user) = Self.pluginDirectories()
        var folders = fromPath.map { ($0, true) }
        if let user { folders.append((user, false)) }
        for (folder, explicit) in folders {
            guard FileSystem.isDirectory(folder) else {
                if explicit || FileSystem.exists(folder) {
                    warn("plugin folder '\(folder)' \(FileSystem.exists(folder) ? "is not a folder" : "does not exist"); skipped")
                }
                continue
            }
            guard let names = FileSystem.list(folder) else {
                warn("cannot read plugin folder '\(folder)': \(String(cString: strerror(errno))); skipped")
                continue
            }
            for name in names where name.hasSuffix(".so") || name.hasSuffix(".xe") {
                do {
                    _ = try loadPlugin(folder + "/" + name)
                } catch let error as XEError {
                    warn(render(error, color: false).split(separator: "\n").first.map(String.init) ?? "\(error)")
                } catch {
                    warn("\(error)")
                }
            }
        }
    }

    /// Where a plugin named `path` may be: the path itself, then (for a bare name) each plugin
    /// folder.
    func pluginCandidates(_ path: String) -> [String] {
        var result = [path]
        if !path.contains("/") {
            let (fromPath, user) = Self.pluginDirectories()
            result += (fromPath + (user.map { [$0] } ?? [])).map { $0 + "/" + path }
        }
        return result
    }

    /// Loads a plugin: a script plugin (`.xe`, run in this session) or a native one (a shared
    /// library, loaded with dlopen). Gives the names of the losses it added and records it for
    /// `:plugins`. Loading the same file again replaces its losses.
    @discardableResult
    public func loadPlugin(_ path: String, at location: SourceLocation? = nil) throws -> [String] {
        let candidates = pluginCandidates(path)
        guard let found = candidates.first(where: FileSystem.exists) else {
            throw XEError(.plugin("cannot find plugin '\(path)'; looked in: " + candidates.joined(separator: ", ")), at: location)
        }
        if let problem = FileSystem.notARegularFile(found) {
            // Never handed to dlopen: a named pipe would block it, a device would be read.
            throw XEError(.plugin("'\(found)' is \(problem), not a plugin (.so or .xe)"), at: location)
        }
        let added: [String]
        if found.hasSuffix(".xe") {
            let before = Set(losses.entries.filter { $0.origin != found }.map(\.loss.name))
            try runScriptFile(found, at: location)
            added = losses.entries.filter { $0.origin == found && !before.contains($0.loss.name) }.map(\.loss.name)
        } else {
            do {
                added = try NativePluginLoader.load(found, into: losses)
            } catch let error as PluginLoadError {
                throw XEError(.plugin(error.message), at: location)
            } catch let error as RegistryError {
                throw XEError(.plugin(error.message), at: location)
            }
        }
        loadedPlugins.removeAll { $0.path == found }
        loadedPlugins.append((found, added))
        globals.clearFallbacks()
        return added
    }
}
