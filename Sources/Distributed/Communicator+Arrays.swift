extension Communicator {
    /// ``allReduceSum(_:)`` on an array, in place.
    /// - Throws: as ``allReduceSum(_:)``.
    public func allReduceSum<Scalar: CommunicableScalar>(_ values: inout [Scalar]) throws {
        try values.withUnsafeMutableBufferPointer { try allReduceSum($0) }
    }

    /// ``broadcast(_:from:)`` on an array whose count is the same on every process.
    /// - Throws: as ``broadcast(_:from:)``.
    public func broadcast<Scalar: CommunicableScalar>(_ values: inout [Scalar], from root: Int) throws {
        try values.withUnsafeMutableBufferPointer { try broadcast($0, from: root) }
    }

    /// `root`'s array, on every process, whatever its count: the count goes first.
    /// - Parameters:
    ///   - values: `root`'s data; ignored on the other processes.
    ///   - root: the rank whose array is sent.
    /// - Throws: as ``broadcast(_:from:)``.
    public func broadcastArray<Scalar: CommunicableScalar & Numeric>(_ values: [Scalar], from root: Int) throws -> [Scalar] {
        try requireRank(root, "broadcastArray")
        var count = [Int64(rank == root ? values.count : 0)]
        try broadcast(&count, from: root)
        var result = rank == root ? values : [Scalar](repeating: 0, count: Int(count[0]))
        try broadcast(&result, from: root)
        return result
    }

    /// Every process's `contribution` (all of the same count) concatenated in rank order.
    /// - Throws: as ``allGather(_:into:)``.
    public func allGather<Scalar: CommunicableScalar & Numeric>(_ contribution: [Scalar]) throws -> [Scalar] {
        var result = [Scalar](repeating: 0, count: contribution.count * size)
        try contribution.withUnsafeBufferPointer { source in
            try result.withUnsafeMutableBufferPointer { try allGather(source, into: $0) }
        }
        return result
    }

    /// The ranks on which `failed` is `true`, the same list on every process (one all-reduce of
    /// `size` integers): lets every process stop together when a step failed on some of them.
    /// - Throws: as ``allReduceSum(_:)``.
    public func ranksReporting(_ failed: Bool) throws -> [Int] {
        var flags = [Int64](repeating: 0, count: size)
        flags[rank] = failed ? 1 : 0
        try allReduceSum(&flags)
        return flags.indices.filter { flags[$0] != 0 }
    }
}
