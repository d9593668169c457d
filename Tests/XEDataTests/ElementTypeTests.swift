import Testing
@testable import XEData

/// float16 and bfloat16 convert exactly: every one of the 65 536 bit patterns.
@Suite struct ElementTypeTests {
    @Test func float16MatchesTheHardwareConversionForEveryPattern() {
        for bits in 0...UInt16.max {
            let mine = ElementType.float16(bits)
            let reference = Double(Float16(bitPattern: bits))
            if reference.isNaN {
                #expect(mine.isNaN)
            } else {
                #expect(mine.bitPattern == reference.bitPattern, "0x\(String(bits, radix: 16))")
            }
        }
        #expect(ElementType.float16(0x3C00) == 1 && ElementType.float16(0x7BFF) == 65504 && ElementType.float16(0x0001) == 0x1p-24)
        #expect(ElementType.float16(0xFC00) == -.infinity && ElementType.float16(0x8000).sign == .minus)
    }
}
