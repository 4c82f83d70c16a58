import Glibc

/// A plain pthread running one closure: the media thread's event loop, test helpers. The
/// real-time audio thread has its own type (Handset) because it sets its scheduling.
public final class OSThread: @unchecked Sendable {
    // @unchecked: `handle` is written by `start` and read by `join` on the starting thread.
    private var handle = pthread_t()
    private let body: @Sendable () -> Void
    private var started = false

    public init(_ body: @escaping @Sendable () -> Void) {
        self.body = body
    }

    public func start() {
        guard !started else { return }
        started = true
        let context = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&handle, nil, { context in
            guard let context else { return nil }
            Unmanaged<OSThread>.fromOpaque(context).takeRetainedValue().body()
            return nil
        }, context)
    }

    public func join() {
        guard started else { return }
        pthread_join(handle, nil)
        started = false
    }
}
