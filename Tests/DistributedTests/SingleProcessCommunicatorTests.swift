import DenseLinearAlgebra
import Distributed
import Testing

/// The single-process communicator: the identity of every collective, one process's shard is
/// everything, and bad roots and mismatched buffers throw.
@Suite("Single-process communicator")
struct SingleProcessCommunicatorTests {
    let communicator = SingleProcessCommunicator()

    func collectivesAreTheIdentity<Scalar: LinearAlgebraScalar & CommunicableScalar>(_: Scalar.Type) throws {
        var values: [Scalar] = [1, -2.5, 3, .greatestFiniteMagnitude]
        let original = values
        try communicator.allReduceSum(&values)
        #expect(values == original)
        try communicator.broadcast(&values, from: 0)
        #expect(values == original)
        #expect(try communicator.allGather(values) == original)
        #expect(try communicator.broadcastArray(values, from: 0) == original)
        var matrix = try Matrix<Scalar>(rows: 2, columns: 2, columnMajor: original)
        try communicator.allReduceSum(&matrix)
        try communicator.broadcast(&matrix, from: 0)
        #expect(matrix.elements == original)
        let gathered = try communicator.allGatherColumns(matrix)
        #expect(gathered.rows == 2 && gathered.columns == 2 && gathered.elements == original)
        try communicator.barrier()
        #expect(communicator.statistics == CommunicationStatistics())
    }

    @Test func collectivesAreTheIdentityInFloat() throws { try collectivesAreTheIdentity(Float.self) }
    @Test func collectivesAreTheIdentityInDouble() throws { try collectivesAreTheIdentity(Double.self) }

    @Test func oneProcessOwnsEveryItem() throws {
        #expect(communicator.rank == 0 && communicator.size == 1 && communicator.isRoot)
        #expect(try communicator.shard(of: 128) == 0..<128)
        #expect(try communicator.shard(of: 0) == 0..<0)
        #expect(try communicator.ranksReporting(true) == [0])
        #expect(try communicator.ranksReporting(false) == [])
    }

    @Test func aRootOtherThanZeroThrows() {
        var values: [Double] = [1, 2]
        #expect(throws: CommunicationError.invalidArgument(operation: "broadcast", detail: "root rank 1 is not in 0..<1")) {
            try communicator.broadcast(&values, from: 1)
        }
        #expect(throws: CommunicationError.self) { _ = try communicator.broadcastArray(values, from: -1) }
    }

    @Test func anAllGatherIntoAResultOfAnotherSizeThrows() {
        let contribution: [Float] = [1, 2, 3]
        var result = [Float](repeating: 0, count: 2)
        #expect(throws: CommunicationError.self) {
            try contribution.withUnsafeBufferPointer { source in
                try result.withUnsafeMutableBufferPointer { try communicator.allGather(source, into: $0) }
            }
        }
    }
}
