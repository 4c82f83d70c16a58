/// Decodes hidraw input reports (one per read) for the Telephony Hook Switch field.
///
/// An Absolute field is the hook's position: 1 off-hook, 0 on-hook. A Relative field
/// (a device that sends a press on each lift and each hang-up) toggles the hook on each
/// 0→1 edge.
struct HIDHookDecoder: HookDecoding {
    let field: HIDReportDescriptor.Field
    let numbersReports: Bool
    private var pressed = false

    init(descriptor: HIDReportDescriptor) throws(HandsetError) {
        guard let field = descriptor.inputField(page: HIDReportDescriptor.telephonyPage, usage: HIDReportDescriptor.hookSwitchUsage) else {
            throw HandsetError("the HID device reports no Telephony Hook Switch (usage page 0x0B, usage 0x20) input")
        }
        self.field = field
        numbersReports = descriptor.numbersReports
    }

    mutating func decode(_ bytes: UnsafeRawBufferPointer, _ emit: (HookInput) -> Void) {
        var data = bytes[...]
        if numbersReports {
            guard data.first == field.reportID else { return }
            data = data.dropFirst()
        }
        guard let value = Self.bits(UnsafeRawBufferPointer(rebasing: data), offset: field.bitOffset, size: field.bitSize) else { return }
        let isPressed = value != 0
        if field.isRelative {
            if isPressed && !pressed { emit(.toggle) }
        } else {
            emit(.state(isPressed ? .offHook : .onHook))
        }
        pressed = isPressed
    }

    /// The little-endian bit field at `offset`, nil when the report is too short for it.
    static func bits(_ data: UnsafeRawBufferPointer, offset: Int, size: Int) -> UInt64? {
        guard size > 0, offset >= 0, offset + size <= data.count * 8 else { return nil }
        var value: UInt64 = 0
        for bit in 0..<min(size, 64) {
            let position = offset + bit
            if data[position / 8] & (1 << (position % 8)) != 0 { value |= 1 << UInt64(bit) }
        }
        return value
    }
}
