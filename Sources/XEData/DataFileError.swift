/// Why a data file could not be read or written: the message names the file and the reason.
public enum DataFileError: Error, Equatable {
    case invalid(String)

    public var message: String {
        switch self {
        case .invalid(let message): return message
        }
    }
}
