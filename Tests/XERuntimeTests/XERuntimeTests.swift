import Testing
@testable import XERuntime
