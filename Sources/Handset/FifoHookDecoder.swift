import Runtime

/// The simulated board's hook: text lines `offhook` / `onhook` (any case, surrounding
/// blanks ignored) written to a FIFO. Anything else is logged and ignored.
struct FifoHookDecoder: HookDecoding {
    /// Longer lines are not commands; they are dropped whole rather than buffered.
    static let maximumLineBytes = 64

    let logger: Logger
    private var line: [UInt8] = []
    private var discarding = false

    init(logger: Logger) {
        self.logger = logger
        line.reserveCapacity(Self.maximumLineBytes)
    }

    mutating func decode(_ bytes: UnsafeRawBufferPointer, _ emit: (HookInput) -> Void) {
        for byte in bytes {
            guard byte != UInt8(ascii: "\n") else {
                if discarding {
                    logger.warning("hook line too long; ignored", ["limit": String(Self.maximumLineBytes)])
                } else if let input = Self.command(line) {
                    emit(input)
                } else if !Self.trimmed(line).isEmpty {
                    logger.warning("unknown hook line ignored; expected offhook or onhook",
                                   ["line": String(decoding: Self.trimmed(line).prefix(Self.maximumLineBytes), as: UTF8.self)])
                }
                line.removeAll(keepingCapacity: true)
                discarding = false
                continue
            }
            if line.count == Self.maximumLineBytes { discarding = true }
            if !discarding { line.append(byte) }
        }
    }

    static func command(_ line: [UInt8]) -> HookInput? {
        let word = String(decoding: trimmed(line), as: UTF8.self).lowercased()
        switch word {
        case "offhook": return .state(.offHook)
        case "onhook": return .state(.onHook)
        default: return nil
        }
    }

    static func trimmed(_ line: [UInt8]) -> ArraySlice<UInt8> {
        let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
        var slice = line[...]
        while let first = slice.first, blank(first) { slice = slice.dropFirst() }
        while let last = slice.last, blank(last) { slice = slice.dropLast() }
        return slice
    }
}
