import Testing
@testable import Handset

@Suite struct HIDReportDescriptorTests {
    typealias Field = HIDReportDescriptor.Field

    @Test func findsTheHookSwitchInANumberedTelephonyReport() throws {
        let descriptor = try HIDReportDescriptor(bytes: HIDDescriptors.jabraLike)
        #expect(descriptor.numbersReports)
        #expect(descriptor.inputField(page: 0x0B, usage: 0x20)
                == Field(usagePage: 0x0B, usage: 0x20, reportID: 2, bitOffset: 1, bitSize: 1, isRelative: false))
        #expect(descriptor.inputField(page: 0x0B, usage: 0x2F)
                == Field(usagePage: 0x0B, usage: 0x2F, reportID: 2, bitOffset: 0, bitSize: 1, isRelative: true))
        #expect(descriptor.inputField(page: 0x0B, usage: 0x97)?.bitOffset == 2)
        #expect(descriptor.inputField(page: 0x0C, usage: 0xEA)
                == Field(usagePage: 0x0C, usage: 0xEA, reportID: 1, bitOffset: 1, bitSize: 1, isRelative: true))
        #expect(descriptor.inputField(page: 0x08, usage: 0x20) == nil, "LEDs are outputs")
        #expect(descriptor.inputFields.count == 5)
    }

    @Test func findsARelativeHookSwitchAfterAnArrayInAnUnnumberedReport() throws {
        let descriptor = try HIDReportDescriptor(bytes: HIDDescriptors.yealinkLikeToggle)
        #expect(!descriptor.numbersReports)
        #expect(descriptor.inputField(page: 0x0B, usage: 0x20)
                == Field(usagePage: 0x0B, usage: 0x20, reportID: 0, bitOffset: 8, bitSize: 1, isRelative: true))
        #expect(descriptor.inputField(page: 0x0B, usage: 0xB3) == nil, "array items are not variable fields")
    }

    @Test func extendedUsagesAndAUsagePageAfterItsUsage() throws {
        let extended: [UInt8] = [0x05, 0x01, 0x0B, 0x20, 0x00, 0x0B, 0x00, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02]
        #expect(try HIDReportDescriptor(bytes: extended).inputField(page: 0x0B, usage: 0x20)?.bitOffset == 0)
        let pageAfter: [UInt8] = [0x09, 0x20, 0x05, 0x0B, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02]
        #expect(try HIDReportDescriptor(bytes: pageAfter).inputField(page: 0x0B, usage: 0x20) != nil)
    }

    @Test func usageRangesPushPopAndLongItems() throws {
        let bytes: [UInt8] = [
            0xFE, 0x02, 0x10, 0xAA, 0xBB,   // a long item, skipped
            0x05, 0x09, 0x19, 0x01, 0x29, 0x03, 0x75, 0x01, 0x95, 0x03, 0x81, 0x02, // buttons 1-3, bits 0-2
            0xA4, 0x05, 0x0B, 0x75, 0x04, 0xB4, // Push, Telephony, size 4, Pop
            0x09, 0x05, 0x95, 0x01, 0x81, 0x02, // button 5 (page 9 again), 1 bit at offset 3
        ]
        let descriptor = try HIDReportDescriptor(bytes: bytes)
        #expect(descriptor.inputField(page: 0x09, usage: 0x03)?.bitOffset == 2)
        #expect(descriptor.inputField(page: 0x09, usage: 0x05) == Field(usagePage: 9, usage: 5, reportID: 0, bitOffset: 3, bitSize: 1, isRelative: false))
    }

    @Test(arguments: [
        [0x05],                         // item data missing
        [0x06, 0x01],                   // two-byte item cut short
        [0xC0],                         // End Collection without Collection
        [0xA1, 0x01],                   // Collection never closed
        [0xB4],                         // Pop without Push
        [0x76, 0x00, 0x10],             // Report Size 4096
        [0x96, 0x00, 0x20],             // Report Count 8192
        [0x85, 0x00],                   // Report ID 0
        [0xFE, 0x05, 0x00, 0x01],       // long item cut short
        [0xFE],
    ] as [[UInt8]])
    func malformedDescriptorsAreRejected(_ bytes: [UInt8]) {
        #expect(throws: HandsetError.self) { try HIDReportDescriptor(bytes: bytes) }
    }

    @Test func anOversizedDescriptorIsRejected() {
        #expect(throws: HandsetError.self) { try HIDReportDescriptor(bytes: [UInt8](repeating: 0, count: 4_097)) }
    }

    /// Random and mutated descriptors and reports: rejected or parsed, never a crash.
    @Test func randomBytesNeverCrash() {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt8 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: seed >> 33)
        }
        var parsed = 0
        for round in 0..<3_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int(next() % 80)).map { _ in next() }
            } else {
                bytes = HIDDescriptors.jabraLike
                for _ in 0..<3 { bytes[Int(next()) % bytes.count] = next() }
            }
            guard let descriptor = try? HIDReportDescriptor(bytes: bytes) else { continue }
            parsed += 1
            guard var decoder = try? HIDHookDecoder(descriptor: descriptor) else { continue }
            let report = (0..<Int(next() % 6)).map { _ in next() }
            report.withUnsafeBytes { decoder.decode($0) { _ in } }
        }
        #expect(parsed > 0)
    }
}
