import CShims
import Glibc
import Runtime
import Testing
@testable import Handset

/// Collects what a hook switch reports on a loop.
final class HookRecorder {
    let loop = EventLoop()
    var states: [HookState] = []

    /// Runs the loop until nothing more arrives for a moment.
    func settle() {
        for _ in 0..<5 { loop.runOnce(maximumWait: 10) }
    }
}

func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
    bytes.withUnsafeBytes { _ = write(descriptor, $0.baseAddress, $0.count) }
}

func writeText(_ descriptor: Int32, _ text: String) { writeAll(descriptor, Array(text.utf8)) }

func bytes<T>(of value: T) -> [UInt8] {
    withUnsafeBytes(of: value) { Array($0) }
}

/// A pipe standing in for a device: (read end, write end).
func makePipe() -> (Int32, Int32) {
    var ends: [Int32] = [0, 0]
    _ = pipe(&ends)
    return (ends[0], ends[1])
}

@Suite struct FifoHookTests {
    @Test func linesFromComingAndGoingWritersLiftAndHangUp() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("hook")
        let recorder = HookRecorder()
        let hook = try HookSwitch.open(.fifo(path: path), loop: recorder.loop) { recorder.states.append($0) }
        defer { hook.close() }
        #expect(hook.state == .onHook)
        var status = stat()
        #expect(stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO)
        #expect(status.st_mode & 0o777 == 0o660)

        var writer = open(path, O_WRONLY | O_NONBLOCK)
        writeText(writer, "  OffHook \r\n")
        recorder.settle()
        #expect(recorder.states == [.offHook])
        writeText(writer, "offhook\nbanana\n\n")
        recorder.settle()
        #expect(recorder.states == [.offHook], "a repeated position and unknown lines change nothing")
        close(writer)
        recorder.settle()
        #expect(hook.isOpen, "a writer leaving is not end-of-file")

        writer = open(path, O_WRONLY | O_NONBLOCK)
        writeText(writer, "on")
        recorder.settle()
        #expect(recorder.states == [.offHook])
        writeText(writer, "hook\nOFFHOOK\n" + String(repeating: "x", count: 200) + "onhook\n")
        recorder.settle()
        #expect(recorder.states == [.offHook, .onHook, .offHook], "an overlong line is dropped whole")
        close(writer)

        writer = open(path, O_WRONLY | O_NONBLOCK)
        writeText(writer, "onhook\n")
        close(writer)
        recorder.settle()
        #expect(recorder.states == [.offHook, .onHook, .offHook, .onHook])
        #expect(hook.state == .onHook)
    }

    @Test func anExistingFifoIsReusedAndAPlainFileRefused() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let recorder = HookRecorder()
        #expect(mkfifo(directory.file("hook"), 0o600) == 0)
        let hook = try HookSwitch.open(.fifo(path: directory.file("hook")), loop: recorder.loop) { _ in }
        hook.close()
        hook.close()
        AudioFiles.write([1], to: directory.file("plain"))
        #expect(throws: HandsetError.self) {
            try HookSwitch.open(.fifo(path: directory.file("plain")), loop: recorder.loop) { _ in }
        }
        #expect(throws: HandsetError.self) {
            try HookSwitch.open(.fifo(path: "/nonexistent/callbox/hook"), loop: recorder.loop) { _ in }
        }
    }

    @Test func noneIsAlwaysOnHook() throws {
        let recorder = HookRecorder()
        let hook = try HookSwitch.open(.none, loop: recorder.loop) { recorder.states.append($0) }
        recorder.settle()
        #expect(hook.state == .onHook && !hook.isOpen && recorder.states.isEmpty)
    }
}

@Suite struct EvdevHookTests {
    static func event(type: Int32, code: Int32, value: Int32) -> [UInt8] {
        var event = input_event()
        event.type = UInt16(type)
        event.code = UInt16(code)
        event.value = value
        return bytes(of: event)
    }

