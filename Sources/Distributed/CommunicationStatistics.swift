/// What a ``Communicator`` has sent so far: per kind of operation, the calls, the bytes of the
/// calling process's payload, and the seconds spent inside them (waiting for the other processes
/// included).
///
/// Bytes count each process's buffer once (an all-reduce of `n` Floats counts `4n`; an all-gather
/// counts the `4n` the process contributes; a broadcast counts `4n` on every process), which is
/// the volume the formulas of `Notes/Distributed.md` use; the wire traffic of a ring or tree
/// algorithm is a small multiple of it.
public struct CommunicationStatistics: Sendable, Hashable {
    /// Calls, bytes and seconds of one kind of operation.
    public struct Tally: Sendable, Hashable {
        /// Operations made.
        public var calls = 0
        /// Bytes of this process's buffers in them.
        public var bytes = 0
        /// Seconds spent inside them.
        public var seconds = 0.0

        /// No operation yet.
        public init() {}
    }

    /// Sum all-reduces.
    public var allReduce = Tally()
    /// Broadcasts (counted on every process, root included).
    public var broadcast = Tally()
    /// All-gathers (this process's contribution).
    public var allGather = Tally()
    /// Barriers (no bytes).
    public var barrier = Tally()

    /// No operation yet.
    public init() {}

    /// Bytes of every operation together.
    public var totalBytes: Int { allReduce.bytes + broadcast.bytes + allGather.bytes + barrier.bytes }
    /// Seconds in every operation together.
    public var totalSeconds: Double { allReduce.seconds + broadcast.seconds + allGather.seconds + barrier.seconds }
}
