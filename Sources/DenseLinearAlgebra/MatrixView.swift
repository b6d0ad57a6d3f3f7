/// A read-only, non-owning view of a column-major block of scalars: `rows × columns` entries,
/// entry `(i, j)` at offset `i + j·leadingDimension` from the view's start, exactly the
/// `(A, LDA)` pair BLAS and LAPACK take.
///
/// A view is obtained only inside a closure — ``Matrix/withView(_:)``,
/// ``Matrix/withView(rows:columns:_:)``, ``MutableMatrixView/readOnly`` — and is valid only
/// while that closure runs: it holds a pointer into the matrix's storage, not the storage.
/// Sub-views (``block(rows:columns:)``, ``rows(_:)``, ``columns(_:)``, ``reshaped(rows:columns:)``)
/// share the same lifetime. Do not store a view or return it from the closure.
/// (Swift 6.3 can express that rule in the type, `~Escapable`, only with the experimental
/// `Lifetimes` feature; `Notes/DenseLinearAlgebra.md`, "Views".)
///
/// Bounds are checked: an out-of-range block throws ``LinearAlgebraError/invalidArgument(operation:detail:)``;
/// the element subscript stops the program, as ``Matrix``'s does.
public struct MatrixView<Scalar: LinearAlgebraScalar> {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The distance between the starts of two consecutive columns, `≥ max(1, rows)`.
    public let leadingDimension: Int
    /// The first entry; never dereferenced for an empty view.
    @usableFromInline let start: UnsafePointer<Scalar>

    /// A view whose shape the caller has checked against its storage.
    @inlinable
    init(checkedStart start: UnsafePointer<Scalar>, rows: Int, columns: Int, leadingDimension: Int) {
        self.start = start
        self.rows = rows
        self.columns = columns
        self.leadingDimension = leadingDimension
    }

    /// A view of `rows × columns` entries in `buffer`, column `j` starting at `j·leadingDimension`
    /// (`rows` when `nil`). The view is valid only while `buffer` is: this is the unsafe entry
    /// point for storage that is not a ``Matrix`` (a workspace, an array reshaped).
    /// - Complexity: `O(1)`.
    /// - Throws: ``LinearAlgebraError/invalidSize(operation:argument:value:)`` for a negative extent,
    ///   ``LinearAlgebraError/invalidArgument(operation:detail:)`` when the leading dimension is below
    ///   `max(1, rows)` or the entries do not fit in `buffer`.
    @inlinable
    public init(unsafeBuffer buffer: UnsafeBufferPointer<Scalar>, rows: Int, columns: Int,
                leadingDimension: Int? = nil) throws {
        let ld = leadingDimension ?? Swift.max(1, rows)
        try requireViewShape(rows: rows, columns: columns, leadingDimension: ld, capacity: buffer.count,
                             "MatrixView(unsafeBuffer:)")
        self.init(checkedStart: viewStart(buffer.baseAddress), rows: rows, columns: columns, leadingDimension: ld)
    }

    /// The first entry, for the pointer-level routines of ``LinearAlgebraScalar`` (with
    /// ``leadingDimension`` as their `lda`). Valid only while the view is; never dereference it
    /// for an empty view.
    @inlinable public var unsafeStart: UnsafePointer<Scalar> { start }

    /// `true` when the view has no entries.
    @inlinable public var isEmpty: Bool { rows == 0 || columns == 0 }
    /// `true` when the columns follow each other without a gap (`leadingDimension == rows`, or one column).
    @inlinable public var isContiguous: Bool { leadingDimension == rows || columns <= 1 }
    /// `(rows, columns)`, for messages and comparisons.
    @inlinable public var shape: (rows: Int, columns: Int) { (rows, columns) }

