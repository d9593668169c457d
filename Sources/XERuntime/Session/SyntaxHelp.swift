/// The help on the language's own words (`?for`, `?if`, `?loss`, `help("while")`), searched by
/// `apropos` with the rest.
enum SyntaxHelp {
    struct Topic {
        let name: String
        let summary: String
        let text: String
    }

    static func topic(_ name: String) -> Topic? {
        let key = aliases[name] ?? name
        return topics.first { $0.name == key }
    }

    static let aliases = ["else": "if", "in": "for", "break": "for", "continue": "for", "->": "lambda",
                          "and": "operators", "or": "operators", "not": "operators", "true": "operators",
                          "false": "operators", "#": "comments", "=": "functions", "def": "functions",
                          "function": "functions", "elif": "if", "[": "indexing", "index": "indexing"]

    static let topics: [Topic] = [
        Topic(name: "if", summary: "if c { ... } else { ... }: choose; an expression with a value", text: """
            if condition { ... } else if other { ... } else { ... }
              Runs the first block whose condition is true (a nonzero scalar); the whole if is an
              expression whose value is the value of the block that ran, so x = if p > 0.5 { 1 } else { 0 }.
              'else' goes on the line of the '}' that closes the block before it: } else {
              In the REPL, an if typed up to its '}' runs at once: type or paste the whole if ... else
              as one entry (an unclosed '{' continues on the next line).
              Example: if len(y) == 0 { print("empty") } else { mean(y) }
            """),
        Topic(name: "for", summary: "for x in v { ... }: loop over elements, rows or tuple items", text: """
            for name in value { ... }
              Runs the block once per element of a vector, per row of a matrix, per item of a tuple.
              break leaves the loop; continue goes on with the next item. The loop variable stays
              defined after the loop, as in Python.
              Example: total = 0; for i in range(5) { total += i }; total  →  10
            """),
        Topic(name: "while", summary: "while c { ... }: loop while the condition holds", text: """
            while condition { ... }
              Runs the block as long as the condition is true (a nonzero scalar); break and continue
              as in for. Ctrl-C stops a loop that does not end.
              Example: n = 0; while 2^n < 1000 { n += 1 }; n  →  10
            """),
        Topic(name: "loss", summary: "loss name(y, p, k=1) = expr: define a loss (grad, explain and help know it)", text: """
            loss name(y, p, option=default, ...) = expression
              Defines a loss: targets first, predictions second, then options with defaults. It is
              listed by :losses, called like the built-in ones, differentiated by grad through its
              formula, and explained by explain. A # comment on the line above is its help.
              Defining it again from the same file or the REPL replaces it; :reset forgets the
              losses defined in the REPL.
              Example: loss mse(y, p, reduction="mean") = mean((y - p)^2)
            """),
        Topic(name: "functions", summary: "f(x, k=2) = expr: define a function; f(x) = { ... } for a block", text: """
            name(x, k=2) = expression      name(x) = { statements; value }
              Defines a function. Defaults are evaluated at each call and may use earlier parameters.
              Names assigned inside are local; others are read from outside (closures). return e
              leaves early. ?name shows a function's source.
              Example: sq(x) = x^2; sq(3)  →  9
            """),
        Topic(name: "lambda", summary: "x -> expr, (a, b) -> expr: an unnamed function", text: """
            x -> expression      (a, b) -> expression
              An unnamed function, e.g. for plot, grad or timeit.
              Example: plot(p -> bce(1, p), 0.01, 0.99)
            """),
        Topic(name: "return", summary: "return e: leave a function with a value", text: """
            return expression
              Leaves the function it is in with the value of the expression (none without one).
            """),
        Topic(name: "import", summary: "import \"file.xe\": run a file's definitions in this session", text: """
            import "file.xe"
              Runs the file (relative to the file that imports it) once, so that its functions,
              losses and variables are defined here. In the REPL, :load FILE.xe runs a file again.
            """),
        Topic(name: "operators", summary: "+ - * / ^ @, comparisons, and or not: precedence and broadcasting", text: """
            Loosest first: ->, or, and, not, comparisons (== != < <= > >=, elementwise 0/1; they do
              not chain: write a < b and b < c), + -, * / @ (matrix product), unary - +,
              ^ (right-associative, so -2^2 is -4; ** is the same), then calls and indexing.
              Arithmetic broadcasts as NumPy does. true is 1, false is 0.
            """),
        Topic(name: "indexing", summary: "x[0], X[1, 2], X[:, 0], x[1:3], x[::-1], x[[0, 2]]: 0-based", text: """
            x[i], X[i, j], X[:, j], x[a:b], x[a:b:step], x[[0, 2]]
              Positions count from 0; negative ones from the end (x[-1]). A slice leaves out its end.
              Assignment changes the variable only: p[2] = 0.7, X[:, 0] = 0.
            """),
        Topic(name: "comments", summary: "# to the end of the line; the comment above a definition is its help", text: """
            # a comment runs to the end of the line.
              The comment lines just above a function or loss definition are its help text.
            """),
    ]
}
