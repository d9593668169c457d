extension Parser {
    /// expression := lambda | subexpression
    mutating func expression() throws(SyntaxError) -> Expr {
        let start = location
        if case .identifier(let name) = token, peekToken(1) == .op(.arrow) {
            _ = advance()
            _ = advance()
            skipNewlines()
            let body = try nested { (p: inout Parser) throws(SyntaxError) -> Expr in try p.expression() }
            let parameter = Parameter(name: name, defaultValue: nil, location: start)
            return .lambda(FunctionDecl(name: nil, parameters: [parameter], body: body), start)
        }
        if check(.leftParen), parenthesisStartsLambda() {
            return try nested { (p: inout Parser) throws(SyntaxError) -> Expr in try p.lambda() }
        }
        return try subexpression(above: .lowest)
    }

    /// Whether the `(` at the current position opens a lambda's parameter list: its matching
    /// `)` is followed by `->`.
    func parenthesisStartsLambda() -> Bool {
        var depth = 0
        var i = position
        while i < tokens.count {
            switch tokens[i].token {
            case .op(.leftParen), .op(.leftBracket), .op(.leftBrace): depth += 1
            case .op(.rightParen), .op(.rightBracket), .op(.rightBrace):
                depth -= 1
                if depth == 0 {
                    return i + 1 < tokens.count && tokens[i + 1].token == .op(.arrow)
                }
            case .end: return false
            default: break
            }
            i += 1
        }
        return false
    }

    /// `(a, b=2) -> body`
    mutating func lambda() throws(SyntaxError) -> Expr {
        let start = location
        let parameters = try parameterList()
        try expect(.arrow)
        skipNewlines()
        let decl = FunctionDecl(name: nil, parameters: parameters, body: try expression())
        try checkParameters(decl)
        return .lambda(decl, start)
    }

    /// `(a, b=2)`: the parameters of a lambda or a loss, each with its default if it has one.
    mutating func parameterList() throws(SyntaxError) -> [Parameter] {
        try expect(.leftParen)
        return try list(until: .rightParen, "')' to close the parameter list") { (p: inout Parser) throws(SyntaxError) -> Parameter in
            let at = p.location
            let name = try p.expectIdentifier("a parameter name")
            var value: Expr?
            if p.match(.assign) { value = try p.expression() }
            return Parameter(name: name, defaultValue: value, location: at)
        }
    }

    /// `item, item, ...` up to `closing` (a trailing comma allowed), which it consumes; `missing`
    /// says what was expected when something else follows an item.
    mutating func list<T>(until closing: Operator, _ missing: String,
                          _ item: (inout Parser) throws(SyntaxError) -> T) throws(SyntaxError) -> [T] {
        var items: [T] = []
        while !check(closing) {
            items.append(try item(&self))
            if !match(.comma) { break }
        }
        try expect(closing, missing)
        return items
    }

    /// subexpression := (prefix subexpression | postfix) (infix subexpression)*
    ///
    /// Precedence climbing, as Lua's `subexpr`: parses the operators that bind tighter than
    /// `limit`, each one's right operand with its own precedence as the new limit (one lower
    /// for `^`, which groups to the right). The levels are the table in `Operators.swift`.
    mutating func subexpression(above limit: Precedence) throws(SyntaxError) -> Expr {
        var left: Expr
        if let op = UnaryOperator(token), limit < op.operand {
            let at = location
            _ = advance()
            left = try nested { (p: inout Parser) throws(SyntaxError) -> Expr in
                .unary(op, try p.subexpression(above: op.operand.looser), at)
            }
        } else {
            left = try postfix()
        }
        var links = 0
        defer { treeDepth -= links }
        while let op = InfixOperator(token), op.precedence > limit {
            let at = location
            _ = advance()
            skipNewlines()
            let level = op.precedence
            let right: Expr
            if level.associativity == .right {
                right = try nested { (p: inout Parser) throws(SyntaxError) -> Expr in try p.subexpression(above: level.looser) }
            } else {
                try chainLink(&links)
                right = try subexpression(above: level)
            }
            if level.associativity == .none, case .binary(let first) = op, case .op(let second) = token,
               let next = InfixOperator(token), next.precedence == level {
                let (p, q) = (first.rawValue, second.rawValue)
                throw .invalidToken("comparisons do not chain: write 'a \(p) b and b \(q) c', or '(a \(p) b) \(q) c' to compare the first truth value", at: location)
            }
            left = op.node(left, right, at: at)
        }
        return left
    }

    mutating func postfix() throws(SyntaxError) -> Expr {
        var expr = try primary()
        var links = 0
        defer { treeDepth -= links }
        while true {
            let at = location
            if match(.leftParen) {
                try chainLink(&links)
                expr = .call(expr, try arguments(), expr.location)
                _ = at
            } else if match(.leftBracket) {
                try chainLink(&links)
                expr = .index(expr, try subscripts(), at)
            } else {
                return expr
            }
        }
    }

    mutating func arguments() throws(SyntaxError) -> [Argument] {
        var sawKeyword = false
        return try list(until: .rightParen, "',' or ')' in the argument list") { (p: inout Parser) throws(SyntaxError) -> Argument in
            let at = p.location
            if case .identifier(let label) = p.token, p.peekToken(1) == .op(.assign) {
                _ = p.advance()
                _ = p.advance()
                sawKeyword = true
                return Argument(label: label, value: try p.expression(), location: at)
            }
            if sawKeyword {
                throw .unexpected(found: "a positional argument", expected: "keyword arguments only after the first keyword argument", at: at)
            }
            return Argument(label: nil, value: try p.expression(), location: at)
        }
    }

    mutating func subscripts() throws(SyntaxError) -> [Subscript] {
        var result: [Subscript] = []
        repeat {
            if check(.rightBracket) { break }
            result.append(try subscriptItem())
        } while match(.comma)
        if result.isEmpty { throw failure(expected: "an index inside '[]'") }
        try expect(.rightBracket, "',' or ']' after the index")
        return result
    }

    mutating func subscriptItem() throws(SyntaxError) -> Subscript {
        func endOfPart(_ p: Parser) -> Bool {
            p.check(.colon) || p.check(.comma) || p.check(.rightBracket)
        }
        if match(.ellipsis) { return .ellipsis }
        var start: Expr?
        if !check(.colon) { start = try expression() }
        guard match(.colon) else {
            guard let start else { throw failure(expected: "an index") }
            return .index(start)
        }
        var stop: Expr?
        var step: Expr?
        if !endOfPart(self) { stop = try expression() }
        if match(.colon), !endOfPart(self) { step = try expression() }
        return .slice(start: start, stop: stop, step: step)
    }

    mutating func primary() throws(SyntaxError) -> Expr {
        let at = location
        switch token {
        case .number(let value):
            _ = advance()
            return .number(value, at)
        case .string(let text):
            _ = advance()
            return .string(text, at)
        case .identifier(let name):
            _ = advance()
            return .name(name, at)
        case .keyword(.true):
            _ = advance()
            return .boolean(true, at)
        case .keyword(.false):
            _ = advance()
            return .boolean(false, at)
        case .keyword(.if):
            return try nested { (p: inout Parser) throws(SyntaxError) -> Expr in try p.ifExpression() }
        case .op(.leftBracket):
            return try nested { (p: inout Parser) throws(SyntaxError) -> Expr in try p.arrayLiteral() }
        case .op(.leftParen):
            return try nested { (p: inout Parser) throws(SyntaxError) -> Expr in try p.parenthesized() }
        case .op(.leftBrace):
            return try block()
        default:
            throw failure(expected: "an expression")
        }
    }

    mutating func ifExpression() throws(SyntaxError) -> Expr {
        let at = location
        _ = advance()  // `if`
        let condition = try expression()
        let then = try block()
        // `else` may start the next line.
        var look = position
        while tokens[look].token == .newline, look < tokens.count - 1 { look += 1 }
        guard tokens[look].token == .keyword(.else) else { return .ifElse(condition, then, nil, at) }
        position = look + 1
        if check(.if) {
            return .ifElse(condition, then, try nested { (p: inout Parser) throws(SyntaxError) -> Expr in try p.ifExpression() }, at)
        }
        return .ifElse(condition, then, try block(), at)
    }

    mutating func arrayLiteral() throws(SyntaxError) -> Expr {
        let at = location
        _ = advance()  // `[`
        let items = try list(until: .rightBracket, "',' or ']' in the list") { (p: inout Parser) throws(SyntaxError) -> Expr in try p.expression() }
        return .array(items, at)
    }

    mutating func parenthesized() throws(SyntaxError) -> Expr {
        let at = location
        _ = advance()  // `(`
        if check(.rightParen) {
            throw .unexpected(found: "')'", expected: "an expression inside '()' (write '() -> e' for a function of no arguments)", at: location)
        }
        let first = try expression()
        guard check(.comma) else {
            try expect(.rightParen, "')'")
            return first
        }
        var items = [first]
        while match(.comma) {
            if check(.rightParen) { break }
            items.append(try expression())
        }
        try expect(.rightParen, "',' or ')' in the tuple")
        return .tuple(items, at)
    }
}
