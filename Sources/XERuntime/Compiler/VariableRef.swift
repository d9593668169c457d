/// Where a name's value lives, fixed at compile time.
enum VariableRef {
    /// A global slot.
    case global(Int)
    /// A slot of the frame `depth` levels out from the current one.
    case local(depth: Int, slot: Int)
}
