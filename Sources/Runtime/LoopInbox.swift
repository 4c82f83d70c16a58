import Glibc

/// Messages from other threads (the media thread, the audio thread) to one event loop.
/// `send` may be called from any thread; the handler runs on the loop's thread, between
/// two callbacks, like any other input. A small mutex-guarded array is enough here: these
/// are control messages (a call's media connected, a DTMF digit), not audio.
public final class LoopInbox<Message: Sendable>: @unchecked Sendable {
    // @unchecked: `pending` is only touched with `mutex` held; `handler` only on the loop's
    // thread (it is called from the loop's preparation step).
    private var mutex = pthread_mutex_t()
    private var pending: [Message] = []
    private let waker: EventLoop.Waker
    private let handler: (Message) -> Void

    /// Create on the loop's thread: the handler belongs to it.
    public init(loop: EventLoop, handler: @escaping (Message) -> Void) {
        waker = loop.waker
        self.handler = handler
        pthread_mutex_init(&mutex, nil)
        loop.addPreparation { [weak self] in
            self?.drain()
            return nil
        }
    }

    deinit { pthread_mutex_destroy(&mutex) }

    public func send(_ message: Message) {
        pthread_mutex_lock(&mutex)
        pending.append(message)
        pthread_mutex_unlock(&mutex)
        waker.wake()
    }

    private func drain() {
        pthread_mutex_lock(&mutex)
        let messages = pending
        pending.removeAll(keepingCapacity: true)
        pthread_mutex_unlock(&mutex)
        for message in messages { handler(message) }
    }
}
