import Testing
@testable import Config

@Suite struct BoardProfileTests {
    private func problems(_ text: String) -> [String] {
        guard case .failure(let problems) = BoardProfile.parse(bytes: Array(text.utf8), file: "board.conf", dataDirectory: "/var/lib/callbox") else {
            return []
        }
        return problems.all.map(\.description)
    }

    @Test func simulatedBoard() throws {
        let profile = try BoardProfile.parse(bytes: BuiltInBoards.text(named: "simulated") ?? [], file: "sim", dataDirectory: "/data").get()
        #expect(profile.audio.playback == .rawFile("/data/speaker.raw"))
        #expect(profile.audio.capture == .rawFile("/data/mic.raw"))
        #expect(profile.audio.rate == 48_000 && profile.audio.channels == 1)
        #expect(profile.audio.period == .milliseconds(20) && profile.audio.buffer == .milliseconds(80))
        #expect(profile.audio.pacing == .clock)
        #expect(profile.hook == .fifo(path: "/data/hook"))
        #expect(profile.ringer == .none)
        #expect(profile.audio.playback.alsaDefinition(name: "callbox_playback", direction: .playback)
                == #"pcm.callbox_playback { type file slave.pcm null file "/data/speaker.raw" format raw }"#)
        #expect(profile.audio.capture.alsaDefinition(name: "callbox_capture", direction: .capture)
                == #"pcm.callbox_capture { type file slave.pcm null file "/dev/null" infile "/data/mic.raw" format raw }"#)
    }

    @Test func usbHandsetBoard() throws {
        let profile = try BoardProfile.parse(bytes: BuiltInBoards.text(named: "usb-handset") ?? [], file: "usb", dataDirectory: "/data").get()
        #expect(profile.audio.playback == .pcm("plughw:CARD=Device,DEV=0"))
        #expect(profile.audio.capture.alsaDefinition(name: "x", direction: .capture) == nil)
        #expect(profile.audio.pacing == .device)
        #expect(profile.hook == .hidraw(path: "/dev/hidraw0"))
        #expect(profile.ringer == .alsa(pcm: "plughw:CARD=Device,DEV=0"))
    }

    @Test func defaults() throws {
        let profile = try BoardProfile.parse(bytes: Array("[audio]\nplayback = default\ncapture = default\n".utf8), file: "b", dataDirectory: "/d").get()
        #expect(profile.audio == AudioProfile(playback: .pcm("default"), capture: .pcm("default"), rate: 48_000, channels: 1,
                                              period: .milliseconds(20), buffer: .milliseconds(80), pacing: .device))
        #expect(profile.hook == .none && profile.ringer == .none)
    }

    @Test func hookSources() throws {
        func hook(_ text: String) throws -> HookSource { try HookSource.parse(text, dataDirectory: "/d").get() }
        #expect(try hook("evdev:/dev/input/by-path/platform-usb-0:1:1.3-event:KEY_PHONE")
                == .evdev(path: "/dev/input/by-path/platform-usb-0:1:1.3-event", key: "KEY_PHONE"))
        #expect(try hook("evdev:/dev/input/event3:169") == .evdev(path: "/dev/input/event3", key: "169"))
        #expect(try hook("gpio:gpiochip0:17:active_low") == .gpio(GPIOLine(chip: "/dev/gpiochip0", line: 17, activeLow: true)))
        #expect(try hook("gpio:/dev/gpiochip1:4") == .gpio(GPIOLine(chip: "/dev/gpiochip1", line: 4, activeLow: false)))
        #expect(try hook("fifo:run/hook") == .fifo(path: "/d/run/hook"))
        for bad in ["evdev:/dev/input/event3", "evdev::KEY_PHONE", "gpio:gpiochip0", "gpio:gpiochip0:x", "gpio:c:1:active_high", "fifo:", "serial:/dev/ttyS0"] {
            #expect(throws: ValueProblem.self, "\(bad)") { try hook(bad) }
        }
    }

    @Test func errorsWithLines() {
        let text = """
            [audio]
            playback = file:out.raw
            capture = default
            rate = 44100
            period = 20ms
            buffer = 30ms
            pacing = device
            volume = 11
            [hook]
            source = serial:/dev/ttyS0
            [ringer]
            output = bell
            [led]

            """
        #expect(problems(text) == [
            "board.conf:4: bad value '44100' for 'rate' in [audio]: expected one of 8000, 12000, 16000, 24000, 48000",
            "board.conf:6: buffer (30ms) must hold at least 2 periods (40ms)",
            "board.conf:7: pacing must be clock when playback or capture is a file: ALSA's file plugin over null does not pace",
            "board.conf:8: unknown key 'volume' in [audio]",
            "board.conf:10: bad value 'serial:/dev/ttyS0' for 'source' in [hook]: expected evdev:PATH:KEY, hidraw:PATH, gpio:CHIP:LINE[:active_low], fifo:PATH or none",
            "board.conf:12: bad value 'bell' for 'output' in [ringer]: expected alsa:PCM, gpio:CHIP:LINE[:active_low] or none",
            "board.conf:13: unknown section [led]",
        ])
        #expect(problems("[hook]\nsorce = none\n") == [
            "board.conf:1: missing required key 'playback' in [audio]",
            "board.conf:1: missing required key 'capture' in [audio]",
            "board.conf:2: unknown key 'sorce' in [hook]; did you mean 'source'?",
        ])
    }

    @Test func boardReferenceFromConfig() throws {
        let folder = TempFolder()
        folder.write("boards/desk.conf", "[audio]\nplayback = hw:0\ncapture = hw:0\n[hook]\nsource = fifo:hook\n")
        let config = sandboxConfig.replacingFirst("data_dir = data", with: "data_dir = /srv/callbox\nboard = boards/desk.conf")
        let loaded = try folder.load(config).get()
        #expect(loaded.box.board == .file(folder.path + "/boards/desk.conf"))
        #expect(loaded.board?.hook == .fifo(path: "/srv/callbox/hook"))
        #expect(loaded.board?.source == folder.path + "/boards/desk.conf")

        let typo = sandboxConfig.replacingFirst("data_dir = data", with: "data_dir = data\nboard = simulatd")
        #expect(folder.problems(typo) == [
            "callbox.conf:4: bad value 'simulatd' for 'board' in [box]: expected a built-in board (simulated, usb-handset) or the path of a profile file; did you mean 'simulated'?",
        ])
        let missing = sandboxConfig.replacingFirst("data_dir = data", with: "data_dir = data\nboard = /nonexistent/b.conf")
        #expect(folder.problems(missing) == ["/nonexistent/b.conf:1: cannot read: No such file or directory"])
        folder.write("bad.conf", "[audio]\nplayback = x\n")
        let bad = sandboxConfig.replacingFirst("data_dir = data", with: "data_dir = data\nboard = bad.conf")
        #expect(folder.problems(bad) == ["bad.conf:1: missing required key 'capture' in [audio]"])
    }
}
