import CShims
import Config
import Glibc
import Runtime

/// The handset's hook switch, read on the event loop (no thread): whichever source the
/// board profile names, each change of position is reported once, in order, to `onChange`.
///
/// Sources (`[hook] source`):
/// * `fifo:PATH`: created (mode 0660) if missing and opened read-write, so it never reads
///   end-of-file as writers come and go; lines `offhook` / `onhook`.
/// * `evdev:PATH:KEY`: `input_event`s of one key or switch (see `EvdevHookKey`).
/// * `hidraw:PATH`: input reports, decoded with the device's report descriptor.
/// * `gpio:CHIP:LINE[:active_low]`: debounced edge events of one input line.
/// * `none`: always on-hook.
///
/// The initial position is read from the device where it can tell (evdev key/switch
/// state, GPIO line value); otherwise the handset is assumed on-hook until it reports.
public final class HookSwitch {
    public private(set) var state: HookState
    /// The source, for logs.
    public let name: String
    /// Whether the source is still being read (false after it vanished, e.g. unplugged, or `close`).
    public var isOpen: Bool { descriptor >= 0 }

    private var descriptor: Int32
    private var decoder: any HookDecoding
    private let loop: EventLoop
    private let logger: Logger
    private let onChange: (HookState) -> Void
    private let buffer: UnsafeMutableRawBufferPointer

    /// One read takes at most this much; evdev, GPIO and hidraw records are far smaller.
    static let readBytes = 4_096
    /// A FIFO the installer's scripts and the box's user (its group) may write.
    static let fifoMode: mode_t = 0o660
    static let gpioConsumer = "callbox-hook"

    /// Opens `source` and starts watching it on `loop`.
    public static func open(_ source: HookSource, loop: EventLoop, logger: Logger = Logger("hook"),
                            onChange: @escaping (HookState) -> Void) throws(HandsetError) -> HookSwitch {
        switch source {
        case .none:
            return HookSwitch(descriptor: -1, decoder: FifoHookDecoder(logger: logger), initial: .onHook, name: "none",
                              loop: loop, logger: logger, onChange: onChange)
        case .fifo(let path):
            let descriptor = try openFifo(path)
            return HookSwitch(descriptor: descriptor, decoder: FifoHookDecoder(logger: logger), initial: .onHook,
                              name: "fifo:\(path)", loop: loop, logger: logger, onChange: onChange)
        case .evdev(let path, let keyName):
            guard let key = EvdevHookKey.parse(keyName) else { throw HandsetError("unknown evdev key \(keyName)") }
            let descriptor = try openDevice(path)
            return HookSwitch(descriptor: descriptor, decoder: EvdevHookDecoder(key: key), initial: key.currentState(of: descriptor) ?? .onHook,
                              name: "evdev:\(path):\(keyName)", loop: loop, logger: logger, onChange: onChange)
        case .hidraw(let path):
            let descriptor = try openDevice(path)
            do {
                let decoder = try HIDHookDecoder(descriptor: HIDReportDescriptor(bytes: try hidDescriptor(descriptor, path: path)))
                return HookSwitch(descriptor: descriptor, decoder: decoder, initial: .onHook, name: "hidraw:\(path)",
                                  loop: loop, logger: logger, onChange: onChange)
            } catch {
                Glibc.close(descriptor)
                throw HandsetError("\(path): \(error)")
            }
        case .gpio(let line):
            let descriptor = try GPIOLineRequest.request(line, output: false, consumer: gpioConsumer,
                                                         debounceMicroseconds: GPIOLineRequest.hookDebounceMicroseconds)
            let value = cb_gpio_get_value(descriptor)
            return HookSwitch(descriptor: descriptor, decoder: GPIOHookDecoder(), initial: value == 1 ? .offHook : .onHook,
                              name: "gpio:\(line.chip):\(line.line)", loop: loop, logger: logger, onChange: onChange)
        }
    }

    /// Watches an already open `descriptor` (made non-blocking here), which it now owns;
    /// tests pass a pipe or socket pair standing in for the device.
    init(descriptor: Int32, decoder: any HookDecoding, initial: HookState, name: String, loop: EventLoop, logger: Logger,
         onChange: @escaping (HookState) -> Void) {
        self.descriptor = descriptor
        self.decoder = decoder
        state = initial
        self.name = name
        self.loop = loop
        self.logger = logger
        self.onChange = onChange
        buffer = .allocate(byteCount: Self.readBytes, alignment: MemoryLayout<UInt64>.alignment)
        guard descriptor >= 0 else { return }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        loop.watch(descriptor, for: .readable) { [weak self] _ in self?.readAvailable() }
    }

    deinit {
        close()
        buffer.deallocate()
    }

    /// Stops watching and closes the source. Safe to call twice.
    public func close() {
        guard descriptor >= 0 else { return }
        loop.unwatch(descriptor)
        Glibc.close(descriptor)
        descriptor = -1
    }

    private func readAvailable() {
        while descriptor >= 0 {
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count > 0 {
                decoder.decode(UnsafeRawBufferPointer(rebasing: buffer[..<count])) { apply($0) }
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            // End of file or an error such as ENODEV: the device is gone. Reading on would spin.
            let reason = count == 0 ? "end of file" : String(cString: strerror(errno))
            logger.error("hook source stopped; the handset's hook is no longer read", ["source": name, "reason": reason])
            close()
        }
    }

    private func apply(_ input: HookInput) {
        let next: HookState
        switch input {
        case .state(let reported): next = reported
        case .toggle: next = state == .onHook ? .offHook : .onHook
        }
        guard next != state else { return }
        state = next
        onChange(next)
    }

    private static func openFifo(_ path: String) throws(HandsetError) -> Int32 {
        if mkfifo(path, fifoMode) == 0 {
            // mkfifo applies the umask; the group must be able to write.
            _ = chmod(path, fifoMode)
        } else if errno != EEXIST {
            throw HandsetError.system("cannot create hook FIFO \(path)", code: errno)
        }
        var status = stat()
        guard stat(path, &status) == 0 else { throw HandsetError.system("cannot read hook FIFO \(path)", code: errno) }
        guard status.st_mode & S_IFMT == S_IFIFO else { throw HandsetError("\(path) exists and is not a FIFO") }
        // Read-write: the FIFO always has a writer (us), so readers never see end-of-file.
        let descriptor = Glibc.open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw HandsetError.system("cannot open hook FIFO \(path)", code: errno) }
        return descriptor
    }

    private static func openDevice(_ path: String) throws(HandsetError) -> Int32 {
        let descriptor = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw HandsetError.system("cannot open hook device \(path)", code: errno) }
        return descriptor
    }

    private static func hidDescriptor(_ descriptor: Int32, path: String) throws(HandsetError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: HIDReportDescriptor.maximumSize)
        let capacity = bytes.count
        let size = bytes.withUnsafeMutableBufferPointer { cb_hidraw_get_descriptor(descriptor, $0.baseAddress, capacity) }
        guard size >= 0 else { throw HandsetError.system("cannot read the HID report descriptor of \(path)", code: size) }
        return Array(bytes.prefix(Int(size)))
    }
}
