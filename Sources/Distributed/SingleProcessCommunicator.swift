/// The communicator of one process alone (rank 0 of 1): every collective operation leaves its
/// buffers as they are (an all-gather copies the contribution), so code written against
/// ``Communicator`` runs as single-process code. The default wherever a communicator is taken.
///
/// - Complexity: `O(1)` per operation except ``allGather(_:into:)`` (one copy).
public struct SingleProcessCommunicator: Communicator {
    /// A communicator of one process.
    public init() {}

    public var rank: Int { 0 }
    public var size: Int { 1 }
    public var statistics: CommunicationStatistics { CommunicationStatistics() }

    /// The sum over one process: `buffer` unchanged.
    public func allReduceSum<Scalar: CommunicableScalar>(_ buffer: UnsafeMutableBufferPointer<Scalar>) throws {}

    /// Leaves `buffer` unchanged.
    /// - Throws: ``CommunicationError/invalidArgument(operation:detail:)`` for a root other than 0.
    public func broadcast<Scalar: CommunicableScalar>(_ buffer: UnsafeMutableBufferPointer<Scalar>, from root: Int) throws {
        try requireRank(root, "broadcast")
    }

    /// Copies `contribution` into `result`.
    /// - Throws: ``CommunicationError/invalidArgument(operation:detail:)`` unless the counts are equal.
    public func allGather<Scalar: CommunicableScalar>(_ contribution: UnsafeBufferPointer<Scalar>,
                                                      into result: UnsafeMutableBufferPointer<Scalar>) throws {
        guard result.count == contribution.count else {
            throw CommunicationError.invalidArgument(
                operation: "allGather", detail: "result holds \(result.count) elements, expected \(contribution.count)")
        }
        guard let source = contribution.baseAddress, let target = result.baseAddress else { return }
        target.update(from: source, count: contribution.count)
    }

    /// Returns at once.
    public func barrier() throws {}
}
