import Testing
@testable import XESyntax

struct LexerTests {
    func tokens(_ s: String) throws -> [Token] {
        try Lexer.tokenize(s).map(\.token)
    }

    @Test func numbersStringsAndNames() throws {
        #expect(try tokens("3 0.25 1e-15 .5 x_1 \"a\\n\\\"b\"") == [
            .number(3), .number(0.25), .number(1e-15), .number(0.5), .identifier("x_1"), .string("a\n\"b"), .end,
        ])
    }

    /// Identifiers as Julia's: any script's letters, then digits, marks, sub- and superscripts
    /// and primes; a symbol that is not a letter is still refused, shown with its code point.
    @Test func unicodeIdentifiers() throws {
        #expect(try tokens("α γ₁ naïve σ² f′ _ü") == [
            .identifier("α"), .identifier("γ₁"), .identifier("naïve"), .identifier("σ²"), .identifier("f′"), .identifier("_ü"), .end,
        ])
        #expect(try tokens("e\u{301}") == [.identifier("e\u{301}"), .end])
        #expect(throws: SyntaxError.self) { try tokens("a × b") }
        #expect(throws: SyntaxError.self) { try tokens("²x") }
    }

    @Test func aFieldOrMethodSaysWhichFunctionToCall() throws {
        #expect {
            try tokens("x.shape")
        } throws: { error in
            (error as? SyntaxError)?.message == "xe has no fields or methods: write shape(x) instead of x.shape"
        }
    }

    @Test func operatorsAndKeywords() throws {
        #expect(try tokens("a -> b == c != d <= e >= f ** 2 and not g") == [
            .identifier("a"), .op(.arrow), .identifier("b"), .op(.equal), .identifier("c"), .op(.notEqual),
            .identifier("d"), .op(.lessEqual), .identifier("e"), .op(.greaterEqual), .identifier("f"), .op(.caret),
            .number(2), .keyword(.and), .keyword(.not), .identifier("g"), .end,
        ])
    }

    @Test func ellipsisIsOneTokenAndALoneDotIsNot() throws {
        #expect(try tokens("x[..., 0.5]") == [
            .identifier("x"), .op(.leftBracket), .op(.ellipsis), .op(.comma), .number(0.5), .op(.rightBracket), .end,
        ])
        #expect(throws: SyntaxError.self) { try tokens("x . y") }
        #expect(throws: SyntaxError.self) { try tokens("x[..]") }
    }

    @Test func newlinesIgnoredInsideParenthesesAndBrackets() throws {
        #expect(try tokens("f(1,\n2)\n[3,\n4]") == [
            .identifier("f"), .op(.leftParen), .number(1), .op(.comma), .number(2), .op(.rightParen), .newline,
            .op(.leftBracket), .number(3), .op(.comma), .number(4), .op(.rightBracket), .end,
        ])
    }

    @Test func newlinesSeparateInsideBraces() throws {
        #expect(try tokens("(1 + {\na\nb})").contains(.newline))
    }

    @Test func commentsAreSkippedAndRecorded() throws {
        var lexer = Lexer("# doc line\nx = 1 # trailing\n")
        let t = try lexer.tokenize().map(\.token)
        #expect(t == [.identifier("x"), .op(.assign), .number(1), .newline, .end])
        #expect(lexer.comments == [1: " doc line"])
    }

    @Test func locationsAreOneBased() throws {
        let t = try Lexer.tokenize("a\n  bc", file: "f.xe")
        #expect(t[2].location == SourceLocation(file: "f.xe", line: 2, column: 3))
    }

    @Test func unterminatedStringIsIncomplete() {
        #expect(throws: SyntaxError.self) { try Lexer.tokenize("\"abc") }
        do {
            _ = try Lexer.tokenize("\"abc")
        } catch {
            #expect(error.isIncompleteInput)
        }
    }

    @Test func badInputIsAnErrorNotACrash() {
        for bad in ["1e999", "3x", "\"\\q\"", "$", "a ! b", ")", "(]", "1..2"] {
            #expect(throws: SyntaxError.self, "\(bad)") { try Lexer.tokenize(bad) }
        }
    }
}
