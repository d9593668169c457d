import Testing
@testable import XERuntime

struct LanguageTests {
    @Test func arithmeticAndPrecedence() throws {
        let s = Session()
        #expect(try s.eval("-2^2") == "-4")
        #expect(try s.eval("2^3^2") == "512")
        #expect(try s.eval("1/0") == "inf")
        #expect(try s.eval("log(0)") == "-inf")
        #expect(try s.eval("log(-1)") == "nan")
        #expect(try s.eval("0.1 + 0.2") == "0.30000000000000004")
        #expect(try s.eval("true + true") == "2")
        #expect(try s.eval("[1, 2] == [1, 3]") == "[1, 0]")
        #expect(try s.eval("not [0, 2]") == "[1, 0]")
        #expect(try s.eval("1 < 2 and 3 < 2") == "0")
        #expect(try s.eval("[1, 0] or [0, 0]") == "[1, 0]")
        #expect(try s.eval("\"a\" + \"b\"") == "\"ab\"")
    }

    @Test func functionsClosuresAndDefaults() throws {
        let s = Session()
        try s.eval("f(x, k=2) = x * k; adder(n) = x -> x + n; add3 = adder(3)")
        #expect(try s.eval("f(5)") == "10")
        #expect(try s.eval("f(5, k=3)") == "15")
        #expect(try s.eval("f(k=4, x=1)") == "4")
        #expect(try s.eval("add3(4)") == "7")
        #expect(try s.eval("g(x, n=len(x)) = sum(x) / n; g([1, 2, 3])") == "2")
        #expect(try s.eval("fact(n) = if n <= 1 { 1 } else { n * fact(n - 1) }; fact(10)") == "3628800")
        #expect(try s.eval("h(x) = { if x > 0 { return 1 }; -1 }; [h(5), h(-5)]") == "[1, -1]")
        #expect(try s.eval("(() -> 42)()") == "42")
    }

    @Test func controlFlow() throws {
        let s = Session()
        #expect(try s.eval("s = 0; for i in range(10) { if i == 5 { break }; s += i }; s") == "10")
        #expect(try s.eval("s = 0; for i in range(10) { if i < 5 { continue }; s += i }; s") == "35")
        #expect(try s.eval("k = 0; while k < 100 { k = k + 7 }; k") == "105")
        #expect(try s.eval("t = 0; for row in [[1, 2], [3, 4]] { t = t + row[1] }; t") == "6")
        #expect(try s.eval("if 0 { 1 } else if 1 { 2 } else { 3 }") == "2")
        #expect(try s.eval("n = 0; for i in range(10, 0, -3) { n = n + 1 }; n") == "4")
    }

    @Test func indexingAndAssignment() throws {
        let s = Session()
        try s.eval("X = [[1, 2, 3], [4, 5, 6]]; x = [10, 20, 30, 40]")
        #expect(try s.eval("X[1, 2]") == "6")
        #expect(try s.eval("X[:, 0]") == "[1, 4]")
        #expect(try s.eval("X[-1]") == "[4, 5, 6]")
        #expect(try s.eval("X[:, 0:2]") == "[[1, 2],\n [4, 5]]")
        #expect(try s.eval("x[::-1]") == "[40, 30, 20, 10]")
        #expect(try s.eval("x[[0, 3]]") == "[10, 40]")
        try s.eval("x[2] = 0.7; X[:, 1] = [0, 0]; X[0] = 9")
        #expect(try s.eval("x") == "[10, 20, 0.7, 40]")
        #expect(try s.eval("X") == "[[9, 9, 9],\n [4, 0, 6]]")
        try s.eval("a, b = (1, [2, 3])")
        #expect(try s.eval("b") == "[2, 3]")
    }

    @Test func outputFormat() throws {
        let s = Session()
        #expect(try s.eval("[0.9, 0.1]") == "[0.9, 0.1]")
        #expect(try s.eval("1e-15") == "1e-15")
        #expect(try s.eval("(1, [2, 3])") == "(1, [2, 3])")
        #expect(try s.eval("range(2000)") == "[0, 1, 2, ..., 1997, 1998, 1999]")
        try s.eval("print(\"loss:\", 0.5, [1, 2])")
        #expect(s.printed == "loss: 0.5 [1, 2]\n")
    }

