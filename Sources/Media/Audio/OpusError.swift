import COpus

/// A libopus call that failed, with its error code (`OPUS_BAD_ARG`, `OPUS_INVALID_PACKET`, …).
public enum OpusError: Error, Equatable, Sendable {
    case createFailed(code: Int32)
    case controlFailed(code: Int32)
    case encodeFailed(code: Int32)
    case decodeFailed(code: Int32)
    /// The PCM handed to the encoder is not exactly one 20 ms frame.
    case wrongFrameLength(Int)
    /// The output buffer cannot hold what is asked.
    case bufferTooSmall(needed: Int, available: Int)

    /// libopus's own wording, for logs (allocates: not for the audio thread's steady path).
    public var message: String {
        switch self {
        case .createFailed(let code), .controlFailed(let code), .encodeFailed(let code), .decodeFailed(let code):
            String(cString: opus_strerror(code))
        case .wrongFrameLength(let length): "PCM frame has \(length) samples, not \(OpusFormat.samplesPerFrame)"
        case .bufferTooSmall(let needed, let available): "buffer holds \(available) bytes, \(needed) needed"
        }
    }
}
