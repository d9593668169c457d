/// Why a loss could not be registered.
public enum RegistryError: Error, Sendable, Equatable {
    case duplicate(name: String, existingOrigin: String)

    public var message: String {
        switch self {
        case .duplicate(let name, let origin):
            return "a loss named '\(name)' is already registered (from \(origin)); choose another name, or replace it explicitly"
        }
    }
}
