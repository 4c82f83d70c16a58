import CShims
import Config
import Glibc

/// Decodes `struct gpio_v2_line_event` records of a hook line requested with both edges.
/// Edges are logical (the request carries the active-low flag): rising, inactive→active,
/// is off-hook; falling is on-hook.
struct GPIOHookDecoder: HookDecoding {
    static let recordSize = MemoryLayout<gpio_v2_line_event>.size

    private var records = RecordAssembler(recordSize: GPIOHookDecoder.recordSize)

    mutating func decode(_ bytes: UnsafeRawBufferPointer, _ emit: (HookInput) -> Void) {
        records.add(bytes) { record in
            let event = record.loadUnaligned(as: gpio_v2_line_event.self)
            switch event.id {
            case UInt32(GPIO_V2_LINE_EVENT_RISING_EDGE.rawValue): emit(.state(.offHook))
            case UInt32(GPIO_V2_LINE_EVENT_FALLING_EDGE.rawValue): emit(.state(.onHook))
            default: break
            }
        }
    }
}

/// Requests one line of a GPIO chip through the character device's uAPI v2.
enum GPIOLineRequest {
    /// Contacts of a hook switch bounce for a few milliseconds; the kernel debounces the
    /// line (in hardware, or in gpiolib-cdev's own software debouncer, which every kernel
    /// with uAPI v2 has), so only settled edges arrive.
    static let hookDebounceMicroseconds: UInt32 = 20_000

    /// Returns the line's descriptor. `output`: driven, starting inactive; otherwise an
    /// input reporting both edges, debounced by `debounceMicroseconds`.
    static func request(_ line: GPIOLine, output: Bool, consumer: String, debounceMicroseconds: UInt32 = 0) throws(HandsetError) -> Int32 {
        let chip = open(line.chip, O_RDONLY | O_CLOEXEC)
        guard chip >= 0 else { throw HandsetError.system("cannot open GPIO chip \(line.chip)", code: errno) }
        defer { close(chip) }
        var flags = output ? UInt64(GPIO_V2_LINE_FLAG_OUTPUT.rawValue)
            : UInt64(GPIO_V2_LINE_FLAG_INPUT.rawValue) | UInt64(GPIO_V2_LINE_FLAG_EDGE_RISING.rawValue) | UInt64(GPIO_V2_LINE_FLAG_EDGE_FALLING.rawValue)
        if line.activeLow { flags |= UInt64(GPIO_V2_LINE_FLAG_ACTIVE_LOW.rawValue) }
        let descriptor = cb_gpio_request_line(chip, UInt32(line.line), flags, output ? 0 : debounceMicroseconds, consumer)
        guard descriptor >= 0 else {
            throw HandsetError.system("cannot request line \(line.line) of GPIO chip \(line.chip)", code: descriptor)
        }
        return descriptor
    }
}
