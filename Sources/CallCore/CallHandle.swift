/// The box's own name for a call: its slot and the slot's generation. Outbound calls have
/// no call id until Graph's `connect` response returns `calls[0].id` (spec §3.2), and a
/// handle kept after its call ended must not reach the slot's next call, hence the generation.
public struct CallHandle: Hashable, Sendable, CustomStringConvertible {
    public var slot: UInt16
    public var generation: UInt32

    public init(slot: UInt16, generation: UInt32) {
        self.slot = slot
        self.generation = generation
    }

    public var description: String { "\(slot).\(generation)" }
}
