import Glibc
import Runtime
import Testing
@testable import Media

@Suite struct DtlsCertificateTests {
    @Test func createsKeyAndCertificateFiles() throws {
        let directory = DtlsScratchDirectory()
        defer { directory.remove() }
        let identity = try DtlsCertificate.loadOrCreate(directory: directory.path)
        #expect(identity.fingerprintSHA256.count == 32)
        #expect(directory.mode(of: "dtls-key.pem") == 0o600)
        let keyText = String(decoding: FileContents.read(directory.path + "/dtls-key.pem") ?? [], as: UTF8.self)
        let certificateText = String(decoding: FileContents.read(directory.path + "/dtls-cert.pem") ?? [], as: UTF8.self)
        #expect(keyText.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(certificateText.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(FileContents.read(directory.path + "/dtls-key.pem.tmp") == nil)
    }

    @Test func reloadKeepsTheFingerprint() throws {
        let directory = DtlsScratchDirectory()
        defer { directory.remove() }
        let first = try DtlsCertificate.loadOrCreate(directory: directory.path)
        let second = try DtlsCertificate.loadOrCreate(directory: directory.path)
        #expect(first.fingerprintSHA256 == second.fingerprintSHA256)
        for algorithm in DtlsFingerprintAlgorithm.allCases {
            #expect(first.fingerprint(algorithm: algorithm) == second.fingerprint(algorithm: algorithm))
            #expect(first.fingerprint(algorithm: algorithm).bytes.count == algorithm.digestLength)
        }
    }

    @Test func reloadRestrictsALooseKeyMode() throws {
        let directory = DtlsScratchDirectory()
        defer { directory.remove() }
        let first = try DtlsCertificate.loadOrCreate(directory: directory.path)
        chmod(directory.path + "/dtls-key.pem", 0o644)
        let second = try DtlsCertificate.loadOrCreate(directory: directory.path)
        #expect(second.fingerprintSHA256 == first.fingerprintSHA256)
        #expect(directory.mode(of: "dtls-key.pem") == 0o600)
    }

    @Test(arguments: ["dtls-key.pem", "dtls-cert.pem"])
    func regeneratesWhenAFileIsCorrupt(file: String) throws {
        let directory = DtlsScratchDirectory()
        defer { directory.remove() }
        let original = try DtlsCertificate.loadOrCreate(directory: directory.path)
        directory.write(file, Array("-----BEGIN GARBAGE-----\nnot base64 at all\n".utf8))
        let replaced = try DtlsCertificate.loadOrCreate(directory: directory.path)
        #expect(replaced.fingerprintSHA256 != original.fingerprintSHA256)
        #expect(directory.mode(of: "dtls-key.pem") == 0o600)
        let reloaded = try DtlsCertificate.loadOrCreate(directory: directory.path)
        #expect(reloaded.fingerprintSHA256 == replaced.fingerprintSHA256)
    }

    @Test func regeneratesWhenKeyAndCertificateDoNotMatch() throws {
        let first = DtlsScratchDirectory()
        let second = DtlsScratchDirectory()
        defer { first.remove(); second.remove() }
        let original = try DtlsCertificate.loadOrCreate(directory: first.path)
        _ = try DtlsCertificate.loadOrCreate(directory: second.path)
        first.write("dtls-key.pem", FileContents.read(second.path + "/dtls-key.pem") ?? [])
        let replaced = try DtlsCertificate.loadOrCreate(directory: first.path)
        #expect(replaced.fingerprintSHA256 != original.fingerprintSHA256)
    }

    @Test func regeneratesWhenOnlyOneFileIsLeft() throws {
        let directory = DtlsScratchDirectory()
        defer { directory.remove() }
        let original = try DtlsCertificate.loadOrCreate(directory: directory.path)
        unlink(directory.path + "/dtls-cert.pem")
        let replaced = try DtlsCertificate.loadOrCreate(directory: directory.path)
        #expect(replaced.fingerprintSHA256 != original.fingerprintSHA256)
    }

