/// A piece of work handed to the large-stack thread through a C pointer.
final class StackJob {
    let work: () -> Void

    init(_ work: @escaping () -> Void) {
        self.work = work
    }
}
