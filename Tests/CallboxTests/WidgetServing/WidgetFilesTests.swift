import Config
import Glibc
import Runtime
import Testing
@testable import Callbox

/// The embedded widget: every file in `Sources/Callbox/Widget` is served, byte for byte,
/// and SwiftPM's flattened names do not collide.
@Suite struct WidgetFilesTests {
    static let folder = SourceTree.daemon + "/Widget"

    static func names(in folder: String) -> [String] {
        SourceTree.entries(folder).filter { $0 != "dev" }
    }

    @Test func everyFileInTheFolderIsServedWithItsBytes() {
        let widget = Self.names(in: Self.folder)
        let simulator = Self.names(in: Self.folder + "/dev")
        #expect(widget.count >= 3)
        #expect(widget == WidgetFiles.widget.keys.sorted(), "add a row to WidgetFiles.widget for each new file")
        #expect(simulator == WidgetFiles.hostSimulator.keys.sorted(), "add a row to WidgetFiles.hostSimulator")
        for name in widget { #expect(WidgetFiles.widget[name]?.bytes == FileContents.read(Self.folder + "/" + name), "\(name)") }
        for name in simulator {
            #expect(WidgetFiles.hostSimulator[name]?.bytes == FileContents.read(Self.folder + "/dev/" + name), "\(name)")
        }
        #expect(Set(widget).isDisjoint(with: simulator), "SwiftPM names embedded files by base name only")
    }

    @Test func contentTypes() {
        #expect(WidgetFiles.contentType(of: "index.html") == "text/html; charset=utf-8")
        #expect(WidgetFiles.contentType(of: "app.js") == "text/javascript; charset=utf-8")
        #expect(WidgetFiles.contentType(of: "styles.css") == "text/css; charset=utf-8")
        #expect(WidgetFiles.contentType(of: "README") == "application/octet-stream")
    }

    @Test func ifNoneMatchUsesTheWeakComparison() {
        let tag = WidgetServer.etag(Array("hello".utf8))
        #expect(tag.count == 34 && tag.first == "\"" && tag.last == "\"")
        #expect(WidgetServer.matches(tag, tag))
        #expect(WidgetServer.matches("\"other\", W/\(tag)", tag))
        #expect(WidgetServer.matches("*", tag))
        #expect(!WidgetServer.matches("\"other\"", tag))
        #expect(WidgetServer.etag(Array("hello!".utf8)) != tag)
    }
}
