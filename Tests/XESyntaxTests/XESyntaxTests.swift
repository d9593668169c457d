import Testing
@testable import XESyntax
