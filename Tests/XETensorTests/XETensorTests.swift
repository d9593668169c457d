import Testing
@testable import XETensor
