import XESyntax

/// A compiled function, lambda or loss body: what every closure made from it shares (the
/// compiled code and the texts are shared, not copied).
struct FunctionTemplate {
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

    /// `f(x, k=2)`.
    var signature: String {
        let list = zip(parameters, defaultTexts).map { name, text in text.map { "\(name)=\($0)" } ?? name }
        return "\(name)(" + list.joined(separator: ", ") + ")"
    }
}