    /// range is NumPy's arange, fractions included (values from numpy.arange).
    @Test(arguments: [
        ("range(0, 1, 0.1)", "[0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9]"),
        ("range(0, 1, 0.3)", "[0, 0.3, 0.6, 0.8999999999999999]"),
        ("range(1, 0, -0.25)", "[1, 0.75, 0.5, 0.25]"),
        ("range(2.5, 5)", "[2.5, 3.5, 4.5]"),
        ("range(0.5)", "[0]"),
        ("range(0, 1e16, 3e15)", "[0, 3000000000000000, 6000000000000000, 9000000000000000]"),
        ("t = 0; for x in range(0, 2, 0.5) { t = t + x }; t", "3"),
        ("range(3, 1)", "[]"),
        ("range(5, step=2)", "[0, 2, 4]"),
        ("range(1, step=2)", "[0]"),
        ("range(1, 7, step=3)", "[1, 4]"),
        ("range(b=3, a=1)", "[1, 2]"),
    ])
    func rangeFollowsArange(_ source: String, _ expected: String) throws {
        #expect(try Session().eval(source) == expected)
    }

    @Test(arguments: ["range(0, 1, 0)", "range(0, inf)", "range(0, 1, 1e-300)"])
    func badRangesAreErrors(_ source: String) {
        #expect(Session().error(source) != nil)
    }

    @Test func builtins() throws {
        let s = Session()
        #expect(try s.eval("shape(zeros([2, 3]))") == "[2, 3]")
        #expect(try s.eval("reshape(range(6), [-1, 2])") == "[[0, 1],\n [2, 3],\n [4, 5]]")
        #expect(try s.eval("transpose([[1, 2], [3, 4]])") == "[[1, 3],\n [2, 4]]")
        #expect(try s.eval("onehot([2, 0], 3)") == "[[0, 0, 1],\n [1, 0, 0]]")
        #expect(try s.eval("linspace(0, 1, 5)") == "[0, 0.25, 0.5, 0.75, 1]")
        #expect(try s.eval("eye(2)") == "[[1, 0],\n [0, 1]]")
        #expect(try s.eval("sum([[1, 2], [3, 4]], axis=-1)") == "[3, 7]")
        #expect(try s.eval("argmax([0.1, 0.7, 0.2])") == "1")
        #expect(try s.eval("entropy([0.5, 0.5], base=2)") == "1")
        #expect(try s.eval("entropy([1, 0])") == "0")
        #expect(try s.eval("kl_div([0.5, 0.5], [0.5, 0.5])") == "0")
        #expect(try s.eval("logsumexp([1000, 1000])") == "1000.6931471805599")
        #expect(try s.eval("seed(3); a = rand(4); seed(3); all(rand(4) == a)") == "1")
        #expect(try s.eval("timeit(() -> 1 + 1, n=3) >= 0") == "1")
        try s.eval("help(bce)")
        #expect(s.printed.contains("bce(y, p, eps=1e-15"))
    }

    /// The help of a function lists its own source, whatever name holds it now; a loss's help
    /// its definition, to the line that ends it.
    @Test func helpListsTheFunctionsOwnSource() throws {
        let s = Session()
        try s.interpreter.run("f(x) = {\n  x + 1\n}\ng = f", file: "a.xe")
        try s.interpreter.run("f(x) = x^2", file: "b.xe")
        let old = try s.interpreter.helpText(named: "g")
        #expect(old.contains("source:\n    f(x) = {\n      x + 1\n    }"), "\(old)")
        #expect(!old.contains("x^2"))
        #expect(try s.interpreter.helpText(named: "f").contains("source:\n    f(x) = x^2"))
        try s.interpreter.run("loss half(y, p) = mean((y - p)^2) / 2\nz = 1", file: "c.xe")
        let loss = try s.interpreter.helpText(named: "half")
        #expect(loss.contains("source:\n    loss half(y, p) = mean((y - p)^2) / 2") && !loss.contains("z = 1"), "\(loss)")
    }

