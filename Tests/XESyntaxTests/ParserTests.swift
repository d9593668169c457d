import Testing
@testable import XESyntax

struct ParserTests {
    /// The parse of one expression statement, printed fully parenthesised.
    func shape(_ source: String) throws -> String {
        let statements = try Parser.parse(source)
        guard case .expression(let e)? = statements.first else { return "not an expression" }
        return render(e)
    }

    func render(_ e: Expr) -> String {
        switch e {
        case .number(let x, _): return x == x.rounded() ? String(Int(x)) : String(x)
        case .name(let n, _): return n
        case .boolean(let b, _): return b ? "true" : "false"
        case .string(let s, _): return "\"\(s)\""
        case .unary(let op, let a, _): return "(\(op.rawValue) \(render(a)))"
        case .binary(let op, let a, let b, _): return "(\(render(a)) \(op.rawValue) \(render(b)))"
        case .logical(let op, let a, let b, _): return "(\(render(a)) \(op.rawValue) \(render(b)))"
        case .call(let f, let args, _): return render(f) + "(" + args.map { ($0.label.map { "\($0)=" } ?? "") + render($0.value) }.joined(separator: ", ") + ")"
        case .index(let b, let subs, _): return render(b) + "[\(subs.count)]"
        case .lambda(let d, _): return "(\(d.parameters.map(\.name).joined(separator: ", "))) -> " + render(d.body)
        case .array(let items, _): return "[" + items.map(render).joined(separator: ", ") + "]"
        case .tuple(let items, _): return "(" + items.map(render).joined(separator: ", ") + ",)"
        case .block(let s, _): return "{\(s.count)}"
        case .ifElse(let c, _, let e, _): return "if \(render(c)) \(e == nil ? "" : "else")"
        }
    }

    @Test func precedence() throws {
        #expect(try shape("-2^2") == "(- (2 ^ 2))")
        #expect(try shape("2^3^2") == "(2 ^ (3 ^ 2))")
        #expect(try shape("1 + 2 * 3") == "(1 + (2 * 3))")
        #expect(try shape("10 - 4 - 3") == "((10 - 4) - 3)")
        #expect(try shape("2 * -3") == "(2 * (- 3))")
        #expect(try shape("a @ b + c") == "((a @ b) + c)")
        #expect(try shape("not a == b and c or d") == "(((not (a == b)) and c) or d)")
        #expect(try shape("2^-1") == "(2 ^ (- 1))")
    }

    /// `a p b q c` for every pair of infix operators groups as the operator table says: the
    /// tighter one first, the left one first at the same level (the right one for `^`), and
    /// two comparisons are refused.
    @Test func everyPairOfOperatorsGroupsAsTheTableSays() throws {
        let infix: [(symbol: String, precedence: Precedence)] = BinaryOperator.allCases.map { ($0.rawValue, $0.precedence) }
            + [LogicalOperator.and, .or].map { ($0.rawValue, $0.precedence) }
        for p in infix {
            for q in infix {
                let source = "a \(p.symbol) b \(q.symbol) c"
                if p.precedence == .comparison && q.precedence == .comparison {
                    #expect(throws: SyntaxError.self, "\(source)") { try Parser.parse(source) }
                    continue
                }
                let leftFirst = p.precedence > q.precedence || (p.precedence == q.precedence && p.precedence.associativity == .left)
                let expected = leftFirst ? "((a \(p.symbol) b) \(q.symbol) c)" : "(a \(p.symbol) (b \(q.symbol) c))"
                #expect(try shape(source) == expected, "\(source)")
            }
        }
    }

    @Test func lambdasAndCalls() throws {
        #expect(try shape("x -> 2 * x") == "(x) -> (2 * x)")
        #expect(try shape("(a, b) -> a - b") == "(a, b) -> (a - b)")
        #expect(try shape("() -> f(1, k=2)") == "() -> f(1, k=2)")
        #expect(try shape("(1, 2)") == "(1, 2,)")
    }

