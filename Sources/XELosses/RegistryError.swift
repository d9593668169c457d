/// Why a loss could not be registered.
public enum RegistryError: Error, Sendable, Equatable {
    case duplicate(name: String, existingOrigin: String)

    public var message: String {
        switch self {
        case .duplicate(let name, let origin):
            // Only ways out that exist: a built-in cannot be replaced; of two files, one can be
            // renamed or left out (a plugin folder's copy gives way by itself to a named one).
            let way = origin == "built-in" ? "give yours another name" : "give one of them another name, or load only one of the two"
            return "a loss named '\(name)' is already registered (from \(origin)); \(way)"
        }
    }
}
