extension Matrix {
    /// Throws ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` naming
    /// `operation` unless `other` has the same shape as `self` (the check in front of an
    /// in-place update that must not stop half way). - Complexity: O(1).
    @inlinable
    public func requireSameShape(as other: Matrix, _ operation: String) throws {
        guard rows == other.rows, columns == other.columns else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "\(rows)×\(columns)", actual: "\(other.rows)×\(other.columns)")
        }
    }

    /// Throws unless the matrix is square.
    @usableFromInline
    func requireSquare(_ operation: String) throws {
        guard isSquare else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "a square matrix", actual: "\(rows)×\(columns)")
        }
    }

    /// Throws ``LinearAlgebraError/nonFiniteInput(operation:argument:)`` if any entry is NaN or ±∞.
    @inlinable
    public func requireFinite(_ operation: String, argument: String) throws {
        guard isFinite else { throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: argument) }
    }

    /// `true` when no entry is NaN or ±∞. One vectorisable pass: `x·0` is `0` for
    /// finite `x` and NaN otherwise, and the NaN survives the sum.
    @inlinable
    public var isFinite: Bool {
        storage.withUnsafeBufferPointer { allFinite($0) }
    }

    /// `self + other`. - Complexity: one pass, `rows·columns` additions.
    @inlinable
    public static func + (lhs: Matrix, rhs: Matrix) throws -> Matrix {
        var result = lhs
        try result.add(rhs, scaledBy: 1)
        return result
    }

    /// `self − other`.
    @inlinable
    public static func - (lhs: Matrix, rhs: Matrix) throws -> Matrix {
        var result = lhs
        try result.add(rhs, scaledBy: -1)
        return result
    }

    /// `−matrix`.
    @inlinable
    public static prefix func - (matrix: Matrix) -> Matrix { matrix.scaled(by: -1) }

    /// `α·matrix`.
    @inlinable
    public static func * (alpha: Scalar, matrix: Matrix) -> Matrix { matrix.scaled(by: alpha) }

    /// The matrix product `lhs · rhs` (BLAS `?gemm`).
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when
    ///   `lhs.columns != rhs.rows`.
    @inlinable
    public static func * (lhs: Matrix, rhs: Matrix) throws -> Matrix {
        try lhs.multiplied(by: rhs)
    }

    /// `self ← self + α·other` (BLAS `?axpy` over the storage).
    @inlinable
    public mutating func add(_ other: Matrix, scaledBy alpha: Scalar) throws {
        try requireSameShape(as: other, "Matrix.add")
        try other.withView { x in try withMutableView { try $0.add(x, scaledBy: alpha) } }
    }

    /// `self ← α·self` (BLAS `?scal`).
    @inlinable
    public mutating func scale(by alpha: Scalar) {
        // A matrix's element count is within BLAS's index range (SizePolicy rule 3).
        withinIndexRange { try withMutableView { try $0.scale(by: alpha) } }
    }

    /// `self ← β·self + α·x` in one pass (a momentum or moving-sum recurrence, `m ← μm + g`),
    /// each product rounded, then their sum (no fused multiply-add). With `α = 1` (the default)
    /// it rounds as ``scale(by:)`` followed by ``add(_:scaledBy:)``, bit for bit.
    /// - Complexity: one pass over `self` and `x`; no allocation when the storage is unshared.
    /// - Accuracy: each entry within `2·eps·(|β·self| + |α·x|)` of the exact value.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for another shape.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func scale(by beta: Scalar, adding x: Matrix, scaledBy alpha: Scalar = 1) throws {
        try requireSameShape(as: x, "Matrix.scale(by:adding:scaledBy:)")
        x.storage.withUnsafeBufferPointer { source in
            storage.withUnsafeMutableBufferPointer { target in
                for k in target.indices { target[k] = beta * target[k] + alpha * source[k] }
            }
        }
    }

    /// `α·self`.
    @inlinable
    public func scaled(by alpha: Scalar) -> Matrix {
        var result = self
        result.scale(by: alpha)
        return result
    }

    /// `self ← self + α·I`.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless square.
    @inlinable
    public mutating func addToDiagonal(_ alpha: Scalar) throws {
        try requireSquare("Matrix.addToDiagonal")
        storage.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<rows { buffer[i * (rows + 1)] += alpha }
        }
    }

    /// The entrywise (Hadamard) product.
    @inlinable
    public func hadamard(_ other: Matrix) throws -> Matrix {
        try requireSameShape(as: other, "Matrix.hadamard")
        var result = self
        result.storage.withUnsafeMutableBufferPointer { r in
            other.storage.withUnsafeBufferPointer { o in
                for i in 0..<r.count { r[i] *= o[i] }
            }
        }
        return result
    }

    /// Applies `transform` to every entry.
    @inlinable
    public func map(_ transform: (Scalar) throws -> Scalar) rethrows -> Matrix {
        var result = self
        try result.storage.withUnsafeMutableBufferPointer { r in
            for i in 0..<r.count { r[i] = try transform(r[i]) }
        }
        return result
    }

    /// The transpose `Aᵀ`, copied in cache-friendly blocks.
    /// - Complexity: one pass over the entries.
    @inlinable
    public func transposed() -> Matrix {
        var result = Matrix(checkedRows: columns, columns: rows)
        // An empty matrix may still have a huge dimension (0 × 2⁶³ − 1 from a file): no loop.
        guard !isEmpty else { return result }
        let (m, n) = (rows, columns)
        let block = 32
        storage.withUnsafeBufferPointer { source in
            result.storage.withUnsafeMutableBufferPointer { target in
                for jb in stride(from: 0, to: n, by: block) {
                    for ib in stride(from: 0, to: m, by: block) {
                        for j in jb..<Swift.min(jb + block, n) {
                            for i in ib..<Swift.min(ib + block, m) { target[j + i * n] = source[i + j * m] }
                        }
                    }
                }
            }
        }
        return result
    }

    /// The Frobenius norm `‖A‖_F = sqrt(Σ a_ij²)`, computed by BLAS `?nrm2` without overflow.
    @inlinable
    public var frobeniusNorm: Scalar {
        let count = storage.count
        guard count > 0 else { return 0 }
        return withinIndexRange { try withView { try Scalar.nrm2(count: count, x: $0.start, strideX: 1) } }
    }

    /// The largest absolute entry `max |a_ij|` (0 for an empty matrix).
    @inlinable
    public var maxAbsoluteEntry: Scalar {
        storage.reduce(0) { Swift.max($0, abs($1)) }
    }

    /// The trace `Σ a_ii`.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless square.
    @inlinable
    public func trace() throws -> Scalar {
        try requireSquare("Matrix.trace")
        return diagonal.reduce(0, +)
    }

    /// `true` when square and `|a_ij − a_ji| ≤ tolerance · max(1, max |a|)` for all `i, j`.
    @inlinable
    public func isSymmetric(tolerance: Scalar = 0) -> Bool {
        guard isSquare else { return false }
        let bound = tolerance * Swift.max(1, maxAbsoluteEntry)
        for j in 0..<columns {
            for i in (j + 1)..<Swift.max(j + 1, rows) where abs(self[i, j] - self[j, i]) > bound {
                return false
            }
        }
        return true
    }

    /// Copies one triangle onto the other so the matrix is exactly symmetric
    /// (after `?syrk`, which writes only one triangle), in 64 × 64 tiles walked so that the
    /// writes run down columns and only the reads are strided: ≈ 6× faster than a column-by-column
    /// mirror at `n = 4 096` (K-FAC's dense factor updates).
    /// - Complexity: one pass over the triangle.
    @inlinable
    public mutating func symmetrize(from triangle: Triangle) throws {
        try requireSquare("Matrix.symmetrize")
        let (n, tile) = (rows, 64)
        let fillsUpper = triangle == .lower
        storage.withUnsafeMutableBufferPointer { a in
            for columnTile in stride(from: 0, to: n, by: tile) {
                let columnEnd = Swift.min(columnTile + tile, n)
                // The tiles of this column block that hold entries of the triangle being written.
                let rowTiles = fillsUpper ? stride(from: 0, to: columnEnd, by: tile)
                                          : stride(from: columnTile, to: n, by: tile)
                for rowTile in rowTiles {
                    let rowEnd = Swift.min(rowTile + tile, n)
                    for j in columnTile..<columnEnd {
                        // Column j of the target triangle: rows i < j (upper) or i > j (lower).
                        let first = fillsUpper ? rowTile : Swift.max(rowTile, j + 1)
                        let last = fillsUpper ? Swift.min(rowEnd, j) : rowEnd
                        guard first < last else { continue }
                        for i in first..<last { a[i + j * n] = a[j + i * n] }
                    }
                }
            }
        }
    }

    /// The largest absolute entry of `self − other` divided by `max(1, max |other|)`:
    /// the normwise relative distance tests compare against `c·n·eps`.
    @inlinable
    public func relativeDistance(to other: Matrix) throws -> Scalar {
        try requireSameShape(as: other, "Matrix.relativeDistance")
        var largest: Scalar = 0
        for (a, b) in zip(storage, other.storage) { largest = Swift.max(largest, abs(a - b)) }
        return largest / Swift.max(1, other.maxAbsoluteEntry)
    }
}

