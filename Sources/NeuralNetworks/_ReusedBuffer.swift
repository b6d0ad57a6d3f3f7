import DenseLinearAlgebra

extension Matrix {
    /// Takes `buffer` out of its owner as a `rows × columns` matrix to be overwritten, leaving
    /// an empty matrix behind: the same storage when the shape matches (no allocation; a copy
    /// only if someone else still holds that storage, by copy-on-write), a new zero matrix
    /// otherwise. The caller writes every entry and stores the result back. This is how the
    /// layers keep their per-step outputs and gradients across steps of one batch shape.
    /// - Complexity: `O(1)` when the shape matches and the storage is not shared.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for a
    ///   negative size.
    @inlinable
    static func reusing(_ buffer: inout Matrix, rows: Int, columns: Int) throws -> Matrix {
        var taken = try Matrix(rows: 0, columns: 0, columnMajor: [])
        swap(&taken, &buffer)
        if taken.rows == rows && taken.columns == columns { return taken }
        guard rows >= 0, columns >= 0 else {
            throw LinearAlgebraError.dimensionMismatch(operation: "layer buffer", expected: "non-negative sizes",
                                                       actual: "\(rows)×\(columns)")
        }
        return try Matrix(rows: rows, columns: columns,
                          columnMajor: Array(repeating: 0, count: rows.multipliedReportingOverflow(by: columns).partialValue))
    }

    /// An empty `rows × 0` matrix: the placeholder of a gradient that was not asked for.
    @inlinable
    static func placeholder(rows: Int) throws -> Matrix {
        try Matrix(rows: rows, columns: 0, columnMajor: [])
    }
}
