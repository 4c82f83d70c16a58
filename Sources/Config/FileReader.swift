import Glibc

/// Reads the small text files Callbox is configured with, without Foundation.
enum FileReader {
    /// A config file is a few kilobytes; the cap keeps a mistaken path (a log, a disk image)
    /// from being read into the memory of a small box.
    static let maximumFileSize = 1 << 20

    struct Contents {
        let bytes: [UInt8]
        /// Permission bits (`st_mode & 0o7777`), checked for the secrets file.
        let permissions: UInt32
    }

    /// The file's bytes, or the reason it cannot be read, phrased for `file:1: cannot read: …`.
    static func read(_ path: String) -> Result<Contents, ValueProblem> {
        // O_NONBLOCK: a path naming a FIFO must not hang the loader; it is refused below.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if descriptor < 0 { return .failure(cannotRead(errno)) }
        defer { close(descriptor) }
        var status = stat()
        if fstat(descriptor, &status) != 0 { return .failure(cannotRead(errno)) }
        if status.st_mode & S_IFMT != S_IFREG {
            return .failure(ValueProblem("cannot read: not a regular file"))
        }
        if Int(status.st_size) > maximumFileSize {
            return .failure(ValueProblem("cannot read: larger than 1 MiB, which no config file needs"))
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while bytes.count <= maximumFileSize {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(cannotRead(errno))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        if bytes.count > maximumFileSize {
            return .failure(ValueProblem("cannot read: larger than 1 MiB, which no config file needs"))
        }
        return .success(Contents(bytes: bytes, permissions: UInt32(status.st_mode) & 0o7777))
    }

    /// nil when the file can be opened for reading now, else the system's reason.
    static func unreadableReason(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if descriptor < 0 { return systemMessage(errno) }
        close(descriptor)
        return nil
    }

    static func systemMessage(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }

    private static func cannotRead(_ code: Int32) -> ValueProblem {
        ValueProblem("cannot read: \(systemMessage(code))")
    }
}
