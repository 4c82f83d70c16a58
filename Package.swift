// swift-tools-version:6.0
// Callbox: one Swift package, one binary. The layout follows DESIGN.md §3.
import PackageDescription

/// A C library from Debian, found through pkg-config, wrapped once in a module map.
func system(_ name: String, _ pkgConfig: String, _ apt: String) -> Target {
    .systemLibrary(name: name, pkgConfig: pkgConfig, providers: [.apt([apt])])
}

let package = Package(
    name: "Callbox",
    products: [
        .executable(name: "callbox", targets: ["callbox"]),
    ],
    targets: [
        system("CMicroHTTPD", "libmicrohttpd", "libmicrohttpd-dev"),
        system("COpus", "opus", "libopus-dev"),
        system("CALSA", "alsa", "libasound2-dev"),
        system("CSQLite", "sqlite3", "libsqlite3-dev"),
        system("CCurl", "libcurl", "libcurl4-openssl-dev"),
        system("COpenSSL", "openssl", "libssl-dev"),
        system("CSRTP", "libsrtp2", "libsrtp2-dev"),
        .target(name: "CShims", dependencies: ["CMicroHTTPD", "CCurl", "CSQLite", "COpus", "COpenSSL", "CSRTP", "CALSA"]),

        .target(name: "CallCore"),
        .target(name: "Config", dependencies: ["CallCore"], resources: [
            .embedInCode("Embedded/Board/simulated.conf"),
            .embedInCode("Embedded/Board/usb-handset.conf"),
            .embedInCode("Embedded/Provisioning/demo.conf"),
        ]),
        .target(name: "Runtime", dependencies: ["CMicroHTTPD", "CCurl", "CShims", "COpenSSL"]),
        .target(name: "WhatsApp", dependencies: ["CallCore", "Runtime", "COpenSSL"]),
        .target(name: "Journal", dependencies: ["CSQLite", "CShims", "CallCore"]),
        .target(name: "HubSpot", dependencies: ["Runtime"]),
        .target(name: "Media", dependencies: ["COpenSSL", "CSRTP", "COpus", "CShims", "Runtime"]),
        .target(name: "Handset", dependencies: ["CALSA", "CShims", "Media", "Runtime", "Config"]),
        // The widget and the host simulator are compiled in: the binary is the whole appliance.
        .target(name: "Callbox", dependencies: ["CallCore", "Config", "Runtime", "WhatsApp", "Journal", "HubSpot", "Media", "Handset", "COpenSSL"],
                resources: [.embedInCode("Widget")]),
        .executableTarget(name: "callbox", dependencies: ["Callbox"]),

        .testTarget(name: "CallCoreTests", dependencies: ["CallCore"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime"]),
        .testTarget(name: "WhatsAppTests", dependencies: ["WhatsApp"]),
        .testTarget(name: "HubSpotTests", dependencies: ["HubSpot"]),
        .testTarget(name: "JournalTests", dependencies: ["Journal"]),
        .testTarget(name: "MediaTests", dependencies: ["Media"]),
        .testTarget(name: "HandsetTests", dependencies: ["Handset"]),
        .testTarget(name: "CallboxTests", dependencies: ["Callbox"]),

        // libFuzzer targets: `swift build --product X --sanitize=fuzzer -Xswiftc -DFUZZING`.
        // Built normally they replay the files named on the command line (the seed corpus).
        .target(name: "FuzzReplay", path: "Tests/Fuzz/FuzzReplay"),
        .executableTarget(name: "WebhookFuzz", dependencies: ["WhatsApp", "FuzzReplay"], path: "Tests/Fuzz/WebhookFuzz"),
        .executableTarget(name: "ConfigFuzz", dependencies: ["Config", "FuzzReplay"], path: "Tests/Fuzz/ConfigFuzz"),
        .executableTarget(name: "SDPFuzz", dependencies: ["Media", "FuzzReplay"], path: "Tests/Fuzz/SDPFuzz"),
        .executableTarget(name: "STUNFuzz", dependencies: ["Media", "FuzzReplay"], path: "Tests/Fuzz/STUNFuzz"),
        .executableTarget(name: "RTPFuzz", dependencies: ["Media", "FuzzReplay"], path: "Tests/Fuzz/RTPFuzz"),

        // Benchmarks print figures; they never fail a build on timing.
        .target(name: "AllocationCounter", path: "Tests/Performance/AllocationCounter"),
        .executableTarget(name: "CallCoreBench", dependencies: ["CallCore", "AllocationCounter"], path: "Tests/Performance/CallCoreBench"),
        .executableTarget(name: "JournalBench", dependencies: ["Journal"], path: "Tests/Performance/JournalBench"),
        .executableTarget(name: "MediaBench", dependencies: ["Media"], path: "Tests/Performance/MediaBench"),
    ]
)
