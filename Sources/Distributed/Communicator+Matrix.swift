import DenseLinearAlgebra

/// Collectives on ``/DenseLinearAlgebra/Matrix``, for any ``/DenseLinearAlgebra/LinearAlgebraScalar``
/// (Float or Double): code generic over the linear-algebra scalar needs no second constraint.
extension Communicator {
    /// ``allReduceSum(_:)`` on a matrix's elements, in place (same shape on every process).
    /// - Complexity: one all-reduce of `rows·columns` elements.
    /// - Throws: as ``allReduceSum(_:)``.
    public func allReduceSum<Scalar: LinearAlgebraScalar>(_ matrix: inout Matrix<Scalar>) throws {
        try matrix.withUnsafeMutableBufferPointer { buffer in
            try Self.rebound(buffer, "allReduceSum", float: { try allReduceSum($0) }, double: { try allReduceSum($0) })
        }
    }

    /// ``broadcast(_:from:)`` on a matrix's elements (same shape on every process).
    /// - Complexity: one broadcast of `rows·columns` elements.
    /// - Throws: as ``broadcast(_:from:)``.
    public func broadcast<Scalar: LinearAlgebraScalar>(_ matrix: inout Matrix<Scalar>, from root: Int) throws {
        try matrix.withUnsafeMutableBufferPointer { buffer in
            try Self.rebound(buffer, "broadcast", float: { try broadcast($0, from: root) },
                             double: { try broadcast($0, from: root) })
        }
    }

    /// `[x₀ | x₁ | … | x_{size−1}]`: every process's columns side by side in rank order (all with the
    /// same shape `m × n`), an `m × (size·n)` matrix on every process. Column-major storage makes it
    /// one all-gather of the elements.
    /// - Complexity: one all-gather of `m·n` elements per process.
    /// - Throws: as ``allGather(_:into:)``; ``/DenseLinearAlgebra/LinearAlgebraError`` for a result
    ///   over the size limits.
    public func allGatherColumns<Scalar: LinearAlgebraScalar>(_ matrix: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var result = try Matrix<Scalar>(rows: matrix.rows, columns: matrix.columns * size)
        try matrix.withUnsafeBufferPointer { source in
            try result.withUnsafeMutableBufferPointer { target in
                let mutableSource = UnsafeMutableBufferPointer(mutating: source)
                try Self.rebound(mutableSource, "allGatherColumns", float: { contribution in
                    try target.withMemoryRebound(to: Float.self) { try allGather(UnsafeBufferPointer(contribution), into: $0) }
                }, double: { contribution in
                    try target.withMemoryRebound(to: Double.self) { try allGather(UnsafeBufferPointer(contribution), into: $0) }
                })
            }
        }
        return result
    }

    /// Runs `float` or `double` on `buffer` viewed as its concrete type.
    /// - Throws: ``CommunicationError/invalidArgument(operation:detail:)`` for a scalar type other than
    ///   Float and Double.
    private static func rebound<Scalar: LinearAlgebraScalar>(
        _ buffer: UnsafeMutableBufferPointer<Scalar>, _ operation: String,
        float: (UnsafeMutableBufferPointer<Float>) throws -> Void,
        double: (UnsafeMutableBufferPointer<Double>) throws -> Void
    ) throws {
        if Scalar.self == Float.self {
            try buffer.withMemoryRebound(to: Float.self) { try float($0) }
        } else if Scalar.self == Double.self {
            try buffer.withMemoryRebound(to: Double.self) { try double($0) }
        } else {
            throw CommunicationError.invalidArgument(operation: operation, detail: "cannot send elements of type \(Scalar.self)")
        }
    }
}
