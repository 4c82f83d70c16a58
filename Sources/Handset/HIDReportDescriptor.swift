/// The input fields of a USB HID report descriptor (HID 1.11 §6.2.2), enough to find one
/// usage in the device's input reports: the Telephony page's Hook Switch.
///
/// Understands short items (Main: Input, Output, Feature, Collection, End Collection;
/// Global: Usage Page, Report Size, Report ID, Report Count, Push, Pop; Local: Usage,
/// Usage Minimum/Maximum, 16- and 32-bit extended usages) and skips long items and the
/// items that do not move bits. Malformed descriptors are rejected with a reason.
struct HIDReportDescriptor: Hashable, Sendable {
    /// One Variable input field of one usage.
    struct Field: Hashable, Sendable {
        var usagePage: UInt16
        var usage: UInt16
        /// 0 when the device does not number its reports.
        var reportID: UInt8
        /// Offset in the report's data, after the report ID byte if any.
        var bitOffset: Int
        var bitSize: Int
        /// Input flag bit 2: the device reports changes (a press per lift or hang-up), not a position.
        var isRelative: Bool
    }

    static let telephonyPage: UInt16 = 0x0B
    static let hookSwitchUsage: UInt16 = 0x20
    /// The kernel's HID_MAX_DESCRIPTOR_SIZE.
    static let maximumSize = 4_096
    /// Report Size beyond this is not a real device's field; refusing it bounds bit arithmetic.
    static let maximumReportSize = 256
    static let maximumReportCount = 4_096
    /// Push nesting deeper than any real descriptor.
    static let maximumPushDepth = 8
    /// Fields beyond this are counted for offsets but not kept.
    static let maximumFields = 1_024
    /// Main item data bits (HID 1.11 §6.2.2.5): Constant (padding), Variable (one field
    /// per usage, not an array of selectors), Relative (changes, not positions).
    static let constantFlag: UInt32 = 0x01
    static let variableFlag: UInt32 = 0x02
    static let relativeFlag: UInt32 = 0x04

    private(set) var inputFields: [Field] = []
    /// Whether reports start with a report ID byte.
    private(set) var numbersReports = false

    private struct Globals {
        var usagePage: UInt16 = 0
        var reportSize = 0
        var reportCount = 0
        var reportID: UInt8 = 0
    }

    /// A Usage item: a 32-bit usage carries its own page; a shorter one takes the Usage
    /// Page current at the Main item (as Linux does, so a Usage Page after the Usage works).
    private struct LocalUsage {
        var value: UInt32
        var extended: Bool
    }

    init(bytes: [UInt8]) throws(HandsetError) {
        guard bytes.count <= Self.maximumSize else { throw HandsetError("HID report descriptor longer than \(Self.maximumSize) bytes") }
        var globals = Globals()
        var stack: [Globals] = []
        var usages: [LocalUsage] = []
        var usageMinimum: LocalUsage?
        var usageMaximum: LocalUsage?
        var inputOffsets: [UInt8: Int] = [:]
        var depth = 0
        var index = 0

        while index < bytes.count {
            let prefix = bytes[index]
            if prefix == 0xFE {
                // Long item: size, tag, data; no standard long items exist.
                guard index + 2 < bytes.count else { throw HandsetError("HID long item truncated at byte \(index)") }
                index += 3 + Int(bytes[index + 1])
                guard index <= bytes.count else { throw HandsetError("HID long item truncated") }
                continue
            }
            let size = [0, 1, 2, 4][Int(prefix & 0x03)]
            let type = (prefix >> 2) & 0x03
            let tag = prefix >> 4
            guard index + 1 + size <= bytes.count else { throw HandsetError("HID item truncated at byte \(index)") }
            var data: UInt32 = 0
            for byte in 0..<size { data |= UInt32(bytes[index + 1 + byte]) << (8 * UInt32(byte)) }
            index += 1 + size

            switch (type, tag) {
            case (0, 0x8): // Input
                let count = globals.reportCount, bits = globals.reportSize
                let start = inputOffsets[globals.reportID, default: 0]
                if data & Self.variableFlag != 0 && data & Self.constantFlag == 0 {
                    for position in 0..<count where inputFields.count < Self.maximumFields {
                        guard let usage = Self.usage(at: position, usages, usageMinimum, usageMaximum) else { continue }
                        let page = usage.extended ? UInt16(truncatingIfNeeded: usage.value >> 16) : globals.usagePage
                        inputFields.append(Field(usagePage: page, usage: UInt16(truncatingIfNeeded: usage.value),
                                                 reportID: globals.reportID, bitOffset: start + position * bits,
                                                 bitSize: bits, isRelative: data & Self.relativeFlag != 0))
                    }
                }
                inputOffsets[globals.reportID] = start + count * bits
                (usages, usageMinimum, usageMaximum) = ([], nil, nil)
            case (0, 0x9), (0, 0xB): // Output, Feature: other report types, own offsets
                (usages, usageMinimum, usageMaximum) = ([], nil, nil)
            case (0, 0xA): // Collection
                depth += 1
                (usages, usageMinimum, usageMaximum) = ([], nil, nil)
            case (0, 0xC): // End Collection
                guard depth > 0 else { throw HandsetError("HID End Collection without a Collection") }
                depth -= 1
                (usages, usageMinimum, usageMaximum) = ([], nil, nil)
            case (1, 0x0):
                globals.usagePage = UInt16(truncatingIfNeeded: data)
            case (1, 0x7):
                guard data <= Self.maximumReportSize else { throw HandsetError("HID Report Size \(data) too large") }
                globals.reportSize = Int(data)
            case (1, 0x8):
                guard data != 0, data <= UInt32(UInt8.max) else { throw HandsetError("HID Report ID \(data) invalid") }
                globals.reportID = UInt8(data)
                numbersReports = true
            case (1, 0x9):
                guard data <= Self.maximumReportCount else { throw HandsetError("HID Report Count \(data) too large") }
                globals.reportCount = Int(data)
            case (1, 0xA):
                guard stack.count < Self.maximumPushDepth else { throw HandsetError("HID Push nested too deep") }
                stack.append(globals)
            case (1, 0xB):
                guard let saved = stack.popLast() else { throw HandsetError("HID Pop without Push") }
                globals = saved
            case (2, 0x0):
                if usages.count < Self.maximumFields { usages.append(LocalUsage(value: data, extended: size == 4)) }
            case (2, 0x1):
                usageMinimum = LocalUsage(value: data, extended: size == 4)
            case (2, 0x2):
                usageMaximum = LocalUsage(value: data, extended: size == 4)
            default:
                break
            }
        }
        guard depth == 0 else { throw HandsetError("HID Collection not closed") }
    }

    /// The first Variable input field for `usage` on `page`.
    func inputField(page: UInt16, usage: UInt16) -> Field? {
        inputFields.first { $0.usagePage == page && $0.usage == usage }
    }

    /// Usages are assigned in order; the last repeats for the remaining positions (HID 1.11 §6.2.2.8).
    private static func usage(at position: Int, _ usages: [LocalUsage], _ minimum: LocalUsage?, _ maximum: LocalUsage?) -> LocalUsage? {
        if let last = usages.last { return position < usages.count ? usages[position] : last }
        guard let minimum else { return nil }
        let top = maximum?.value ?? minimum.value
        let value = minimum.value &+ UInt32(position)
        return LocalUsage(value: min(value, top), extended: minimum.extended)
    }
}
