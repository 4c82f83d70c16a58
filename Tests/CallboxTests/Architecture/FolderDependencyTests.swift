import Testing

/// The daemon's folders depend one way (README, "Architecture"). A folder may use the types of
/// the folders listed for it, and the shared files at the top (`ApiRequest`, `ApiResponse`,
/// `ErrorBody`, `TimeText`); a use of any other folder's type fails here, naming file and type.
/// A grep over declarations and names, comments left out: enough to keep the graph honest.
@Suite struct FolderDependencyTests {
    static let allowed: [String: Set<String>] = [
        "Wiring": ["API", "Calls", "CRM", "Events", "Intake", "Messaging", "Sandbox", "WidgetServing"],
        "API": ["Calls", "CRM", "Events", "Messaging"],
        "Sandbox": ["API", "Calls"],
        "WidgetServing": [],
        "Intake": ["Calls", "CRM", "Messaging"],
        "Events": ["Calls"],
        "Messaging": ["CRM"],
        "Calls": ["CRM"],
        "CRM": [],
    ]

    static let root = SourceTree.daemon

    static func entries(_ folder: String) -> [String] { SourceTree.entries(folder) }

    static func read(_ path: String) -> String { SourceTree.text(path) }

    /// The code without `//` comments and string literals, split into words.
    static func words(_ source: String) -> [Substring] {
        var code = ""
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            var inString = false
            var previous: Character = " "
            for character in line {
                if !inString && previous == "/" && character == "/" { code.removeLast(); break }
                previous = character
                if character == "\"" { inString.toggle(); code.append(" "); continue }
                code.append(inString ? " " : character)
            }
            code.append("\n")
        }
        return code.split { !($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// The types a file declares at its top level (nested ones, such as an `Entry`, stay
    /// their owner's).
    static func declaredTypes(_ source: String) -> [Substring] {
        let modifiers: Set<Substring> = ["public", "fileprivate", "private", "final", "indirect"]
        let kinds: Set<Substring> = ["class", "struct", "enum", "protocol", "typealias"]
        var names: [Substring] = []
        for line in source.split(separator: "\n") where line.first?.isLetter == true {
            let words = line.split(separator: " ").drop { modifiers.contains($0) }
            guard let kind = words.first, kinds.contains(kind), let name = words.dropFirst().first else { continue }
            names.append(name.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
        }
        return names
    }

    /// Folder → Swift files in it.
    static var folders: [String: [String]] {
        var found: [String: [String]] = [:]
        for name in entries(root) where allowed[name] != nil {
            found[name] = entries(root + "/" + name).filter { $0.hasSuffix(".swift") }.map { root + "/" + name + "/" + $0 }
        }
        return found
    }

    @Test func everyFolderIsInTheGraph() {
        let present = Set(Self.entries(Self.root).filter { !$0.contains(".") && $0 != "Widget" })
        #expect(present == Set(Self.allowed.keys), "a new folder needs its place in the graph, here and in the README")
    }

    @Test func typesAreUsedOnlyAlongTheGraph() {
        var owner: [Substring: String] = [:]
        for (folder, files) in Self.folders {
            for file in files {
                for name in Self.declaredTypes(Self.read(file)) { owner[name] = folder }
            }
        }
        #expect(owner["CallController"] == "Calls" && owner["ApiRouter"] == "API", "the scan finds declarations")
        var crossings: [String] = []
        for (folder, files) in Self.folders {
            for file in files {
                for word in Set(Self.words(Self.read(file))) {
                    guard let other = owner[word], other != folder, !(Self.allowed[folder] ?? []).contains(other) else { continue }
                    crossings.append("\(file.split(separator: "/").suffix(2).joined(separator: "/")) uses \(word) of \(other)")
                }
            }
        }
        #expect(crossings.sorted() == [])
    }

    @Test func theSharedFilesAtTheTopUseNoFolder() {
        let shared = Self.entries(Self.root).filter { $0.hasSuffix(".swift") && $0 != "Appliance.swift" }
        #expect(shared.sorted() == ["ApiRequest.swift", "ApiResponse.swift", "ErrorBody.swift", "TimeText.swift"])
        let owner = Set(Self.folders.values.joined().flatMap { Self.declaredTypes(Self.read($0)) })
        for file in shared {
            let used = Set(Self.words(Self.read(Self.root + "/" + file))).intersection(owner)
            #expect(used.isEmpty, "\(file) uses \(used.sorted())")
        }
    }
}