    @Test func keyNamesAndNumbers() {
        #expect(EvdevHookKey.parse("KEY_PHONE") == EvdevHookKey(type: 1, code: 169))
        #expect(EvdevHookKey.parse("KEY_PICKUP_PHONE") == EvdevHookKey(type: 1, code: 0x1BD))
        #expect(EvdevHookKey.parse("BTN_3") == EvdevHookKey(type: 1, code: 0x103))
        #expect(EvdevHookKey.parse("SW_LID") == EvdevHookKey(type: 5, code: 0))
        #expect(EvdevHookKey.parse("SW_HEADPHONE_INSERT") == EvdevHookKey(type: 5, code: 2))
        #expect(EvdevHookKey.parse("169") == EvdevHookKey(type: 1, code: 169))
        for bad in ["KEY_NOPE", "", "-1", "99999", "0x10", "12a"] { #expect(EvdevHookKey.parse(bad) == nil, "\(bad)") }
    }

    @Test func keyPressIsOffHookReleaseIsOnHookOtherEventsIgnored() {
        let (reader, writer) = makePipe()
        defer { close(writer) }
        let recorder = HookRecorder()
        let key = EvdevHookKey.parse("KEY_PHONE")!
        #expect(key.currentState(of: reader) == nil, "a pipe is not an input device")
        let hook = HookSwitch(descriptor: reader, decoder: EvdevHookDecoder(key: key), initial: .onHook, name: "test",
                              loop: recorder.loop, logger: Logger("test")) { recorder.states.append($0) }
        let press = Self.event(type: EV_KEY, code: KEY_PHONE, value: 1)
        writeAll(writer, Self.event(type: EV_KEY, code: KEY_VOLUMEUP, value: 1) + Self.event(type: EV_SYN, code: SYN_REPORT, value: 0))
        writeAll(writer, Array(press[..<10]))
        recorder.settle()
        #expect(recorder.states.isEmpty)
        writeAll(writer, Array(press[10...]) + Self.event(type: EV_SYN, code: SYN_REPORT, value: 0))
        writeAll(writer, Self.event(type: EV_KEY, code: KEY_PHONE, value: 2))
        recorder.settle()
        #expect(recorder.states == [.offHook])
        writeAll(writer, Self.event(type: EV_SW, code: KEY_PHONE, value: 0) + Self.event(type: EV_KEY, code: KEY_PHONE, value: 0))
        recorder.settle()
        #expect(recorder.states == [.offHook, .onHook], "the same code of another event type is not the hook")
        hook.close()
    }

    @Test func aSwitchReportsItsPosition() {
        let (reader, writer) = makePipe()
        defer { close(writer) }
        let recorder = HookRecorder()
        let hook = HookSwitch(descriptor: reader, decoder: EvdevHookDecoder(key: EvdevHookKey.parse("SW_HEADPHONE_INSERT")!), initial: .offHook,
                              name: "test", loop: recorder.loop, logger: Logger("test")) { recorder.states.append($0) }
        writeAll(writer, Self.event(type: EV_SW, code: SW_HEADPHONE_INSERT, value: 0))
        recorder.settle()
        #expect(recorder.states == [.onHook] && hook.state == .onHook)
    }

    @Test func aVanishedDeviceStopsBeingReadWithoutSpinning() {
        let (reader, writer) = makePipe()
        let recorder = HookRecorder()
        let hook = HookSwitch(descriptor: reader, decoder: EvdevHookDecoder(key: EvdevHookKey.parse("KEY_PHONE")!), initial: .onHook,
                              name: "test", loop: recorder.loop, logger: Logger("test")) { recorder.states.append($0) }
        close(writer)
        recorder.settle()
        #expect(!hook.isOpen)
        #expect(hook.state == .onHook)
    }

    @Test func aMissingDeviceOrUnknownKeyIsReported() {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let gpio = AudioFiles.simulatedProfile(in: directory, hook: "gpio:/nonexistent/gpiochip9:3").hook
        let loop = EventLoop()
        #expect(throws: HandsetError.self) { try HookSwitch.open(.evdev(path: "/nonexistent/event0", key: "KEY_PHONE"), loop: loop) { _ in } }
        #expect(throws: HandsetError.self) { try HookSwitch.open(.evdev(path: "/dev/null", key: "KEY_NOPE"), loop: loop) { _ in } }
        #expect(throws: HandsetError.self) { try HookSwitch.open(.hidraw(path: "/dev/null"), loop: loop) { _ in } }
        #expect(throws: HandsetError.self) {
            try HookSwitch.open(gpio, loop: loop) { _ in }
        }
    }
}

