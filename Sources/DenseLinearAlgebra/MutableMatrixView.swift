/// A writable, non-owning view of a column-major block of scalars, the output operand of the
/// BLAS/LAPACK wrappers on views: `rows × columns` entries, entry `(i, j)` at offset
/// `i + j·leadingDimension` from the start, as ``MatrixView``.
///
/// Obtained only inside ``Matrix/withMutableView(_:)`` or ``Matrix/withMutableView(rows:columns:_:)``
/// (or ``init(unsafeBuffer:rows:columns:leadingDimension:)`` over a buffer the caller owns) and
/// valid only while that closure runs. Writes go straight to the matrix's storage; the view is a
/// reference, so its writing methods are not `mutating`.
///
/// **Aliasing.** Swift's exclusivity rules already forbid reading a ``Matrix`` while
/// ``Matrix/withMutableView(_:)`` runs on it, so an overlap can only come from two views of one
/// storage (a mutable view and its ``readOnly`` form or a block of it). Every wrapper that writes
/// one operand and reads another (`gemm`, `gemv`, `syrk`, `trsm`, `trmm`, ``copy(from:)``, ``add(_:scaledBy:)``)
/// checks with ``MatrixView/overlaps(_:)`` and throws
/// ``LinearAlgebraError/overlappingOperands(operation:output:input:)``: BLAS gives no result
/// for overlapping operands, and a silent copy would hide an allocation. Disjoint blocks of one
/// matrix — its top and bottom rows, two column ranges — may be combined freely.
public struct MutableMatrixView<Scalar: LinearAlgebraScalar> {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The distance between the starts of two consecutive columns, `≥ max(1, rows)`.
    public let leadingDimension: Int
    /// The first entry; never dereferenced for an empty view.
    @usableFromInline let start: UnsafeMutablePointer<Scalar>

    /// A view whose shape the caller has checked against its storage.
    @inlinable
    init(checkedStart start: UnsafeMutablePointer<Scalar>, rows: Int, columns: Int, leadingDimension: Int) {
        self.start = start
        self.rows = rows
        self.columns = columns
        self.leadingDimension = leadingDimension
    }

    /// The same entries as `view`, writable: only for a view of storage this module holds writable
    /// (the blocks and reshapes below are taken on ``readOnly`` and converted back).
    @inlinable
    init(mutating view: MatrixView<Scalar>) {
        self.init(checkedStart: UnsafeMutablePointer(mutating: view.start), rows: view.rows, columns: view.columns,
                  leadingDimension: view.leadingDimension)
    }

    /// A writable view of `rows × columns` entries in `buffer` (see
    /// ``MatrixView/init(unsafeBuffer:rows:columns:leadingDimension:)``); valid only while `buffer` is.
    /// - Complexity: `O(1)`.
    /// - Throws: as ``MatrixView/init(unsafeBuffer:rows:columns:leadingDimension:)``.
    @inlinable
    public init(unsafeBuffer buffer: UnsafeMutableBufferPointer<Scalar>, rows: Int, columns: Int,
                leadingDimension: Int? = nil) throws {
        self.init(mutating: try MatrixView(unsafeBuffer: UnsafeBufferPointer(buffer), rows: rows, columns: columns,
                                           leadingDimension: leadingDimension))
    }

    /// The same entries, read-only (to pass this view as an input operand).
    /// - Complexity: `O(1)`.
    @inlinable
    public var readOnly: MatrixView<Scalar> {
        MatrixView(checkedStart: UnsafePointer(start), rows: rows, columns: columns, leadingDimension: leadingDimension)
    }

    /// The first entry, for the pointer-level routines of ``LinearAlgebraScalar`` (with
    /// ``leadingDimension`` as their `lda`). Valid only while the view is; never dereference it
    /// for an empty view.
    @inlinable public var unsafeStart: UnsafeMutablePointer<Scalar> { start }

    /// `true` when the view has no entries.
    @inlinable public var isEmpty: Bool { readOnly.isEmpty }
    /// `true` when the columns follow each other without a gap.
    @inlinable public var isContiguous: Bool { readOnly.isContiguous }
    /// `(rows, columns)`, for messages and comparisons.
    @inlinable public var shape: (rows: Int, columns: Int) { (rows, columns) }

