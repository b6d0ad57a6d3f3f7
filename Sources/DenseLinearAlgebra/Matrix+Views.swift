extension Matrix {
    /// Calls `body` with a read-only view of the whole matrix (leading dimension ``leadingDimension``).
    /// The view is valid only during `body` (``MatrixView``).
    /// - Complexity: `O(1)` plus `body`.
    /// - Throws: what `body` throws.
    @inlinable
    public func withView<R>(_ body: (MatrixView<Scalar>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { buffer in
            try body(MatrixView(checkedStart: viewStart(buffer.baseAddress), rows: rows, columns: columns,
                                leadingDimension: leadingDimension))
        }
    }

    /// Calls `body` with a read-only view of the block of rows `rowRange` and columns `columnRange`
    /// (no copy; valid only during `body`).
    /// - Complexity: `O(1)` plus `body`.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` unless both ranges lie within
    ///   the matrix, and what `body` throws.
    @inlinable
    public func withView<R>(rows rowRange: Range<Int>, columns columnRange: Range<Int>,
                            _ body: (MatrixView<Scalar>) throws -> R) throws -> R {
        try withView { try body($0.block(rows: rowRange, columns: columnRange)) }
    }

    /// Calls `body` with a writable view of the whole matrix; writes through it change the matrix
    /// (its storage is made unique first, as for any mutation). Valid only during `body`.
    /// - Complexity: `O(1)` plus `body` (one copy of the storage if it was shared).
    /// - Throws: what `body` throws.
    @inlinable
    public mutating func withMutableView<R>(_ body: (MutableMatrixView<Scalar>) throws -> R) rethrows -> R {
        let (m, n, ld) = (rows, columns, leadingDimension)
        return try storage.withUnsafeMutableBufferPointer { buffer in
            try body(MutableMatrixView(checkedStart: mutableViewStart(buffer.baseAddress), rows: m, columns: n,
                                       leadingDimension: ld))
        }
    }

    /// Calls `body` with a writable view of the block of rows `rowRange` and columns `columnRange`.
    /// - Complexity: `O(1)` plus `body`.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` unless both ranges lie within
    ///   the matrix, and what `body` throws.
    @inlinable
    public mutating func withMutableView<R>(rows rowRange: Range<Int>, columns columnRange: Range<Int>,
                                            _ body: (MutableMatrixView<Scalar>) throws -> R) throws -> R {
        try withMutableView { try body($0.block(rows: rowRange, columns: columnRange)) }
    }

    /// A new matrix holding a copy of `view`'s entries (contiguous, leading dimension `max(1, rows)`).
    /// - Complexity: one copy of the entries.
    /// - Throws: as ``SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the copy.
    @inlinable
    public init(copying view: MatrixView<Scalar>) throws {
        try SizePolicy.check("Matrix(copying:)", "copy", rows: view.rows, columns: view.columns, of: Scalar.self)
        self.init(checkedRows: view.rows, columns: view.columns)
        guard !isEmpty else { return }
        try withMutableView { try $0.copy(from: view) }
    }
}