    @Test func statements() throws {
        let program = try Parser.parse("""
            f(x, k=2) = x * k
            # Focal loss.
            loss focal(y, p, gamma=2) = mean(y)
            a, b = t
            p[2] = 0.7
            for i in range(3) { s += i }
            while k < 3 { k = k + 1 }
            if x { 1 }
            else { 2 }
            """)
        #expect(program.count == 7)
        guard case .loss(let decl, _) = program[1] else {
            Issue.record("not a loss")
            return
        }
        #expect(decl.doc == "Focal loss.")
        #expect(decl.parameters.map(\.name) == ["y", "p", "gamma"])
    }

    /// `a < b < c` is refused at the second comparison, with the two ways to write it.
    @Test func chainedComparisonIsAnError() {
        #expect(throws: SyntaxError.invalidToken(
            "comparisons do not chain: write 'a < b and b < c', or '(a < b) < c' to compare the first truth value",
            at: SourceLocation(file: "", line: 1, column: 7))) { try Parser.parse("1 < 2 < 3") }
        #expect(throws: SyntaxError.invalidToken(
            "comparisons do not chain: write 'a <= b and b == c', or '(a <= b) == c' to compare the first truth value",
            at: SourceLocation(file: "", line: 1, column: 16))) { try Parser.parse("x = 1 + a <= b == c") }
    }

    @Test func incompleteInputIsDetected() {
        for source in ["f(1,", "[1, 2", "{ x = 1", "1 +", "if x {", "\"abc", "x = "] {
            do {
                _ = try Parser.parse(source)
                Issue.record("parsed: \(source)")
            } catch {
                #expect(error.isIncompleteInput, "\(source)")
            }
        }
        for source in ["1 +)", "f(1, 2))", "x = = 1", "x = (1 +* 2", "f(1, = 2", "[1, 2)"] {
            do {
                _ = try Parser.parse(source)
                Issue.record("parsed: \(source)")
            } catch {
                #expect(!error.isIncompleteInput, "\(source)")
            }
        }
    }

    /// The error reported is the first in the text, whether the lexer or the parser finds it.
    @Test func theFirstErrorInTheTextIsReported() {
        let cases: [(String, Int, Int)] = [
            ("x = 1 +* 2\nprint(x", 1, 8),        // not the unclosed '(' at the end
            ("x = 1 +* 2\ny = $", 1, 8),          // not the bad character after it
            ("x = $ + (1 +* 2", 1, 5),            // the bad character comes first
            ("y = 2\nz = f(1,\n 2", 2, 6),        // an unclosed bracket points at itself
            ("s = \"abc", 1, 5),                  // and so does an unclosed string
        ]
        for (source, line, column) in cases {
            do {
                _ = try Parser.parse(source)
                Issue.record("parsed: \(source)")
            } catch {
                #expect(error.location.line == line && error.location.column == column, "\(source): \(error.location) \(error.message)")
            }
        }
    }

    /// One run reports every independent mistake, resuming at the next statement; a lexer's
    /// error, which ends the tokens, comes last; a program that parses has none.
    @Test func everyIndependentErrorIsReported() {
        let three = Parser.parseProgram("a = 1 +* 2\nb = 2 +* 3\nc = 4\nd = 5 5\n").errors
        #expect(three.map { $0.location.line } == [1, 2, 4])
        #expect(three.last?.message == "expected a new line or ';' after the statement, found number 5")
        let inBlock = Parser.parseProgram("f(x) = {\n  y = x +* 1\n  y\n}\ng = 1 1\n").errors
        #expect(inBlock.map { $0.location.line } == [2, 5], "\(inBlock)")
        let withLexer = Parser.parseProgram("x = 1 +* 2\ny = [1, 2\n").errors
        #expect(withLexer.count == 2 && withLexer[1].isIncompleteInput)
        #expect(Parser.parseProgram("x = 1\nf(y) = { y }\n").errors.isEmpty)
        #expect(Parser.parseProgram(String(repeating: "x = +\n", count: 50), errorLimit: 10).errors.count <= 10)
    }

    /// A REPL entry whose last token is `;` shows no values: comments are not tokens, a `;` in a
    /// string is not one.
    @Test func aTrailingSemicolonIsTheLastToken() {
        #expect(Parser.parseProgram("x = 1;").endsWithSemicolon)
        #expect(Parser.parseProgram("x = 1; # note\n\n").endsWithSemicolon)
        #expect(Parser.parseProgram("f(x) = {\n  x;\n};\n# done").endsWithSemicolon)
        #expect(!Parser.parseProgram("x = 1; y").endsWithSemicolon)
        #expect(!Parser.parseProgram("s = \";\"").endsWithSemicolon)
        #expect(!Parser.parseProgram("x = 1 # ;").endsWithSemicolon)
    }

    @Test func deepNestingIsRefused() {
        let deep = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        #expect(throws: SyntaxError.self) { try Parser.parse(deep) }
        let negations = String(repeating: "-", count: 100_000) + "1"
        #expect(throws: SyntaxError.self) { try Parser.parse(negations) }
        let chain = Array(repeating: "1", count: 100_000).joined(separator: "+")
        #expect(throws: SyntaxError.self) { try Parser.parse(chain) }
        #expect(throws: SyntaxError.self) { try Parser.parse(String(repeating: "{", count: 50_000)) }
        #expect(throws: SyntaxError.self) { try Parser.parse(String(repeating: "[", count: 50_000)) }
        // Right-grouping `^`, stacked `not`, and postfix chains (calls and indexes).
        let powers = Array(repeating: "2", count: 100_000).joined(separator: "^")
        #expect(throws: SyntaxError.tooDeep(limit: Parser.maxNesting, at: SourceLocation(file: "", line: 1, column: 515))) {
            try Parser.parse(powers)
        }
        #expect(throws: SyntaxError.self) { try Parser.parse(String(repeating: "not ", count: 100_000) + "1") }
        #expect(throws: SyntaxError.self) { try Parser.parse("f" + String(repeating: "()", count: 100_000)) }
        #expect(throws: SyntaxError.self) { try Parser.parse("x" + String(repeating: "[0]", count: 100_000)) }
        #expect(throws: SyntaxError.self) { try Parser.parse("x = " + Array(repeating: "a", count: 100_000).joined(separator: " and ")) }
    }

    @Test func moderateNestingParses() throws {
        let nested = String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100)
        _ = try Parser.parse(nested)
        _ = try Parser.parse(Array(repeating: "1", count: 5_000).joined(separator: "+"))
    }

    /// Random byte strings and mutations of valid programs never crash the parser.
    @Test func randomInputNeverCrashes() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("ab1.e()[]{},;:=+-*/@^<>!\"\\#\n x->if else for in while return loss".unicodeScalars)
        let seeds = ["f(x, k=2) = x * k", "for i in range(3) { s = s + i }", "loss l(y, p) = mean(y * p)", "x[1:3, ::2] = [1, 2]"]
        for _ in 0..<3000 {
            var s: String
            if Bool.random(using: &rng) {
                s = String(String.UnicodeScalarView((0..<Int.random(in: 0..<40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }))
            } else {
                var chars = Array(seeds.randomElement(using: &rng)!.unicodeScalars)
                for _ in 0..<3 where !chars.isEmpty {
                    let i = Int.random(in: 0..<chars.count, using: &rng)
                    if Bool.random(using: &rng) { chars.remove(at: i) } else { chars.insert(alphabet.randomElement(using: &rng)!, at: i) }
                }
                s = String(String.UnicodeScalarView(chars))
            }
            _ = try? Parser.parse(s)
        }
    }
}
