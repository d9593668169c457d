/// What one read gave.
enum LineInput {
    case line(String)
    case interrupted
    case end
}
