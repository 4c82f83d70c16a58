import CShims

/// The key or switch an input device reports for the hook (`evdev:PATH:KEY`).
///
/// Names: `KEY_PHONE`, `KEY_PICKUP_PHONE`, `BTN_0` … `BTN_9` (EV_KEY) and `SW_LID`,
/// `SW_HEADPHONE_INSERT`, `SW_MICROPHONE_INSERT`, `SW_DOCK`, `SW_JACK_PHYSICAL_INSERT`
/// (EV_SW), from linux/input-event-codes.h. A decimal number is an EV_KEY code.
/// Value 1 (pressed / switch set) is off-hook, 0 is on-hook; key auto-repeat (2) changes nothing.
struct EvdevHookKey: Hashable, Sendable {
    let type: UInt16
    let code: UInt16

    static let namedKeys: [String: Int32] = {
        var names: [String: Int32] = ["KEY_PHONE": KEY_PHONE, "KEY_PICKUP_PHONE": KEY_PICKUP_PHONE]
        for digit in 0...9 { names["BTN_\(digit)"] = BTN_0 + Int32(digit) }
        return names
    }()
    static let namedSwitches: [String: Int32] = [
        "SW_LID": SW_LID, "SW_HEADPHONE_INSERT": SW_HEADPHONE_INSERT, "SW_MICROPHONE_INSERT": SW_MICROPHONE_INSERT,
        "SW_DOCK": SW_DOCK, "SW_JACK_PHYSICAL_INSERT": SW_JACK_PHYSICAL_INSERT,
    ]

    static func parse(_ text: String) -> EvdevHookKey? {
        if let code = namedKeys[text] { return EvdevHookKey(type: UInt16(EV_KEY), code: UInt16(code)) }
        if let code = namedSwitches[text] { return EvdevHookKey(type: UInt16(EV_SW), code: UInt16(code)) }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let code = Int(text), code <= Int(KEY_MAX) else { return nil }
        return EvdevHookKey(type: UInt16(EV_KEY), code: UInt16(code))
    }

    /// The device's current state of this key or switch (EVIOCGKEY / EVIOCGSW), nil when
    /// the descriptor cannot tell (not an input device).
    func currentState(of descriptor: Int32) -> HookState? {
        let isSwitch = type == UInt16(EV_SW)
        var bits = [UInt8](repeating: 0, count: Int(isSwitch ? SW_MAX : KEY_MAX) / 8 + 1)
        let size = bits.count
        let result = bits.withUnsafeMutableBufferPointer { buffer in
            isSwitch ? cb_evdev_switch_state(descriptor, buffer.baseAddress, size) : cb_evdev_key_state(descriptor, buffer.baseAddress, size)
        }
        guard result >= 0, Int(code) / 8 < bits.count else { return nil }
        return bits[Int(code) / 8] & (1 << (code % 8)) != 0 ? .offHook : .onHook
    }
}

/// Decodes `struct input_event` records for one key or switch.
struct EvdevHookDecoder: HookDecoding {
    static let recordSize = MemoryLayout<input_event>.size

    let key: EvdevHookKey
    private var records = RecordAssembler(recordSize: EvdevHookDecoder.recordSize)

    init(key: EvdevHookKey) { self.key = key }

    mutating func decode(_ bytes: UnsafeRawBufferPointer, _ emit: (HookInput) -> Void) {
        let key = key
        records.add(bytes) { record in
            let event = record.loadUnaligned(as: input_event.self)
            guard event.type == key.type, event.code == key.code else { return }
            switch event.value {
            case 0: emit(.state(.onHook))
            case 1: emit(.state(.offHook))
            default: break
            }
        }
    }
}
