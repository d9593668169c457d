/// What Tab offers: candidates that each replace the last `replacing` characters (Unicode
/// scalars) before the cursor.
struct Completion {
    var replacing: Int
    var candidates: [String]
}
