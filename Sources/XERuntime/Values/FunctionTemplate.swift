import XESyntax

/// A compiled function, lambda or loss body, shared by every closure made from it.
final class FunctionTemplate {
    let name: String
    let parameters: [String]
    /// The compiled default of each parameter, evaluated in the new frame at call time (so a
    /// default may use earlier parameters: `f(x, n=len(x))`).
    let defaults: [Code?]
    let defaultTexts: [String?]
    let slotCount: Int
    let body: Code
    let doc: String?
    let location: SourceLocation
    /// How the function reads in a legend: its name, or a lambda's source `p -> bce(1, p)`.
    let display: String

    init(name: String, parameters: [String], defaults: [Code?], defaultTexts: [String?], slotCount: Int,
         body: @escaping Code, doc: String?, location: SourceLocation, display: String) {
        self.name = name
        self.parameters = parameters
        self.defaults = defaults
        self.defaultTexts = defaultTexts
        self.slotCount = slotCount
        self.body = body
        self.doc = doc
        self.location = location
        self.display = display
    }

    /// `f(x, k=2)`.
    var signature: String {
        let list = zip(parameters, defaultTexts).map { name, text in text.map { "\(name)=\($0)" } ?? name }
        return "\(name)(" + list.joined(separator: ", ") + ")"
    }
}
