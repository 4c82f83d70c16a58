import CShims
import Glibc

/// Delivers SIGTERM, SIGINT and SIGHUP to the event loop through a signalfd, so a signal
/// is handled between two callbacks like any other input instead of interrupting one.
public final class SignalWatcher {
    private let descriptor: Int32
    private let loop: EventLoop

    /// Blocks the signals for the whole process; call before any thread is started so
    /// every thread inherits the mask.
    public init(loop: EventLoop, signals: [Int32] = [SIGTERM, SIGINT, SIGHUP], handler: @escaping (Int32) -> Void) {
        var mask = sigset_t()
        sigemptyset(&mask)
        for signal in signals { sigaddset(&mask, signal) }
        pthread_sigmask(SIG_BLOCK, &mask, nil)
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
