import XESyntax

extension Value {
    /// The deepest nesting of tuples that a tuple expression may build.
    static let maxTupleDepth = 1000
    /// The most values a tuple may hold once the tuples in it are counted in full, every time
    /// they appear: `t = (t, t)` doubles it, so twenty rounds reach the limit instead of forty
    /// rounds building something that takes forever to print or compare.
    static let maxTupleValues = 1 << 20

    /// How deeply tuples nest in this value; each value visited (a tuple counted each time it
    /// appears) takes one from `budget`, and the walk stops once the budget is spent, so it
    /// costs at most `budget` steps however much the tuples share.
    func tupleDepth(budget: inout Int) -> Int {
        budget -= 1
        guard case .tuple(let items) = self else { return 0 }
        var deepest = 0
        for item in items {
            if budget < 0 { break }
            deepest = Swift.max(deepest, item.tupleDepth(budget: &budget))
        }
        return deepest + 1
    }

    /// Refuses a tuple nested too deeply (freeing or printing it would recurse through the
    /// native stack) or holding too much once its tuples are counted in full.
    func checkTupleLimits(at location: SourceLocation) throws {
        var budget = Value.maxTupleValues
        let depth = tupleDepth(budget: &budget)
        if budget < 0 {
            throw XEError(.limit("this tuple would hold more than \(Value.maxTupleValues) values once the tuples in it are counted in full"), at: location)
        }
        if depth > Value.maxTupleDepth {
            throw XEError(.limit("tuples are nested more than \(Value.maxTupleDepth) deep"), at: location)
        }
    }
}
