extension Parser {
    /// program := (statement (newline | ';'))* end
    ///
    /// Every statement and every error, at most `errorLimit` of them: after each error, parsing
    /// goes on at the next top-level statement (Crafting Interpreters' panic mode), so one run
    /// reports every independent mistake.
    mutating func program(errorLimit: Int) -> ParsedProgram {
        var parsed = ParsedProgram()
        skipSeparators()
        while token != .end && parsed.errors.count < errorLimit {
            let start = position
            do {
                parsed.statements.append(try statement())
                try endOfStatement(inBlock: false)
            } catch {
                parsed.errors.append(error)
                // The rest of the input is missing, or the parser gave up: nothing further to
                // find that would not be a consequence of this one.
                if error.isIncompleteInput { break }
                if case .tooDeep = error { break }
                synchronize(from: start)
            }
            skipSeparators()
        }
        return parsed
    }

    /// Skips to the end of the top-level statement that began at token `start`: the first new
    /// line or `;` past the current position outside every brace opened since `start`.
    mutating func synchronize(from start: Int) {
        var depth = 0
        for i in start..<position {
            if tokens[i].token == .op(.leftBrace) { depth += 1 }
            if tokens[i].token == .op(.rightBrace) { depth -= 1 }
        }
        while token != .end {
            switch token {
            case .op(.leftBrace): depth += 1
            case .op(.rightBrace): depth -= 1
            case .newline, .op(.semicolon):
                if depth <= 0 { return }
            default: break
            }
            _ = advance()
        }
    }

    mutating func skipSeparators() {
        while token == .newline || token == .op(.semicolon) { _ = advance() }
    }

    mutating func endOfStatement(inBlock: Bool) throws(SyntaxError) {
        switch token {
        case .newline, .op(.semicolon), .end: return
        case .op(.rightBrace) where inBlock: return
        default: throw failure(expected: "a new line or ';' after the statement")
        }
    }

    /// `{ statement* }`, the body of a loop, branch or block expression.
    mutating func block() throws(SyntaxError) -> Expr {
        let start = location
        guard check(.leftBrace) else { throw failure(expected: "'{' to start a block") }
        return try nested { (p: inout Parser) throws(SyntaxError) -> Expr in
            _ = p.advance()
            var statements: [Stmt] = []
            p.skipSeparators()
            while !p.check(.rightBrace) {
                if p.token == .end { throw p.failure(expected: "'}' to close the block") }
                statements.append(try p.statement())
                try p.endOfStatement(inBlock: true)
                p.skipSeparators()
            }
            _ = p.advance()
            return .block(statements, start)
        }
    }

    /// One statement.
    mutating func statement() throws(SyntaxError) -> Stmt {
        let start = location
        switch token {
        case .keyword(.import):
            _ = advance()
            guard case .string(let path) = token else { throw failure(expected: "a file name in quotes after 'import'") }
            _ = advance()
            return .importFile(path, start)
        case .keyword(.return):
            _ = advance()
            switch token {
            case .newline, .end, .op(.semicolon), .op(.rightBrace): return .returnValue(nil, start)
            default: return .returnValue(try expression(), start)
            }
        case .keyword(.break):
            _ = advance()
            return .breakLoop(start)
        case .keyword(.continue):
            _ = advance()
            return .continueLoop(start)
        case .keyword(.for):
            _ = advance()
            let name = try expectIdentifier("a loop variable after 'for'")
            guard match(.in) else { throw failure(expected: "'in' after 'for \(name)'") }
            let iterable = try expression()
            return .forLoop(name, iterable, try block(), start)
        case .keyword(.while):
            _ = advance()
            let condition = try expression()
            return .whileLoop(condition, try block(), start)
        case .identifier("loss"):
            if case .identifier = peekToken(1), peekToken(2) == .op(.leftParen) {
                return try lossDefinition()
            }
        default:
            break
        }
        return try assignmentOrExpression()
    }

    /// `loss name(y, p, k=1) = body`
    mutating func lossDefinition() throws(SyntaxError) -> Stmt {
        let start = location
        _ = advance()  // `loss`
        let name = try expectIdentifier("the loss's name")
        let parameters = try parameterList()
        try expect(.assign, "'=' and the loss's formula")
        skipNewlines()
        let body = try expression()
        let decl = FunctionDecl(name: name, parameters: parameters, body: body, doc: docComment(above: start.line))
        try checkParameters(decl)
        return .loss(decl, start)
    }

    mutating func assignmentOrExpression() throws(SyntaxError) -> Stmt {
        let start = location
        let first = try expression()
        if check(.comma) {
            var items = [first]
            while match(.comma) { items.append(try expression()) }
            guard match(.assign) else { throw failure(expected: "'=' after the names to destructure") }
            skipNewlines()
            let targets = try items.map { (e) throws(SyntaxError) -> AssignTarget in try assignTarget(e) }
            return .assign(.tuple(targets, start), try expression(), start)
        }
        if case .op(let op) = token, let binary = BinaryOperator(assigning: op) {
            _ = advance()
            skipNewlines()
            let target = try assignTarget(first)
            if case .tuple = target {
                throw SyntaxError.unexpected(found: "'\(op.rawValue)'", expected: "a single name or element before it", at: start)
            }
            return .compoundAssign(binary, target, try expression(), start)
        }
        guard match(.assign) else { return .expression(first) }
        skipNewlines()
        if case .call(.name(let name, _), let arguments, _) = first {
            var parameters: [Parameter] = []
            for argument in arguments {
                if let label = argument.label {
                    parameters.append(Parameter(name: label, defaultValue: argument.value, location: argument.location))
                } else if case .name(let p, let at) = argument.value {
                    parameters.append(Parameter(name: p, defaultValue: nil, location: at))
                } else {
                    throw .unexpected(found: "an expression", expected: "a parameter name in the definition of \(name)", at: argument.location)
                }
            }
            let decl = FunctionDecl(name: name, parameters: parameters, body: try expression(), doc: docComment(above: start.line))
            try checkParameters(decl)
            return .function(decl, start)
        }
        return .assign(try assignTarget(first), try expression(), start)
    }

    /// Converts the left side of `=` into something that can be assigned.
    func assignTarget(_ expr: Expr) throws(SyntaxError) -> AssignTarget {
        switch expr {
        case .name(let name, let at):
            return .name(name, at)
        case .index(let base, let subscripts, let at):
            return .index(try assignTarget(base), subscripts, at)
        case .tuple(let items, let at):
            return .tuple(try items.map { (e) throws(SyntaxError) -> AssignTarget in try assignTarget(e) }, at)
        default:
            throw .unexpected(found: "an expression", expected: "a name, an element x[i] or a function head f(x) before '='", at: expr.location)
        }
    }

    /// Refuses repeated parameter names and required parameters after defaulted ones.
    func checkParameters(_ decl: FunctionDecl) throws(SyntaxError) {
        var seen = Set<String>()
        var sawDefault = false
        for p in decl.parameters {
            if !seen.insert(p.name).inserted {
                throw .invalidToken("parameter '\(p.name)' appears twice", at: p.location)
            }
            if p.defaultValue != nil {
                sawDefault = true
            } else if sawDefault {
                throw .invalidToken("parameter '\(p.name)' needs a default value because an earlier one has one", at: p.location)
            }
        }
    }
}