    /// The entry in row `i` and column `j`; setting it writes to the viewed storage.
    /// - Precondition: `0 ≤ i < rows`, `0 ≤ j < columns`, as ``MatrixView``'s subscript.
    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get { readOnly[row, column] }
        nonmutating set {
            guard UInt(bitPattern: row) < UInt(bitPattern: rows),
                  UInt(bitPattern: column) < UInt(bitPattern: columns) else {
                viewIndexOutOfRange(row: row, column: column, rows: rows, columns: columns)
            }
            start[row + column * leadingDimension] = newValue
        }
    }

    /// The block of rows `rowRange` and columns `columnRange`, writable, sharing this view's storage.
    /// - Complexity: `O(1)`.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` unless both ranges lie within the view.
    @inlinable
    public func block(rows rowRange: Range<Int>, columns columnRange: Range<Int>) throws -> MutableMatrixView {
        MutableMatrixView(mutating: try readOnly.block(rows: rowRange, columns: columnRange))
    }

    /// The rows `range`, every column. - Complexity: `O(1)`. - Throws: as ``block(rows:columns:)``.
    @inlinable
    public func rows(_ range: Range<Int>) throws -> MutableMatrixView { try block(rows: range, columns: 0..<columns) }

    /// The columns `range`, every row. - Complexity: `O(1)`. - Throws: as ``block(rows:columns:)``.
    @inlinable
    public func columns(_ range: Range<Int>) throws -> MutableMatrixView { try block(rows: 0..<rows, columns: range) }

    /// The same entries as a `rows × columns` matrix, column-major (no copy).
    /// - Complexity: `O(1)`.
    /// - Throws: as ``MatrixView/reshaped(rows:columns:)``.
    @inlinable
    public func reshaped(rows newRows: Int, columns newColumns: Int) throws -> MutableMatrixView {
        MutableMatrixView(mutating: try readOnly.reshaped(rows: newRows, columns: newColumns))
    }

    /// Sets every entry to `value`.
    /// - Complexity: `rows·columns` writes.
    @inlinable
    public func fill(with value: Scalar) {
        forEachColumn { _, column in column.update(repeating: value, count: rows) }
    }

    /// Copies `source`, of the same shape, into this view.
    /// - Complexity: `rows·columns` reads and writes.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for another shape,
    ///   ``LinearAlgebraError/overlappingOperands(operation:output:input:)`` when `source` shares entries with
    ///   this view (unless it is this very view, which leaves it unchanged).
    @inlinable
    public func copy(from source: MatrixView<Scalar>) throws {
        try requireShape(source.shape, "MutableMatrixView.copy")
        let same = source.start == UnsafePointer(start) && source.leadingDimension == leadingDimension
        guard !same else { return }
        try requireDisjoint(from: source, "MutableMatrixView.copy", input: "source")
        forEachColumn { j, column in column.update(from: source.start + j * source.leadingDimension, count: rows) }
    }

    /// `self ← α·self` (BLAS `?scal`, column by column, or once when contiguous).
    /// - Complexity: `rows·columns` multiplications.
    /// - Throws: ``LinearAlgebraError/exceedsIndexRange(operation:argument:value:)`` for an extent BLAS cannot index.
    @inlinable
    public func scale(by alpha: Scalar) throws {
        guard !isEmpty else { return }
        if isContiguous {
            try Scalar.scal(count: rows * columns, alpha: alpha, x: start, strideX: 1)
        } else {
            for j in 0..<columns { try Scalar.scal(count: rows, alpha: alpha, x: start + j * leadingDimension, strideX: 1) }
        }
    }

    /// `self ← self + α·x` for `x` of the same shape (BLAS `?axpy`, column by column, or once when both are contiguous).
    /// - Complexity: `2·rows·columns` flops.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for another shape,
    ///   ``LinearAlgebraError/overlappingOperands(operation:output:input:)`` when `x` shares entries with this view.
    @inlinable
    public func add(_ x: MatrixView<Scalar>, scaledBy alpha: Scalar) throws {
        try requireShape(x.shape, "MutableMatrixView.add")
        try requireDisjoint(from: x, "axpy", input: "x")
        guard !isEmpty else { return }
        if isContiguous && x.isContiguous {
            try Scalar.axpy(count: rows * columns, alpha: alpha, x: x.start, strideX: 1, y: start, strideY: 1)
        } else {
            for j in 0..<columns {
                try Scalar.axpy(count: rows, alpha: alpha, x: x.start + j * x.leadingDimension, strideX: 1,
                                y: start + j * leadingDimension, strideY: 1)
            }
        }
    }

    /// `self ← diag(factors)·self`: row `i` multiplied by `factors[i]`, in place.
    /// - Complexity: one pass over the entries.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `factors.count == rows`.
    ///
    /// Pre-specialised for Float and Double: diagonal factors generic over a structure chosen at
    /// run time (SINGD's) reach it unspecialised, where the loop would run generic arithmetic.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func scaleRows(by factors: [Scalar]) throws {
        guard factors.count == rows else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "Matrix.scaleRows", expected: "\(rows) factors", actual: "\(factors.count)")
        }
        factors.withUnsafeBufferPointer { f in
            forEachColumn { _, column in
                for i in 0..<f.count { column[i] *= f[i] }
            }
        }
    }

    /// Throws unless `other` has this view's shape.
    @inlinable
    func requireShape(_ other: (rows: Int, columns: Int), _ operation: String) throws {
        guard other == shape else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "\(rows)×\(columns)", actual: "\(other.rows)×\(other.columns)")
        }
    }

    /// Throws ``LinearAlgebraError/overlappingOperands(operation:output:input:)`` when `input` shares an entry with this view.
    @inlinable
    func requireDisjoint(from input: MatrixView<Scalar>, _ operation: String, output: String = "the output",
                         input name: String) throws {
        guard !readOnly.overlaps(input) else {
            throw LinearAlgebraError.overlappingOperands(
                operation: operation, output: "\(output) (\(rows)×\(columns), ld \(leadingDimension))",
                input: "\(name) (\(input.rows)×\(input.columns), ld \(input.leadingDimension))")
        }
    }

    /// Calls `body(j, column)` for every column `j`, with `column` pointing at its `rows` entries.
    @inlinable
    func forEachColumn(_ body: (Int, UnsafeMutablePointer<Scalar>) throws -> Void) rethrows {
        guard rows > 0 else { return }
        for j in 0..<columns { try body(j, start + j * leadingDimension) }
    }
}
