/// Why a data file (`.npy`, `.csv`) could not be read.
enum DataFileError: Error {
    case invalid(String)

    var message: String {
        switch self {
        case .invalid(let message): return message
        }
    }
}