    /// The entry in row `i` and column `j`.
    /// - Precondition: `0 ≤ i < rows`, `0 ≤ j < columns`; a violation stops the program with the
    ///   index and the shape, as ``Matrix``'s subscript.
    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        guard UInt(bitPattern: row) < UInt(bitPattern: rows), UInt(bitPattern: column) < UInt(bitPattern: columns) else {
            viewIndexOutOfRange(row: row, column: column, rows: rows, columns: columns)
        }
        return start[row + column * leadingDimension]
    }

    /// The block of rows `rowRange` and columns `columnRange`, sharing this view's storage.
    /// - Complexity: `O(1)`.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` unless both ranges lie within the view.
    @inlinable
    public func block(rows rowRange: Range<Int>, columns columnRange: Range<Int>) throws -> MatrixView {
        let offset = try blockOffset(rows: rowRange, columns: columnRange, shape: shape,
                                     leadingDimension: leadingDimension, "MatrixView.block")
        return MatrixView(checkedStart: start + offset, rows: rowRange.count, columns: columnRange.count,
                          leadingDimension: leadingDimension)
    }

    /// The rows `range`, every column. - Complexity: `O(1)`. - Throws: as ``block(rows:columns:)``.
    @inlinable
    public func rows(_ range: Range<Int>) throws -> MatrixView { try block(rows: range, columns: 0..<columns) }

    /// The columns `range`, every row. - Complexity: `O(1)`. - Throws: as ``block(rows:columns:)``.
    @inlinable
    public func columns(_ range: Range<Int>) throws -> MatrixView { try block(rows: 0..<rows, columns: range) }

    /// The same entries read as a `rows × columns` matrix, column-major (no copy).
    /// - Complexity: `O(1)`.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` unless the view is contiguous
    ///   and holds `rows·columns` entries.
    @inlinable
    public func reshaped(rows newRows: Int, columns newColumns: Int) throws -> MatrixView {
        try requireReshape(from: shape, contiguous: isContiguous, to: (newRows, newColumns), "MatrixView.reshaped")
        return MatrixView(checkedStart: start, rows: newRows, columns: newColumns,
                          leadingDimension: Swift.max(1, newRows))
    }

    /// The address range `[first, last]` of the entries (`nil` for an empty view), for overlap tests.
    @inlinable
    var addressRange: ClosedRange<UInt>? {
        guard !isEmpty else { return nil }
        let stride = UInt(MemoryLayout<Scalar>.stride)
        let first = UInt(bitPattern: start)
        return first...(first + UInt((columns - 1) * leadingDimension + rows - 1) * stride)
    }

    /// `true` when this view and `other` share at least one entry. Two blocks of one matrix
    /// (same leading dimension) are compared by their row and column ranges, so the top and
    /// bottom halves of a matrix do not overlap although their address ranges interleave;
    /// views with different leading dimensions are compared by address range (conservative).
    /// - Complexity: `O(1)`.
    @inlinable
    public func overlaps(_ other: MatrixView) -> Bool {
        guard let mine = addressRange, let theirs = other.addressRange, mine.overlaps(theirs) else { return false }
        guard leadingDimension == other.leadingDimension else { return true }
        let stride = MemoryLayout<Scalar>.stride
        let distance = (Int(bitPattern: UInt(bitPattern: other.start)) - Int(bitPattern: UInt(bitPattern: start)))
        guard distance % stride == 0 else { return true }
        let offset = distance / stride
        let ld = leadingDimension
        // `other` starts at (row, column) = (offset mod ld, offset div ld) relative to `self`.
        let (columnShift, rowShift) = (offset.quotientAndRemainder(dividingBy: ld))
        let (row, column) = rowShift >= 0 ? (rowShift, columnShift) : (rowShift + ld, columnShift - 1)
        // A block that wraps from one column into the next is not a block of a common parent.
        guard row + other.rows <= ld else { return true }
        let rowsMeet = row < rows && row + other.rows > 0
        let columnsMeet = column < columns && column + other.columns > 0
        return rowsMeet && columnsMeet
    }

    /// `true` when no entry is NaN or ±∞ (one vectorisable pass per column, as ``Matrix/isFinite``).
    /// - Complexity: `rows·columns` reads.
    @inlinable
    public var isFinite: Bool {
        var finite = true
        forEachColumn { _, column in finite = finite && allFinite(UnsafeBufferPointer(start: column, count: rows)) }
        return finite
    }

    /// Throws ``LinearAlgebraError/nonFiniteInput(operation:argument:)`` naming `operation` and `argument`
    /// if any entry is NaN or ±∞.
    /// - Complexity: `rows·columns` reads.
    @inlinable
    public func requireFinite(_ operation: String, argument: String) throws {
        guard isFinite else { throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: argument) }
    }

    /// Calls `body(j, column)` for every column `j`, with `column` pointing at its `rows` entries.
    @inlinable
    func forEachColumn(_ body: (Int, UnsafePointer<Scalar>) throws -> Void) rethrows {
        guard rows > 0 else { return }
        for j in 0..<columns { try body(j, start + j * leadingDimension) }
    }
}

