/// Non-local exits, thrown through the compiled closures and caught where they end.
enum ControlFlow: Error {
    case returning(Value)
    case breaking
    case continuing
}