/// `true` when every entry of `buffer` is finite. Eight independent partial
/// sums of `x·0` keep the loop vectorisable; one NaN or ±∞ makes the total NaN.
/// Pre-specialised for Float and Double: callers generic over a structure chosen at run time
/// (SINGD's blocks) reach it unspecialised, where the loop would run generic arithmetic.
@inlinable
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func allFinite<Scalar: BinaryFloatingPoint>(_ buffer: UnsafeBufferPointer<Scalar>) -> Bool {
    var partial = (Scalar(0), Scalar(0), Scalar(0), Scalar(0), Scalar(0), Scalar(0), Scalar(0), Scalar(0))
    let count = buffer.count
    var i = 0
    while i + 8 <= count {
        partial.0 += buffer[i] * 0; partial.1 += buffer[i + 1] * 0
        partial.2 += buffer[i + 2] * 0; partial.3 += buffer[i + 3] * 0
        partial.4 += buffer[i + 4] * 0; partial.5 += buffer[i + 5] * 0
        partial.6 += buffer[i + 6] * 0; partial.7 += buffer[i + 7] * 0
        i += 8
    }
    while i < count { partial.0 += buffer[i] * 0; i += 1 }
    let total = partial.0 + partial.1 + partial.2 + partial.3 + partial.4 + partial.5 + partial.6 + partial.7
    return total == 0
}
