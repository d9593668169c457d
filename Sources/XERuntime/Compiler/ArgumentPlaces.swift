import XESyntax

/// Where a call's arguments are written, so that an error the call raises about one argument
/// points at that argument (`reductoin="sum"`, `p*2`) rather than at the call.
struct ArgumentPlaces: Sendable {
    let call: SourceLocation
    let positional: [SourceLocation]
    let keywords: [(label: String, location: SourceLocation)]

    init(call: SourceLocation, arguments: [Argument]) {
        self.call = call
        positional = arguments.filter { $0.label == nil }.map(\.location)
        keywords = arguments.compactMap { a in a.label.map { ($0, a.location) } }
    }

    /// Whether the error was raised by the call itself (not inside a function it called).
    func isAboutTheCall(_ error: XEError) -> Bool {
        error.location == call && error.calls.isEmpty
    }

    /// The error moved to the argument its message is about: a keyword argument it quotes
    /// (`'reductoin'`), the first positional argument too many, or the argument given for the
    /// parameter it names first (`prediction p[1]`, `reduction must be ...`); a type error of a
    /// call with one argument, that argument. Unchanged otherwise.
    func relocate(_ error: XEError, parameters: [String]) -> XEError {
        let message = error.message
        var moved = error
        if let keyword = keywords.first(where: { message.contains("'\($0.label)'") }) {
            moved.location = keyword.location
            return moved
        }
        // "takes at most 5 positional arguments", a user function's "takes 1 argument but 2".
        if let limit = message.contains("positional argument") ? Self.number(after: "at most ", in: message) : Self.number(after: "() takes ", in: message),
           limit < positional.count {
            moved.location = positional[limit]
            return moved
        }
        var best: (at: String.Index, parameter: Int)?
        for (k, name) in parameters.enumerated() {
            guard let at = Self.mention(of: name, in: message) else { continue }
            if best == nil || at < best!.at { best = (at, k) }
        }
        guard let (_, k) = best else {
            // A function of one argument: a wrong kind of value is that argument's fault.
            if positional.count == 1, keywords.isEmpty, case .type = error.problem { moved.location = positional[0] }
            return moved
        }
        if let keyword = keywords.first(where: { $0.label == parameters[k] }) {
            moved.location = keyword.location
        } else if k < positional.count {
            moved.location = positional[k]
        } else {
            return error
        }
        return moved
    }

    /// Where `name` is first mentioned as a parameter: as a whole word (a one-letter name only
    /// quoted, indexed `p[1]`, or followed by `=`, `must`, `is`, `has`, `and`, `:`).
    static func mention(of name: String, in message: String) -> String.Index? {
        var search = message.startIndex
        while let range = message.range(of: name, from: search) {
            search = range.upperBound
            let before = range.lowerBound > message.startIndex ? message[message.index(before: range.lowerBound)] : " "
            let after = range.upperBound < message.endIndex ? message[range.upperBound] : " "
            if isNameCharacter(before) || isNameCharacter(after) { continue }
            if name.count > 1 { return range.lowerBound }
            let rest = message[range.upperBound...]
            if before == "'" || after == "[" || after == ":"
                || [" =", " must", " is ", " has ", " and ", " should"].contains(where: { rest.hasPrefix($0) }) {
                return range.lowerBound
            }
        }
        return nil
    }

    static func isNameCharacter(_ c: Character) -> Bool {
        c == "_" || c.isLetter || c.isNumber
    }

    static func number(after prefix: String, in text: String) -> Int? {
        guard let range = text.range(of: prefix) else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }
}

extension String {
    /// The first range of `text` at or after `start`.
    fileprivate func range(of text: String, from start: Index) -> Range<Index>? {
        var i = start
        while i < endIndex {
            if self[i...].hasPrefix(text) { return i..<index(i, offsetBy: text.count) }
            i = index(after: i)
        }
        return nil
    }

    fileprivate func range(of text: String) -> Range<Index>? {
        range(of: text, from: startIndex)
    }
}
