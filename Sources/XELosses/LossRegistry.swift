/// The losses known to an interpreter, by name, in the order they were registered.
public final class LossRegistry: @unchecked Sendable {
    /// A registered loss and where it came from.
    public struct Entry: Sendable {
        public var loss: any Loss
        /// "built-in", a plugin's path, or a script's name.
        public var origin: String
    }

    public private(set) var entries: [Entry] = []
    private var index: [String: Int] = [:]

    public init() {}

    /// A registry holding the built-in losses.
    public static func withBuiltins() -> LossRegistry {
        let registry = LossRegistry()
        for loss in BuiltinLosses.all {
            try? registry.register(loss, origin: "built-in")
        }
        return registry
    }

    /// Adds `loss`; a second loss of the same name is refused unless `replace` is set.
    public func register(_ loss: any Loss, origin: String, replace: Bool = false) throws(RegistryError) {
        if let existing = index[loss.name] {
            guard replace else {
                throw .duplicate(name: loss.name, existingOrigin: entries[existing].origin)
            }
            entries[existing] = Entry(loss: loss, origin: origin)
            return
        }
        index[loss.name] = entries.count
        entries.append(Entry(loss: loss, origin: origin))
    }

    /// The loss called `name`.
    public func lookup(_ name: String) -> (any Loss)? {
        index[name].map { entries[$0].loss }
    }

    /// The entry of the loss called `name`.
    public func entry(_ name: String) -> Entry? {
        index[name].map { entries[$0] }
    }

    public var names: [String] { entries.map(\.loss.name) }
}

extension LossRegistry {
    /// Removes the entries `condition` picks; their names.
    public func remove(where condition: (Entry) -> Bool) -> [String] {
        let removed = entries.filter(condition).map(\.loss.name)
        guard !removed.isEmpty else { return [] }
        let kept = entries.filter { !condition($0) }
        entries = []
        index = [:]
        for entry in kept {
            index[entry.loss.name] = entries.count
            entries.append(entry)
        }
        return removed
    }
}
