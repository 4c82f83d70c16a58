import Glibc
import Journal

/// A journal in a fresh directory under /tmp, removed with its files afterwards: real SQLite,
/// as in production (DESIGN principle 5).
final class TemporaryJournal {
    let directory: String
    let journal: Journal

    init() throws {
        var template = Array("/tmp/callbox-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        guard let made else { throw TemporaryDirectoryError(errno: errno) }
        directory = String(cString: made)
        journal = try Journal(directory: directory)
    }

    deinit {
        try? journal.close()
        for suffix in ["", "-wal", "-shm"] { unlink(directory + "/" + Journal.fileName + suffix) }
        rmdir(directory)
    }
}

struct TemporaryDirectoryError: Error {
    let errno: Int32
}
