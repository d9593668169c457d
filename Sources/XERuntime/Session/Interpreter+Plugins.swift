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
    /// and the rest still load; a missing user plugin folder is normal and says nothing. A
    /// plugin's error with a place in its file (a syntax error) is `report`ed in full first.
    public func autoloadPlugins(warn: (String) -> Void, report: (XEError) -> Void) {
        let (fromPath, user) = Self.pluginDirectories()
        var folders = fromPath.map { ($0, true) }
        if let user { folders.append((user, false)) }
        pluginFiles.autoloading = true
        defer { pluginFiles.autoloading = false }
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
                let path = folder + "/" + name
                do {
                    try loadPlugin(path)
                } catch {
                    if error.location != nil {
                        report(error)
                        warn("the plugin '\(path)' in a plugin folder did not load; the session goes on without it")
                    } else {
                        warn(error.message)
                    }
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
    /// `:plugins`.
    ///
    /// A path that names an existing file loads that file (`libfoo.so` in the working folder,
    /// never a library of the system's); a bare name that is not a file is looked for in the
    /// plugin folders. One file is one plugin under any spelling (`./libfoo.so`, its full path,
    /// a link): loading it again replaces its losses, and a native plugin rebuilt since it was
    /// loaded is loaded from a private copy, so its new code runs. A loss of a plugin folder
    /// gives way, with a note, to a loss of the same name loaded by name.
    @discardableResult
    public func loadPlugin(_ path: String, at location: SourceLocation? = nil) throws(XEError) -> [String] {
        let candidates = pluginCandidates(path)
        guard let found = candidates.first(where: FileSystem.exists) else {
            throw XEError(.plugin("cannot find plugin '\(path)'; looked in: " + candidates.joined(separator: ", ")), at: location)
        }
        if let problem = FileSystem.notARegularFile(found) {
            // Never handed to dlopen: a named pipe would block it, a device would be read.
            throw XEError(.plugin("'\(found)' is \(problem), not a plugin (.so or .xe)"), at: location)
        }
        guard let identity = FileIdentity(found) else {
            throw XEError(.plugin("cannot look at '\(found)': \(String(cString: strerror(errno)))"), at: location)
        }
        let canonical = PluginFiles.canonical(found)
        let known = pluginFiles.index(canonical: canonical, identity: identity)
        // A bare name goes to dlopen with "./": alone it would search the system's folders.
        let spelling = known.map { pluginFiles.files[$0].spelling } ?? (found.contains("/") ? found : "./" + found)
        let before = Dictionary(losses.entries.map { ($0.loss.name, $0.origin) }, uniquingKeysWith: { a, _ in a })
        if known == nil && pluginFiles.autoloading { pluginFiles.fromFolders.insert(spelling) }
        if spelling.hasSuffix(".xe") {
            try runScriptFile(spelling, at: location)
        } else {
            let rebuilt = known.map { pluginFiles.files[$0].loaded != identity } ?? false
            var gone: [String] = []
            do {
                let registered = try NativePluginLoader.load(spelling, into: losses, privateCopy: rebuilt, mayReplace: folderLossGivesWay)
                // A loss the new build no longer registers is not left running the old code.
                gone = losses.remove { $0.origin == spelling && !registered.contains($0.loss.name) }
            } catch let error as PluginLoadError {
                throw XEError(.plugin(error.message), at: location)
            } catch let error as RegistryError {
                throw XEError(.plugin(error.message), at: location)
            } catch {
                throw XEError.wrap(error, at: location)
            }
            if rebuilt { note("'\(spelling)' was rebuilt since it was loaded: its new build is loaded") }
            for name in gone { note("loss '\(name)' is not in the new build of '\(spelling)'; it is removed") }
            for entry in losses.entries where entry.origin == spelling {
                if let previous = before[entry.loss.name], previous != spelling { replaced(entry.loss.name, from: previous, by: spelling) }
            }
        }
        if let known = pluginFiles.index(canonical: canonical, identity: identity) {
            pluginFiles.files[known].loaded = identity
        } else {
            pluginFiles.files.append(.init(canonical: canonical, spelling: spelling, loaded: identity))
        }
        let mine = losses.entries.filter { $0.origin == spelling }.map(\.loss.name)
        let added = mine.filter { before[$0] != spelling }
        loadedPlugins.removeAll { $0.path == spelling }
        loadedPlugins.append((spelling, mine))
        globals.clearFallbacks()
        return spelling.hasSuffix(".xe") ? added : mine
    }

    /// Whether a loss registered from `origin` gives way to a loss of the same name loaded now:
    /// a plugin folder's loss does, to one loaded by name.
    func folderLossGivesWay(_ origin: String) -> Bool {
        !pluginFiles.autoloading && pluginFiles.fromFolders.contains(origin)
    }

    /// Notes that `name` from a plugin folder's `origin` gave way to the one from `newOrigin`
    /// (said once per loss), and takes it off that plugin's list.
    func replaced(_ name: String, from origin: String, by newOrigin: String) {
        guard pluginFiles.fromFolders.contains(origin) else { return }
        if let i = loadedPlugins.firstIndex(where: { $0.path == origin }) {
            loadedPlugins[i].losses.removeAll { $0 == name }
        }
        let by = newOrigin.hasPrefix(SourceLocation.unnamed) || newOrigin == "the REPL" ? "the one defined in the REPL" : "the one from '\(newOrigin)'"
        note("loss '\(name)' of the plugin folder's '\(origin)' is replaced by \(by)")
    }
}