    @Test func errorsCarryLocationsAndSuggestions() {
        let s = Session()
        let unknown = s.error("x = 1\nprint(bcee([1], [0.5]))")!
        #expect(unknown.location?.line == 2 && unknown.location?.column == 7)
        #expect(unknown.message.contains("did you mean 'bce'"))
        #expect(s.interpreter.render(unknown) == "t.xe:2:7: error: unknown name 'bcee'; did you mean 'bce'?\nprint(bcee([1], [0.5]))\n      ^")
        // The caret stands under the column on a terminal: a wide character takes two, a
        // combining accent none, a tab stays a tab.
        #expect(s.interpreter.render(s.error("print(\"日本語\", zz)")!).hasSuffix("\nprint(\"日本語\", zz)\n                ^"))
        #expect(s.interpreter.render(s.error("\"e\u{301}\"\tzz")!).hasSuffix("\n   \t^"))
        #expect(s.error("[1, 2] + [1, 2, 3]")!.message.contains("(2,) and (3,)"))
        // An error inside a function also says where it was called from; a recursion once.
        let nested = s.error("f(x) = log(x) + nope\ng(x) = f(x) * 2\ng(1)")!
        #expect(s.interpreter.render(nested) == "t.xe:1:17: error: unknown name 'nope'\nf(x) = log(x) + nope\n                ^\nt.xe:2:8: note: called from here\ng(x) = f(x) * 2\n       ^\nt.xe:3:1: note: called from here\ng(1)\n^")
        let deep = s.interpreter.render(s.error("h(n) = if n == 0 { nope } else { h(n - 1) }\nh(40)")!)
        #expect(deep.contains("t.xe:1:34: note: called from here (40 times)") && deep.contains("t.xe:2:1: note: called from here"), "\(deep)")
        #expect(s.error("f(x, k=2) = x; f(1, kk=3)")!.message.contains("did you mean 'k'"))
        #expect(s.error("bce([1], [0.5], reductio=\"sum\")")!.message.contains("reduction"))
        #expect(s.error("[[1, 2], [3]]")!.message.contains("ragged"))
        #expect(s.error("x = zeros([2, 3]); x[:, 0] = [1, 2, 3]")!.message.contains("value of shape (3,) to a selection of shape (2,)"))
        #expect(s.error("f(n) = f(n + 1); f(0)")!.message.contains("recursion"))
        #expect(s.error("zeros([1e10, 1e10])")!.message.contains("too large"))
        #expect(s.error("zeros(nan)") != nil)
        #expect(s.error("range(1e300)") != nil)
        #expect(s.error("x = [1, 2]; x[1e300]") != nil)
        #expect(s.error("onehot([inf], 3)") != nil)
        #expect(s.error("seed(nan)") != nil)
        #expect(s.error("linspace(0, 1, -5)") != nil)
        #expect(s.error("return 1") != nil)
        #expect(s.error("break") != nil)
        #expect(s.error("a, b = (1, 2, 3)") != nil)
        #expect(s.error("if [1, 2] { 1 }") != nil)
    }

    @Test func variablesSurviveErrors() throws {
        let s = Session()
        try s.eval("w = 5")
        #expect(s.error("w = undefined_thing") != nil)
        #expect(try s.eval("w") == "5")
    }

    /// A built-in that takes its first argument unevaluated (`grad`, `explain`), given a value of
    /// the user's at an earlier entry, is called as that value even where the built-in's form
    /// would be refused; the refusal stands while the name is the built-in.
    @Test func aRedefinedSpecialBuiltInIsCalledAsTheUsersValue() throws {
        let s = Session()
        #expect(s.error("grad(1, 2)")?.message.contains("must be the name of a variable") == true)
        try s.eval("grad = (a, b) -> a + b; explain = (a) -> -a")
        #expect(try s.eval("grad(1, 2)") == "3")
        #expect(try s.eval("explain(abs(-4))") == "-4")
        #expect(try s.eval("g(x) = grad(x, 1); g(5)") == "6")
    }
}