@Suite struct GPIOHookTests {
    static func event(_ id: gpio_v2_line_event_id) -> [UInt8] {
        var event = gpio_v2_line_event()
        event.id = UInt32(id.rawValue)
        event.offset = 17
        return bytes(of: event)
    }

    @Test func risingEdgeIsOffHookFallingIsOnHook() {
        let (reader, writer) = makePipe()
        defer { close(writer) }
        let recorder = HookRecorder()
        let hook = HookSwitch(descriptor: reader, decoder: GPIOHookDecoder(), initial: .onHook, name: "test",
                              loop: recorder.loop, logger: Logger("test")) { recorder.states.append($0) }
        let rising = Self.event(GPIO_V2_LINE_EVENT_RISING_EDGE)
        writeAll(writer, Array(rising[..<20]))
        recorder.settle()
        #expect(recorder.states.isEmpty)
        writeAll(writer, Array(rising[20...]) + Self.event(GPIO_V2_LINE_EVENT_FALLING_EDGE) + Self.event(GPIO_V2_LINE_EVENT_RISING_EDGE))
        recorder.settle()
        #expect(recorder.states == [.offHook, .onHook, .offHook])
        #expect(GPIOHookDecoder.recordSize == 48)
        hook.close()
    }
}

@Suite struct HIDHookTests {
    /// A datagram socket pair: like hidraw, each read returns exactly one report.
    static func reportPair() -> (Int32, Int32) {
        var ends: [Int32] = [0, 0]
        _ = socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue), 0, &ends)
        return (ends[0], ends[1])
    }

    @Test func anAbsoluteHookSwitchInANumberedReport() throws {
        let (reader, writer) = Self.reportPair()
        defer { close(writer) }
        let recorder = HookRecorder()
        let decoder = try HIDHookDecoder(descriptor: HIDReportDescriptor(bytes: HIDDescriptors.jabraLike))
        let hook = HookSwitch(descriptor: reader, decoder: decoder, initial: .onHook, name: "test",
                              loop: recorder.loop, logger: Logger("test")) { recorder.states.append($0) }
        writeAll(writer, [0x01, 0x03])       // consumer report: volume keys, not the hook
        writeAll(writer, [0x02, 0b0000_0010]) // hook switch
        recorder.settle()
        #expect(recorder.states == [.offHook])
        writeAll(writer, [0x02, 0b0000_0011]) // mute pressed while off-hook
        writeAll(writer, [0x02])              // too short: ignored
        writeAll(writer, [0x02, 0b0000_0001]) // hung up
        recorder.settle()
        #expect(recorder.states == [.offHook, .onHook])
        hook.close()
    }

    @Test func aToggleHookSwitchFlipsOnEachPress() throws {
        let (reader, writer) = Self.reportPair()
        defer { close(writer) }
        let recorder = HookRecorder()
        let decoder = try HIDHookDecoder(descriptor: HIDReportDescriptor(bytes: HIDDescriptors.yealinkLikeToggle))
        let hook = HookSwitch(descriptor: reader, decoder: decoder, initial: .onHook, name: "test",
                              loop: recorder.loop, logger: Logger("test")) { recorder.states.append($0) }
        for report: [UInt8] in [[0x00, 0x01], [0x00, 0x01], [0x00, 0x00], [0xB3, 0x00], [0x00, 0x01], [0x00, 0x00], [0x00, 0x01]] {
            writeAll(writer, report)
        }
        recorder.settle()
        #expect(recorder.states == [.offHook, .onHook, .offHook], "one change per 0→1 edge, none while held")
        hook.close()
    }

    @Test func aDeviceWithoutAHookSwitchIsRefused() {
        #expect(throws: HandsetError.self) { try HIDHookDecoder(descriptor: HIDReportDescriptor(bytes: HIDDescriptors.keyboard)) }
    }
}