    @Test func createsAMissingDirectory() throws {
        let parent = DtlsScratchDirectory()
        defer {
            unlink(parent.path + "/identity/dtls-key.pem")
            unlink(parent.path + "/identity/dtls-cert.pem")
            rmdir(parent.path + "/identity")
            parent.remove()
        }
        _ = try DtlsCertificate.loadOrCreate(directory: parent.path + "/identity")
        #expect(FileContents.read(parent.path + "/identity/dtls-cert.pem") != nil)
    }

    @Test func unwritableDirectoryIsAClearError() throws {
        // A path under a regular file cannot be created even by root, which runs these tests.
        let parent = DtlsScratchDirectory()
        defer { parent.remove() }
        parent.write("plain-file", [1])
        let path = parent.path + "/plain-file/identity"
        #expect(throws: DtlsCertificateError.directoryNotWritable(path: path, reason: String(cString: strerror(ENOTDIR)))) {
            try DtlsCertificate.loadOrCreate(directory: path)
        }
        let notADirectory = parent.path + "/plain-file"
        #expect(throws: DtlsCertificateError.directoryNotWritable(path: notADirectory, reason: "not a directory")) {
            try DtlsCertificate.loadOrCreate(directory: notADirectory)
        }
    }

    @Test func fingerprintMatchesTheOpenSSLCommandLine() throws {
        let directory = DtlsScratchDirectory()
        defer { directory.remove() }
        let identity = try DtlsCertificate.loadOrCreate(directory: directory.path)
        let output = try DtlsCommand.run(["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", directory.path + "/dtls-cert.pem"])
        // "sha256 Fingerprint=AB:CD:…"
        #expect(output.split(separator: "=").last.map { String($0.filter { !$0.isWhitespace }) } == identity.fingerprint(algorithm: .sha256).colonHex)
        let subject = try DtlsCommand.run(["openssl", "x509", "-noout", "-subject", "-in", directory.path + "/dtls-cert.pem"])
        #expect(subject.contains("CN = callbox"))
    }
}

@Suite struct DtlsFingerprintTests {
    @Test func parsesAndFormatsSdpValues() throws {
        let bytes = (0..<32).map { UInt8($0 * 7 & 0xFF) }
        let fingerprint = DtlsFingerprint(algorithm: .sha256, bytes: bytes)
        #expect(fingerprint.colonHex.count == 32 * 3 - 1)
        #expect(fingerprint.sdpValue.hasPrefix("sha-256 00:07:0E:15"))
        let parsed = try DtlsFingerprint(sdpAlgorithm: "SHA-256", colonHex: fingerprint.colonHex.lowercased())
        #expect(parsed == fingerprint)
    }

    @Test func refusesMalformedValues() {
        #expect(throws: DtlsFingerprintError.unsupportedAlgorithm("md5")) { try DtlsFingerprint(sdpAlgorithm: "md5", colonHex: "00") }
        #expect(throws: DtlsFingerprintError.malformedHex("0G:11")) { try DtlsFingerprint(sdpAlgorithm: "sha-256", colonHex: "0G:11") }
        #expect(throws: DtlsFingerprintError.malformedHex("001:1")) { try DtlsFingerprint(sdpAlgorithm: "sha-256", colonHex: "001:1") }
        #expect(throws: DtlsFingerprintError.wrongLength(algorithm: .sha256, bytes: 2)) { try DtlsFingerprint(sdpAlgorithm: "sha-256", colonHex: "00:11") }
    }
}

@Suite struct DtlsRecordPackerTests {
    private func record(_ type: UInt8, bodyLength: Int) -> [UInt8] {
        [type, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 1, UInt8(bodyLength >> 8), UInt8(bodyLength & 0xFF)] + [UInt8](repeating: 0xAB, count: bodyLength)
    }

    @Test func packsRecordsUpToTheMtu() {
        let records = [record(22, bodyLength: 500), record(22, bodyLength: 500), record(22, bodyLength: 500)]
        let datagrams = DtlsRecordPacker.datagrams(from: records.flatMap { $0 }, mtu: 1_200)
        #expect(datagrams == [records[0] + records[1], records[2]])
    }

    @Test func keepsATruncatedTailWhole() {
        let bytes = record(22, bodyLength: 10) + [22, 0xFE]
        #expect(DtlsRecordPacker.datagrams(from: bytes, mtu: 1_200) == [bytes])
    }
}
