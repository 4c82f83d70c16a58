/// One kind of event going out to whoever listens, in the order they subscribed: how a
/// concern tells others what happened without knowing who they are (the call controller
/// announces state changes; the widgets' feed and the call routes listen). Loop-confined.
public final class Broadcast<Event> {
    private var listeners: [(Event) -> Void] = []

    public init() {}

    /// Listeners subscribe when they are built and listen for the life of the box.
    public func subscribe(_ listener: @escaping (Event) -> Void) {
        listeners.append(listener)
    }

    public func publish(_ event: Event) {
        for listener in listeners { listener(event) }
    }
}
