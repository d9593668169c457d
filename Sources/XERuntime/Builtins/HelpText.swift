/// The help of a built-in function or a REPL command: a one-line summary for listings, and
/// details (the formula, an example) shown under it.
public struct HelpText: Sendable {
    /// One line for listings.
    public let summary: String
    /// The formula and an example, line by line; may be empty.
    public let details: String

    public init(summary: String, details: String = "") {
        self.summary = summary
        self.details = details
    }

    /// `heading` (a signature or a usage), then the summary and the details, each line indented
    /// by two spaces.
    public func text(under heading: String) -> String {
        var text = "\(heading)\n  \(summary)"
        if !details.isEmpty {
            text += "\n" + details.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
        }
        return text
    }
}
