/// A dense matrix stored column-major and contiguously, as BLAS and LAPACK expect.
///
/// `Matrix` is a value type: copies share storage until one of them is mutated
/// (copy-on-write through the underlying `Array`). The leading dimension is
/// `max(1, rows)`. Element `(i, j)` lives at `elements[i + j·rows]`.
///
/// Every initializer that takes a size checks it with ``SizePolicy`` and throws
/// before allocating; the non-throwing ones take their shape from an existing
/// matrix (``init(shapeOf:repeating:)``, ``transposed()``). Shape errors in the
/// operators and factorizations are thrown as ``LinearAlgebraError``; so are
/// out-of-range columns, rows and blocks (``column(_:)``, ``submatrix(rows:columns:)``),
/// whose ranges often come from data. Only the element subscript `m[i, j]` traps when
/// out of range, as `Array`'s does. See `Notes/DenseLinearAlgebra.md`, "Size and error policy".
public struct Matrix<Scalar: LinearAlgebraScalar>: Sendable, Hashable, Codable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// Column-major entries; the invariant `storage.count == rows * columns` is kept by every mutation.
    @usableFromInline var storage: [Scalar]

    /// The entries in column-major order; `elements.count == rows * columns`.
    @inlinable public var elements: [Scalar] { storage }

    /// The leading dimension passed to BLAS and LAPACK: `max(1, rows)`.
    @inlinable public var leadingDimension: Int { Swift.max(1, rows) }
    /// `true` when the matrix has as many rows as columns.
    @inlinable public var isSquare: Bool { rows == columns }
    /// `true` when the matrix has no entries.
    @inlinable public var isEmpty: Bool { elements.isEmpty }
    /// `(rows, columns)`, for messages and comparisons.
    @inlinable public var shape: (rows: Int, columns: Int) { (rows, columns) }

    /// A `rows × columns` matrix with every entry equal to `value`.
    /// - Complexity: `rows·columns` writes.
    /// - Throws: as ``SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)``, before allocating.
    @inlinable
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) throws {
        try SizePolicy.check("Matrix(rows:columns:)", "matrix", rows: rows, columns: columns, of: Scalar.self)
        self.init(checkedRows: rows, columns: columns, repeating: value)
    }

    /// The empty `0 × 0` matrix (a placeholder that needs no size check).
    @inlinable
    public init() {
        self.init(checkedRows: 0, columns: 0)
    }

    /// A matrix of the shape of `other` (which already satisfies ``SizePolicy``) with every
    /// entry equal to `value`; needs no check, so it does not throw.
    /// - Complexity: `rows·columns` writes.
    @inlinable
    public init(shapeOf other: Matrix, repeating value: Scalar = 0) {
        self.init(checkedRows: other.rows, columns: other.columns, repeating: value)
    }

    /// ``init(rows:columns:repeating:)`` whose size error names `operation` and `argument`
    /// (the entry point that needs the matrix) instead of the initializer.
    /// - Throws: as ``SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)``.
    @inlinable
    package init(rows: Int, columns: Int, for operation: @autoclosure () -> String,
                 _ argument: @autoclosure () -> String, repeating value: Scalar = 0) throws {
        try SizePolicy.check(operation(), argument(), rows: rows, columns: columns, of: Scalar.self)
        self.init(checkedRows: rows, columns: columns, repeating: value)
    }

    /// A matrix whose shape the caller has checked (or derived from a checked one), every entry
    /// `value`. A buffer of 4 MiB or more is advised to transparent huge pages before the fill
    /// touches it (`adviseHugePages(_:)`): a fresh 64 MiB matrix of zeros is then faulted in
    /// 2 MiB pages, ≈ 3× faster than `Array(repeating:count:)`'s 4 KiB ones.
    /// Inlinable so that the fill is specialised in its callers (unspecialised, it copied each
    /// entry through the type's value witness).
    /// - Complexity: one allocation and one pass of writes.
    @inlinable
    init(checkedRows rows: Int, columns: Int, repeating value: Scalar = 0) {
        self.rows = rows
        self.columns = columns
        let count = rows * columns
        self.storage = [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            buffer.initialize(repeating: value)
            initialized = count
        }
    }

    /// A matrix over `storage` (`rows·columns` entries) whose shape the caller has checked.
    @usableFromInline
    init(checkedRows rows: Int, columns: Int, storage: [Scalar]) {
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// A matrix from its entries in column-major order.
    /// - Throws: as ``SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the shape, then
    ///   ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when
    ///   `elements.count != rows * columns`.
    public init(rows: Int, columns: Int, columnMajor elements: [Scalar]) throws {
        try SizePolicy.check("Matrix(rows:columns:columnMajor:)", "matrix", rows: rows, columns: columns,
                             of: Scalar.self)
        guard Self.isValidShape(rows: rows, columns: columns, count: elements.count) else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "Matrix(rows:columns:columnMajor:)",
                expected: "\(rows)×\(columns) elements", actual: "\(elements.count) elements")
        }
        self.rows = rows
        self.columns = columns
        self.storage = elements
    }

    /// `true` when `rows, columns ≥ 0` and `rows·columns == count`, without overflowing.
    @usableFromInline
    static func isValidShape(rows: Int, columns: Int, count: Int) -> Bool {
        let (product, overflow) = rows.multipliedReportingOverflow(by: columns)
        return rows >= 0 && columns >= 0 && !overflow && product == count
    }

    /// A matrix from a list of rows.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when the
    ///   rows have different lengths.
    public init(rowsOf rowList: [[Scalar]]) throws {
        let columns = rowList.first?.count ?? 0
        if let ragged = rowList.firstIndex(where: { $0.count != columns }) {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "Matrix(rowsOf:)", expected: "every row of length \(columns)",
                actual: "row \(ragged) of length \(rowList[ragged].count)")
        }
        try self.init(rows: rowList.count, columns: columns)
        for (i, row) in rowList.enumerated() {
            for (j, value) in row.enumerated() { self[i, j] = value }
        }
    }

    /// A matrix whose entry `(i, j)` is `entry(i, j)`, evaluated column by column.
    /// - Complexity: `rows·columns` calls of `entry`.
    /// - Throws: as ``init(rows:columns:repeating:)`` before any call of `entry`, and what `entry` throws.
    @inlinable
    public init(rows: Int, columns: Int, entry: (_ row: Int, _ column: Int) throws -> Scalar) throws {
        try self.init(rows: rows, columns: columns)
        guard rows > 0 else { return }
        try storage.withUnsafeMutableBufferPointer { buffer in
            for j in 0..<columns {
                for i in 0..<rows { buffer[i + j * rows] = try entry(i, j) }
            }
        }
    }

    /// The `n × n` identity matrix.
    /// - Complexity: `n²` writes.
    /// - Throws: as ``init(rows:columns:repeating:)``.
    @inlinable
    public static func identity(_ n: Int) throws -> Matrix {
        try SizePolicy.check("Matrix.identity", "identity matrix", rows: n, columns: n, of: Scalar.self)
        var result = Matrix(checkedRows: n, columns: n)
        for i in 0..<n { result[i, i] = 1 }
        return result
    }

    /// A `rows × columns` matrix of zeros.
    /// - Complexity: `rows·columns` writes.
    /// - Throws: as ``init(rows:columns:repeating:)``.
    @inlinable
    public static func zeros(_ rows: Int, _ columns: Int) throws -> Matrix { try Matrix(rows: rows, columns: columns) }

    /// The square matrix with `diagonal` on its diagonal and zeros elsewhere.
    /// - Complexity: `n²` writes.
    /// - Throws: as ``SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the `n × n` result.
    @inlinable
    public init(diagonal: [Scalar]) throws {
        try SizePolicy.check("Matrix(diagonal:)", "matrix", rows: diagonal.count, columns: diagonal.count,
                             of: Scalar.self)
        self.init(checkedRows: diagonal.count, columns: diagonal.count)
        for (i, value) in diagonal.enumerated() { self[i, i] = value }
    }

    /// A column vector (`n × 1`) holding `vector` (no copy).
    /// - Throws: ``LinearAlgebraError/exceedsIndexRange(operation:argument:value:)`` when
    ///   `n > Int32.max` (BLAS could not index it).
    @inlinable
    public init(column vector: [Scalar]) throws {
        try SizePolicy.check("Matrix(column:)", "column", count: vector.count, of: Scalar.self)
        self.rows = vector.count
        self.columns = 1
        self.storage = vector
    }

    /// The entry in row `i` and column `j`.
    /// - Precondition: `0 ≤ i < rows`, `0 ≤ j < columns` (a programmer error, as for `Array`);
    ///   a violation stops the program with a message naming the index and the shape, in
    ///   release builds too (where `precondition` would print nothing).
    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get {
            guard contains(row: row, column: column) else { indexOutOfRange(row: row, column: column) }
            return elements[row + column * rows]
        }
        set {
            guard contains(row: row, column: column) else { indexOutOfRange(row: row, column: column) }
            storage[row + column * rows] = newValue
        }
    }

    /// `true` when `(row, column)` indexes an entry (one unsigned comparison per index).
    @inlinable
    func contains(row: Int, column: Int) -> Bool {
        UInt(bitPattern: row) < UInt(bitPattern: rows) && UInt(bitPattern: column) < UInt(bitPattern: columns)
    }

    /// Stops the program for an out-of-range subscript; `fatalError`, unlike `precondition`,
    /// keeps its message in optimised builds.
    @usableFromInline @inline(never)
    func indexOutOfRange(row: Int, column: Int) -> Never {
        fatalError("Matrix index (\(row), \(column)) out of range for a \(rows)×\(columns) matrix")
    }

    /// Column `j` as an array.
    /// - Complexity: one copy of the column.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` unless `0 ≤ j < columns`.
    @inlinable
    public func column(_ j: Int) throws -> [Scalar] {
        try requireIndex(j, in: columns, "Matrix.column", "column")
        return Array(elements[(j * rows)..<((j + 1) * rows)])
    }

    /// Row `i` as an array.
    /// - Complexity: one strided copy of the row.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` unless `0 ≤ i < rows`.
    @inlinable
    public func row(_ i: Int) throws -> [Scalar] {
        try requireIndex(i, in: rows, "Matrix.row", "row")
        return (0..<columns).map { elements[i + $0 * rows] }
    }

    /// Throws unless `index` lies in `0..<count`.
    @inlinable
    func requireIndex(_ index: Int, in count: Int, _ operation: String, _ what: String) throws {
        guard index >= 0, index < count else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "\(what) \(index) is outside 0..<\(count) of a \(rows)×\(columns) matrix")
        }
    }

    /// Throws unless `range` lies within `0..<count`.
    @inlinable
    func requireRange(_ range: Range<Int>, in count: Int, _ operation: String, _ what: String) throws {
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation,
                detail: "\(what) \(range) are outside 0..<\(count) of a \(rows)×\(columns) matrix")
        }
    }

    /// Replaces column `j`.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` unless `0 ≤ j < columns`,
    ///   ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when
    ///   `values.count != rows`.
    public mutating func setColumn(_ j: Int, to values: [Scalar]) throws {
        try requireIndex(j, in: columns, "Matrix.setColumn", "column")
        guard values.count == rows else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "Matrix.setColumn", expected: "\(rows) values", actual: "\(values.count) values")
        }
        storage.replaceSubrange((j * rows)..<((j + 1) * rows), with: values)
    }

    /// The diagonal entries `(i, i)` for `i < min(rows, columns)`.
    @inlinable
    public var diagonal: [Scalar] { (0..<Swift.min(rows, columns)).map { self[$0, $0] } }

    /// The columns `range` as a new matrix.
    /// - Complexity: one copy of the columns.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` unless `range` lies in `0..<columns`.
    @inlinable
    public func columns(_ range: Range<Int>) throws -> Matrix {
        try requireRange(range, in: columns, "Matrix.columns", "columns")
        var result = Matrix(checkedRows: rows, columns: range.count)
        result.storage = Array(elements[(range.lowerBound * rows)..<(range.upperBound * rows)])
        return result
    }

    /// The block of rows `rowRange` and columns `columnRange` as a new matrix: a copy made from
    /// ``withView(rows:columns:_:)``, which reads the block in place when no copy is needed.
    /// - Complexity: one copy of the block.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` unless both ranges lie
    ///   within the matrix.
    @inlinable
    public func submatrix(rows rowRange: Range<Int>, columns columnRange: Range<Int>) throws -> Matrix {
        try requireRange(rowRange, in: rows, "Matrix.submatrix", "rows")
        try requireRange(columnRange, in: columns, "Matrix.submatrix", "columns")
        return try withView(rows: rowRange, columns: columnRange) { try Matrix(copying: $0) }
    }

    /// The matrix whose rows are those of `pieces`, top to bottom (block-row concatenation).
    /// - Complexity: one copy of every piece.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless every
    ///   piece has `columns` columns; as ``SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for
    ///   the result.
    @inlinable
    public init(stackingRows pieces: [Matrix], columns: Int) throws {
        if let bad = pieces.first(where: { $0.columns != columns }) {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "Matrix(stackingRows:columns:)", expected: "pieces of \(columns) columns",
                actual: "\(bad.rows)×\(bad.columns)")
        }
        let total = pieces.reduce(0) { $0 + $1.rows }
        try SizePolicy.check("Matrix(stackingRows:columns:)", "stacked matrix", rows: total, columns: columns,
                             of: Scalar.self)
        self.init(checkedRows: total, columns: columns)
        guard total > 0, columns > 0 else { return }
        try withMutableView { target in
            var offset = 0
            for piece in pieces {
                try piece.withView { try target.rows(offset..<(offset + piece.rows)).copy(from: $0) }
                offset += piece.rows
            }
        }
    }

    /// Reinterprets the column-major entries as a `rows × columns` matrix (no copy).
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when the
    ///   element count differs.
    public func reshaped(rows newRows: Int, columns newColumns: Int) throws -> Matrix {
        try Matrix(rows: newRows, columns: newColumns, columnMajor: elements)
    }

    /// Calls `body` with the column-major storage.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try elements.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with mutable column-major storage (the shape cannot change).
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// Calls `body` with a base pointer that is valid even for an empty matrix, as
    /// BLAS and LAPACK require a non-null pointer.
    @inlinable
    func withBasePointer<R>(_ body: (UnsafePointer<Scalar>) throws -> R) rethrows -> R {
        try withView { try body($0.start) }
    }

    /// The mutable counterpart of ``withBasePointer(_:)``.
    @inlinable
    mutating func withMutableBasePointer<R>(_ body: (UnsafeMutablePointer<Scalar>) throws -> R) rethrows -> R {
        try withMutableView { try body($0.start) }
    }
}

extension Matrix: CustomStringConvertible {
    /// Rows on separate lines; large matrices are shown by shape only.
    public var description: String {
        guard rows * columns <= 400 else { return "Matrix<\(Scalar.self)>(\(rows)×\(columns))" }
        let lines = (0..<rows).map { i in (0..<columns).map { "\(self[i, $0])" }.joined(separator: "  ") }
        return "Matrix<\(Scalar.self)>(\(rows)×\(columns))\n" + lines.joined(separator: "\n")
    }
}
