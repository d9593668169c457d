import XESyntax

/// The local variables of a function being compiled: every name the body assigns, its
/// parameters first (Python's rule: a name assigned anywhere in a function is local to it).
final class Scope {
    var slots: [String: Int] = [:]
    let parent: Scope?

    init(parent: Scope?, parameters: [String], body: Expr) {
        self.parent = parent
        for p in parameters { declare(p) }
        collect(body)
    }

    var count: Int { slots.count }

    func declare(_ name: String) {
        if slots[name] == nil { slots[name] = slots.count }
    }

    private func collect(_ expr: Expr) {
        switch expr {
        case .block(let statements, _):
            for s in statements { collect(s) }
        case .ifElse(let c, let t, let e, _):
            collect(c)
            collect(t)
            if let e { collect(e) }
        case .unary(_, let a, _):
            collect(a)
        case .binary(_, let a, let b, _), .logical(_, let a, let b, _):
            collect(a)
            collect(b)
        case .call(let f, let args, _):
            collect(f)
            for a in args { collect(a.value) }
        case .index(let base, _, _):
            collect(base)
        case .array(let items, _), .tuple(let items, _):
            for i in items { collect(i) }
        case .number, .boolean, .string, .name, .lambda:
            break
        }
    }

    private func collect(_ stmt: Stmt) {
        switch stmt {
        case .expression(let e): collect(e)
        case .assign(let target, let value, _), .compoundAssign(_, let target, let value, _):
            collect(target)
            collect(value)
        case .function(let decl, _):
            if let name = decl.name { declare(name) }
        case .forLoop(let name, let iterable, let body, _):
            declare(name)
            collect(iterable)
            collect(body)
        case .whileLoop(let c, let body, _):
            collect(c)
            collect(body)
        case .returnValue(let e, _):
            if let e { collect(e) }
        case .loss, .breakLoop, .continueLoop, .importFile:
            break
        }
    }

    private func collect(_ target: AssignTarget) {
        switch target {
        case .name(let n, _): declare(n)
        case .index(let base, _, _): collect(base)
        case .tuple(let items, _): for t in items { collect(t) }
        }
    }
}
