import Distributed
import Foundation

/// `size` communicators, one per thread of one process, whose collectives meet in a shared
/// rendezvous: the data-parallel step tested in `swift test` without MPI. Sums run in rank order,
/// so every rank receives the same bits, as from MPI.
final class ThreadGroupCommunicator: Communicator, @unchecked Sendable {
    let rank: Int
    let size: Int
    private let rendezvous: Rendezvous

    private init(rank: Int, rendezvous: Rendezvous) {
        self.rank = rank
        size = rendezvous.size
        self.rendezvous = rendezvous
    }

    /// One communicator per rank of a group of `size`.
    static func group(size: Int) -> [ThreadGroupCommunicator] {
        let rendezvous = Rendezvous(size: size)
        return (0..<size).map { ThreadGroupCommunicator(rank: $0, rendezvous: rendezvous) }
    }

    var statistics: CommunicationStatistics { CommunicationStatistics() }

    func allReduceSum<Scalar: CommunicableScalar>(_ buffer: UnsafeMutableBufferPointer<Scalar>) throws {
        let all = rendezvous.exchange(Array(UnsafeRawBufferPointer(buffer)), rank: rank)
        let target = UnsafeMutableRawBufferPointer(buffer)
        func sum<Element: AdditiveArithmetic>(_: Element.Type) {
            let stride = MemoryLayout<Element>.stride
            for index in 0..<buffer.count {
                var total = Element.zero
                for contribution in all {
                    total += contribution.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: index * stride, as: Element.self) }
                }
                target.storeBytes(of: total, toByteOffset: index * stride, as: Element.self)
            }
        }
        switch Scalar.communicationKind {
        case .float32: sum(Float.self)
        case .float64: sum(Double.self)
        case .uint8: sum(UInt8.self)
        case .int64: sum(Int64.self)
        }
    }

    func broadcast<Scalar: CommunicableScalar>(_ buffer: UnsafeMutableBufferPointer<Scalar>, from root: Int) throws {
        try requireRank(root, "broadcast")
        let all = rendezvous.exchange(Array(UnsafeRawBufferPointer(buffer)), rank: rank)
        all[root].withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
    }

    func allGather<Scalar: CommunicableScalar>(_ contribution: UnsafeBufferPointer<Scalar>,
                                               into result: UnsafeMutableBufferPointer<Scalar>) throws {
        guard result.count == contribution.count * size else {
            throw CommunicationError.invalidArgument(operation: "allGather", detail: "result of \(result.count) elements")
        }
        let all = rendezvous.exchange(Array(UnsafeRawBufferPointer(contribution)), rank: rank)
        let concatenated = all.flatMap { $0 }
        concatenated.withUnsafeBytes { UnsafeMutableRawBufferPointer(result).copyMemory(from: $0) }
    }

    func barrier() throws { _ = rendezvous.exchange([], rank: rank) }

    /// Where the ranks meet: each deposits its bytes, the last to arrive publishes all of them.
    private final class Rendezvous: @unchecked Sendable {
        let size: Int
        private let condition = NSCondition()
        private var deposits: [[UInt8]]
        private var arrived = 0
        private var generation = 0
        private var published: [[UInt8]] = []

        init(size: Int) {
            self.size = size
            deposits = Array(repeating: [], count: size)
        }

        /// Every rank's bytes in rank order, once every rank has called it. A result stays published
        /// until the next exchange completes, which needs every rank, so each reads its own first.
        func exchange(_ bytes: [UInt8], rank: Int) -> [[UInt8]] {
            condition.lock()
            defer { condition.unlock() }
            let round = generation
            deposits[rank] = bytes
            arrived += 1
            if arrived == size {
                published = deposits
                arrived = 0
                generation += 1
                condition.broadcast()
            } else {
                while generation == round { condition.wait() }
            }
            return published
        }
    }
}
