extension Value {
    /// The deepest nesting of tuples that a tuple expression may build.
    static let maxTupleDepth = 1000

    /// How deeply tuples nest in this value, counted up to `limit` (so the walk is cheap).
    func tupleDepth(limit: Int) -> Int {
        guard case .tuple(let items) = self, limit > 0 else { return 0 }
        var deepest = 0
        for item in items {
            deepest = Swift.max(deepest, item.tupleDepth(limit: limit - 1))
            if deepest + 1 >= limit { break }
        }
        return deepest + 1
    }
}
