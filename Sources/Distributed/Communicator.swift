/// A group of cooperating processes (ranks `0..<size`) and the collective operations that
/// data-parallel training needs: in-place sum all-reduce, broadcast, all-gather and barrier.
///
/// Every process of the group must make the same collective calls in the same order with
/// buffers of the same sizes (as in MPI); a call waits until every process has made it.
/// ``SingleProcessCommunicator`` (one process, every operation the identity) is the default
/// everywhere, so code written against this protocol runs unchanged in one process.
/// `MPIDistributed`'s `MPICommunicator` spans the processes that `mpirun` started.
///
/// Requirements work on flat buffers; arrays and ``/DenseLinearAlgebra/Matrix`` have
/// conveniences in extensions (`Communicator+Arrays.swift`, `Communicator+Matrix.swift`).
public protocol Communicator: Sendable {
    /// This process's index in `0..<size`.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }

    /// Replaces `buffer` on every process by the elementwise sum of all processes' buffers.
    /// The sum is taken in the same order on every process, so every process receives the
    /// same bits.
    /// - Complexity: one collective of `buffer.count` elements.
    /// - Throws: ``CommunicationError`` when the operation fails.
    func allReduceSum<Scalar: CommunicableScalar>(_ buffer: UnsafeMutableBufferPointer<Scalar>) throws

    /// Copies `root`'s `buffer` into every other process's `buffer` (all of the same count).
    /// - Throws: ``CommunicationError/invalidArgument(operation:detail:)`` for a root outside
    ///   `0..<size`; ``CommunicationError`` when the operation fails.
    func broadcast<Scalar: CommunicableScalar>(_ buffer: UnsafeMutableBufferPointer<Scalar>, from root: Int) throws

    /// Concatenates every process's `contribution` (all of the same count `n`) in rank order into
    /// `result` (`size·n` elements) on every process.
    /// - Throws: ``CommunicationError/invalidArgument(operation:detail:)`` unless
    ///   `result.count == size·contribution.count`; ``CommunicationError`` when the operation fails.
    func allGather<Scalar: CommunicableScalar>(_ contribution: UnsafeBufferPointer<Scalar>,
                                               into result: UnsafeMutableBufferPointer<Scalar>) throws

    /// Returns once every process has called it.
    /// - Throws: ``CommunicationError`` when the operation fails.
    func barrier() throws

    /// Calls, bytes and seconds of the operations so far.
    var statistics: CommunicationStatistics { get }
}

extension Communicator {
    /// `true` for the process that writes a run's files (rank 0).
    public var isRoot: Bool { rank == 0 }

    /// The part of `count` items that belongs to this process when each takes an equal,
    /// contiguous slice in rank order: `rank·(count/size) ..< (rank+1)·(count/size)`.
    /// - Complexity: `O(1)`.
    /// - Throws: ``CommunicationError/invalidArgument(operation:detail:)`` unless `size` divides `count`.
    public func shard(of count: Int) throws -> Range<Int> {
        guard count >= 0, count % size == 0 else {
            throw CommunicationError.invalidArgument(
                operation: "shard", detail: "\(count) items do not split into \(size) equal parts, one per process")
        }
        let part = count / size
        return rank * part ..< (rank + 1) * part
    }

    /// Throws ``CommunicationError/invalidArgument(operation:detail:)`` unless `root` is in `0..<size`.
    public func requireRank(_ root: Int, _ operation: String) throws {
        guard (0..<size).contains(root) else {
            throw CommunicationError.invalidArgument(operation: operation, detail: "root rank \(root) is not in 0..<\(size)")
        }
    }
}