/// The start of a view over `address`, or an aligned non-null placeholder for empty storage
/// (an empty view is never dereferenced, and BLAS is never called for it).
@inlinable
func viewStart<Scalar>(_ address: UnsafePointer<Scalar>?) -> UnsafePointer<Scalar> {
    // `alignment` is a non-zero multiple of the type's alignment, so the placeholder is non-null and aligned.
    address ?? UnsafePointer(bitPattern: MemoryLayout<Scalar>.alignment).unsafelyUnwrapped
}

/// The mutable counterpart of `viewStart(_:)`.
@inlinable
func mutableViewStart<Scalar>(_ address: UnsafeMutablePointer<Scalar>?) -> UnsafeMutablePointer<Scalar> {
    address ?? UnsafeMutablePointer(mutating: viewStart(UnsafePointer<Scalar>?.none))
}

/// Throws unless `rows × columns` entries with leading dimension `leadingDimension` fit in
/// `capacity` scalars.
@inlinable
func requireViewShape(rows: Int, columns: Int, leadingDimension: Int, capacity: Int, _ operation: String) throws {
    guard rows >= 0 else { throw LinearAlgebraError.invalidSize(operation: operation, argument: "rows", value: rows) }
    guard columns >= 0 else {
        throw LinearAlgebraError.invalidSize(operation: operation, argument: "columns", value: columns)
    }
    guard leadingDimension >= Swift.max(1, rows) else {
        throw LinearAlgebraError.invalidArgument(
            operation: operation, detail: "leading dimension \(leadingDimension) is below max(1, rows = \(rows))")
    }
    guard rows > 0, columns > 0 else { return }
    let (span, overflow) = (columns - 1).multipliedReportingOverflow(by: leadingDimension)
    guard !overflow, span <= capacity - rows else {
        throw LinearAlgebraError.invalidArgument(
            operation: operation,
            detail: "\(rows)×\(columns) entries with leading dimension \(leadingDimension) do not fit in \(capacity)")
    }
}

/// The offset of the block `rowRange × columnRange` of a `shape` view, or an error naming the range.
@inlinable
func blockOffset(rows rowRange: Range<Int>, columns columnRange: Range<Int>, shape: (rows: Int, columns: Int),
                 leadingDimension: Int, _ operation: String) throws -> Int {
    // Two plain comparisons per range: this runs for every block a kernel takes (no array literal here).
    func outside(_ range: Range<Int>, _ count: Int, _ what: String) -> LinearAlgebraError {
        .invalidArgument(operation: operation,
                         detail: "\(what) \(range) are outside 0..<\(count) of a \(shape.rows)×\(shape.columns) view")
    }
    guard rowRange.lowerBound >= 0, rowRange.upperBound <= shape.rows else { throw outside(rowRange, shape.rows, "rows") }
    guard columnRange.lowerBound >= 0, columnRange.upperBound <= shape.columns else {
        throw outside(columnRange, shape.columns, "columns")
    }
    // An empty block keeps the parent's start: its offset could point past the storage.
    guard !rowRange.isEmpty, !columnRange.isEmpty else { return 0 }
    return rowRange.lowerBound + columnRange.lowerBound * leadingDimension
}

/// Throws unless a view of `shape` can be read as `target` without a copy.
@inlinable
func requireReshape(from shape: (rows: Int, columns: Int), contiguous: Bool, to target: (rows: Int, columns: Int),
                    _ operation: String) throws {
    let (count, overflow) = target.rows.multipliedReportingOverflow(by: target.columns)
    guard target.rows >= 0, target.columns >= 0, contiguous, !overflow, count == shape.rows * shape.columns else {
        throw LinearAlgebraError.invalidArgument(
            operation: operation,
            detail: "a \(contiguous ? "" : "non-contiguous ")\(shape.rows)×\(shape.columns) view cannot be read as "
                + "\(target.rows)×\(target.columns)")
    }
}

/// Stops the program for an out-of-range view subscript (message kept in release builds).
@usableFromInline @inline(never)
func viewIndexOutOfRange(row: Int, column: Int, rows: Int, columns: Int) -> Never {
    fatalError("MatrixView index (\(row), \(column)) out of range for a \(rows)×\(columns) view")
}
