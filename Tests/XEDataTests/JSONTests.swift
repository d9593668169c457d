import Testing
@testable import XEData

/// The safetensors header's JSON reader on hostile text: every input gives a value or a
/// `DataFileError` saying what is wrong, never a trap or a stack overflow.
@Suite struct JSONTests {
    static func parse(_ text: String) -> Result<JSON, DataFileError> {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in Result { () throws(DataFileError) in try JSON.parse(buffer) } }
    }

    static func error(_ text: String) -> String? {
        if case .failure(let e) = parse(text) { return e.message }
        return nil
    }

    @Test func nestingIsBoundedWhateverTheBrackets() throws {
        let limit = JSON.Parser.maxDepth
        let fits = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(throws: Never.self) { try Self.parse(fits).get() }
        let keyed = String(repeating: "{\"a\":", count: limit - 1) + "1" + String(repeating: "}", count: limit - 1)
        #expect(Self.parse(keyed)["a"] != nil)
        for deep in [String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1),
                     String(repeating: "[", count: 1_000_000),
                     String(repeating: "{\"a\":", count: 1_000_000),
                     String(repeating: "[{\"k\":", count: 500_000)] {
            #expect(Self.error(deep)?.contains("nested more than \(limit) deep") == true, "\(deep.prefix(12))")
        }
    }

    @Test func brokenTextIsRefusedWithItsPlace() {
        let cases: [(String, String)] = [
            ("[1, 2", "ends early"), ("{\"a\": 1", "ends early"), ("[1 2]", "expected ',' or ']'"),
            ("{\"a\": 1 \"b\": 2}", "expected ',' or '}'"), ("{1: 2}", "expected a key"), ("[1,]", "not a JSON value"),
            ("{\"a\" 1}", "expected ':'"), ("{\"a\": 1, \"a\": 2}", "given twice"), ("\"abc", "does not end"),
            ("\"\\u12\"", "short \\u escape"), ("\"\\u12G4\"", "bad \\u escape"), ("\"\\ud800\"", "lone surrogate"), ("[1] x", "text after the end"),
            ("[" + String(repeating: "9", count: 401) + "]", "not a JSON value"), ("", "ends early"), ("tru", "not a JSON value"),
        ]
        for (text, expected) in cases {
            let message = Self.error(text)
            #expect(message?.contains(expected) == true && message?.contains("at byte") == true, "\(text.prefix(20)): \(message ?? "no error")")
        }
    }

    @Test func hugeNumbersAreTextNotIntegers() throws {
        let value = try Self.parse("[1e999999, 99999999999999999999, -1, 123456789012345678]").get()
        guard case .array(let items) = value else { Issue.record("not an array"); return }
        #expect(items.map(\.integer) == [nil, nil, nil, 123456789012345678])
    }
}

extension Result<JSON, DataFileError> {
    subscript(key: String) -> JSON? { (try? get())?[key] }
}
