import CShims
import Glibc

/// Delivers SIGTERM, SIGINT and SIGHUP to the event loop through a signalfd, so a signal
/// is handled between two callbacks like any other input instead of interrupting one.
public final class SignalWatcher {
    private let descriptor: Int32
    private let loop: EventLoop

    public static let terminationSignals = [SIGTERM, SIGINT, SIGHUP]

    /// Blocks `signals` in the calling thread and in every thread it starts afterwards.
    /// Call it before starting any thread: a thread that does not block them would take the
    /// signal and the default action would kill the process instead of letting the loop
    /// stop it cleanly.
    public static func block(_ signals: [Int32] = terminationSignals) {
        var mask = sigset_t()
        sigemptyset(&mask)
        for signal in signals { sigaddset(&mask, signal) }
        pthread_sigmask(SIG_BLOCK, &mask, nil)
    }

    /// Blocks the signals (see `block`) and reads them through a signalfd on `loop`.
    public init(loop: EventLoop, signals: [Int32] = terminationSignals, handler: @escaping (Int32) -> Void) {
        Self.block(signals)
        var mask = sigset_t()
        sigemptyset(&mask)
        for signal in signals { sigaddset(&mask, signal) }
        self.loop = loop
        descriptor = signalfd(-1, &mask, Int32(SFD_NONBLOCK | SFD_CLOEXEC))
        loop.watch(descriptor, for: .readable) { [descriptor] _ in
            var info = signalfd_siginfo()
            while read(descriptor, &info, MemoryLayout<signalfd_siginfo>.size) == MemoryLayout<signalfd_siginfo>.size {
                handler(Int32(info.ssi_signo))
            }
        }
    }

    deinit {
        loop.unwatch(descriptor)
        close(descriptor)
    }
}
