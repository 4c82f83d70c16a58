import Glibc
@testable import Config

/// A fresh folder under /tmp for one test's real files, removed when the test ends.
final class TempFolder {
    let path: String

    init() {
        var template = Array("/tmp/callbox-config-test-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { buffer in
            mkdtemp(buffer.baseAddress!).map { String(cString: $0) } ?? "/tmp"
        }
    }

    deinit { Self.remove(path) }

    /// Writes `text` to `name` inside the folder with exactly `mode`; returns the full path.
    @discardableResult
    func write(_ name: String, _ text: String, mode: mode_t = 0o644) -> String {
        write(name, bytes: Array(text.utf8), mode: mode)
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8], mode: mode_t = 0o644) -> String {
        let full = path + "/" + name
        if let slash = name.lastIndex(of: "/") {
            mkdir(path + "/" + name[..<slash], 0o755)
        }
        let descriptor = open(full, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(descriptor >= 0, "cannot create \(full)")
        _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        chmod(full, mode)
        return full
    }

    /// Problems of loading `config` from `callbox.conf` in this folder, with the folder's
    /// path removed so expectations read like what an installer sees in /etc/callbox.
    func problems(_ config: String) -> [String] {
        let file = write("callbox.conf", config)
        return ConfigCheck.problems(path: file).map { relative($0.description) }
    }

    func load(_ config: String) -> Result<LoadedConfig, ConfigProblems> {
        ConfigLoader.load(path: write("callbox.conf", config))
    }

    func relative(_ text: String) -> String {
        var result = "", rest = Substring(text), prefix = path + "/"
        while let range = rest.range(of: prefix) {
            result += rest[..<range.lowerBound]
            rest = rest[range.upperBound...]
        }
        return result + rest
    }

    private static func remove(_ path: String) {
        if let folder = opendir(path) {
            while let entry = readdir(folder) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { remove(path + "/" + name) }
            }
            closedir(folder)
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}

extension StringProtocol {
    func range(of other: String) -> Range<Index>? {
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(other) { return index..<self.index(index, offsetBy: other.count) }
            index = self.index(after: index)
        }
        return nil
    }
}

/// A config that loads cleanly against Meta's real API (with `secrets.conf` written by `validSecrets`).
let productionConfig = """
[box]
name = Front desk
data_dir = data
secrets = secrets.conf

[http]
listen = 127.0.0.1:0

[whatsapp]
phone_number_id = 123456789012345
business_number = +1 555 010 0100

"""

/// A config that loads cleanly with the built-in sandbox and no secrets file.
let sandboxConfig = """
[box]
name = Sandbox
data_dir = data

[http]
listen = 127.0.0.1:0

[whatsapp]
graph_url = sandbox

"""

let validSecrets = """
whatsapp_access_token = EAAtoken-value-one
whatsapp_app_secret = app-secret-value-two
whatsapp_verify_token = verify-value-three
hubspot_access_token = pat-na1-value-four

"""
