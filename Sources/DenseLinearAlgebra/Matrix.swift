/// A dense matrix stored column-major and contiguously, as BLAS and LAPACK expect.
///
/// `Matrix` is a value type: copies share storage until one of them is mutated
/// (copy-on-write through the underlying `Array`). The leading dimension is
/// `max(1, rows)`. Element `(i, j)` lives at `elements[i + j·rows]`.
///
/// Shape errors in the operators and factorizations are thrown as
/// ``LinearAlgebraError``; an out-of-range subscript is a programmer error and
/// traps, as for `Array`.
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
    /// - Precondition: `rows ≥ 0`, `columns ≥ 0`.
    @inlinable
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative, got \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.storage = Array(repeating: value, count: rows * columns)
    }

    /// A matrix from its entries in column-major order.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when
    ///   `elements.count != rows * columns` or a dimension is negative.
    public init(rows: Int, columns: Int, columnMajor elements: [Scalar]) throws {
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
        self.init(rows: rowList.count, columns: columns)
        for (i, row) in rowList.enumerated() {
            for (j, value) in row.enumerated() { self[i, j] = value }
        }
    }

    /// A matrix whose entry `(i, j)` is `entry(i, j)`, evaluated column by column.
    @inlinable
    public init(rows: Int, columns: Int, entry: (_ row: Int, _ column: Int) throws -> Scalar) rethrows {
        self.init(rows: rows, columns: columns)
        guard rows > 0 else { return }
        try storage.withUnsafeMutableBufferPointer { buffer in
            for j in 0..<columns {
                for i in 0..<rows { buffer[i + j * rows] = try entry(i, j) }
            }
        }
    }

    /// The `n × n` identity matrix.
    @inlinable
    public static func identity(_ n: Int) -> Matrix {
        var result = Matrix(rows: n, columns: n)
        for i in 0..<n { result[i, i] = 1 }
        return result
    }

    /// A `rows × columns` matrix of zeros.
    @inlinable
    public static func zeros(_ rows: Int, _ columns: Int) -> Matrix { Matrix(rows: rows, columns: columns) }

    /// The square matrix with `diagonal` on its diagonal and zeros elsewhere.
    @inlinable
    public init(diagonal: [Scalar]) {
        self.init(rows: diagonal.count, columns: diagonal.count)
        for (i, value) in diagonal.enumerated() { self[i, i] = value }
    }

    /// A column vector (`n × 1`) holding `vector`.
    @inlinable
    public init(column vector: [Scalar]) {
        self.rows = vector.count
        self.columns = 1
        self.storage = vector
    }

    /// The entry in row `i` and column `j`.
    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                         "Index (\(row), \(column)) out of range for a \(rows)×\(columns) matrix")
            return elements[row + column * rows]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                         "Index (\(row), \(column)) out of range for a \(rows)×\(columns) matrix")
            storage[row + column * rows] = newValue
        }
    }

    /// Column `j` as an array.
    @inlinable
    public func column(_ j: Int) -> [Scalar] {
        precondition(j >= 0 && j < columns, "Column \(j) out of range 0..<\(columns)")
        return Array(elements[(j * rows)..<((j + 1) * rows)])
    }

    /// Row `i` as an array.
    @inlinable
    public func row(_ i: Int) -> [Scalar] {
        precondition(i >= 0 && i < rows, "Row \(i) out of range 0..<\(rows)")
        return (0..<columns).map { elements[i + $0 * rows] }
    }

    /// Replaces column `j`.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when
    ///   `values.count != rows`.
    public mutating func setColumn(_ j: Int, to values: [Scalar]) throws {
        guard values.count == rows else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "Matrix.setColumn", expected: "\(rows) values", actual: "\(values.count) values")
        }
        precondition(j >= 0 && j < columns, "Column \(j) out of range 0..<\(columns)")
        storage.replaceSubrange((j * rows)..<((j + 1) * rows), with: values)
    }

    /// The diagonal entries `(i, i)` for `i < min(rows, columns)`.
    @inlinable
    public var diagonal: [Scalar] { (0..<Swift.min(rows, columns)).map { self[$0, $0] } }

    /// The columns `range` as a new matrix.
    @inlinable
    public func columns(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= columns, "Columns \(range) out of 0..<\(columns)")
        var result = Matrix(rows: rows, columns: range.count)
        result.storage = Array(elements[(range.lowerBound * rows)..<(range.upperBound * rows)])
        return result
    }

    /// The block of rows `rowRange` and columns `columnRange` as a new matrix.
    @inlinable
    public func submatrix(rows rowRange: Range<Int>, columns columnRange: Range<Int>) -> Matrix {
        precondition(rowRange.lowerBound >= 0 && rowRange.upperBound <= rows, "Rows \(rowRange) out of 0..<\(rows)")
        precondition(columnRange.lowerBound >= 0 && columnRange.upperBound <= columns,
                     "Columns \(columnRange) out of 0..<\(columns)")
        var result = Matrix(rows: rowRange.count, columns: columnRange.count)
        guard !result.isEmpty else { return result }
        let (m, k) = (rows, rowRange.count)
        storage.withUnsafeBufferPointer { source in
            result.storage.withUnsafeMutableBufferPointer { target in
                for (j, column) in columnRange.enumerated() {
                    (target.baseAddress! + j * k).update(from: source.baseAddress! + rowRange.lowerBound + column * m,
                                                         count: k)
                }
            }
        }
        return result
    }

    /// The matrix whose rows are those of `pieces`, top to bottom (block-row concatenation).
    /// - Complexity: one copy of every piece.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless every
    ///   piece has `columns` columns.
    @inlinable
    public init(stackingRows pieces: [Matrix], columns: Int) throws {
        if let bad = pieces.first(where: { $0.columns != columns }) {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "Matrix(stackingRows:columns:)", expected: "pieces of \(columns) columns",
                actual: "\(bad.rows)×\(bad.columns)")
        }
        let total = pieces.reduce(0) { $0 + $1.rows }
        self.init(rows: total, columns: columns)
        guard total > 0, columns > 0 else { return }
        storage.withUnsafeMutableBufferPointer { target in
            var offset = 0
            for piece in pieces {
                let k = piece.rows
                piece.storage.withUnsafeBufferPointer { source in
                    for j in 0..<columns where k > 0 {
                        (target.baseAddress! + offset + j * total).update(from: source.baseAddress! + j * k, count: k)
                    }
                }
                offset += k
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
        if elements.isEmpty {
            var dummy: Scalar = 0
            return try withUnsafePointer(to: &dummy) { try body($0) }
        }
        return try elements.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// The mutable counterpart of ``withBasePointer(_:)``.
    @inlinable
    mutating func withMutableBasePointer<R>(_ body: (UnsafeMutablePointer<Scalar>) throws -> R) rethrows -> R {
        if elements.isEmpty {
            var dummy: Scalar = 0
            return try withUnsafeMutablePointer(to: &dummy) { try body($0) }
        }
        return try storage.withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
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
