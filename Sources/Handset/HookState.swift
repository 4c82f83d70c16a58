/// The handset's hook switch: lifted (off-hook) or hung up (on-hook).
public enum HookState: String, Hashable, Sendable {
    case onHook
    case offHook
}

/// What a hook source's bytes say: a definite position, or "it moved" from a device that
/// reports a press on each lift and each hang-up (HID Relative / one-shot hook switches).
enum HookInput: Hashable, Sendable {
    case state(HookState)
    case toggle
}

/// Turns the bytes of one read(2) from a hook source into hook inputs. Each source kind
/// has one; `HookSwitch` owns the descriptor and the event-loop watch.
protocol HookDecoding {
    mutating func decode(_ bytes: UnsafeRawBufferPointer, _ emit: (HookInput) -> Void)
}

/// Fixed-size kernel records (evdev `input_event`, GPIO `gpio_v2_line_event`) reassembled
/// from reads, so a record split across two reads (a pipe standing in for the device) is
/// still decoded once.
struct RecordAssembler {
    let recordSize: Int
    private var pending: [UInt8] = []

    init(recordSize: Int) {
        self.recordSize = recordSize
        pending.reserveCapacity(recordSize)
    }

    mutating func add(_ bytes: UnsafeRawBufferPointer, _ record: (UnsafeRawBufferPointer) -> Void) {
        var rest = bytes[...]
        if !pending.isEmpty {
            let needed = recordSize - pending.count
            pending.append(contentsOf: rest.prefix(needed))
            rest = rest.dropFirst(needed)
            guard pending.count == recordSize else { return }
            pending.withUnsafeBytes { record($0) }
            pending.removeAll(keepingCapacity: true)
        }
        while rest.count >= recordSize {
            record(UnsafeRawBufferPointer(rebasing: rest.prefix(recordSize)))
            rest = rest.dropFirst(recordSize)
        }
        pending.append(contentsOf: rest)
    }
}
