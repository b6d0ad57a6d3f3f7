import DenseLinearAlgebra

// Row slices of column-major matrices, for the block structures: a block row of `X` is a
// strided copy, and results are stacked back from their block rows.

extension Matrix {
    /// Rows `range` of `self` as a new matrix. - Complexity: one copy of the rows.
    @inlinable
    func rowBlock(_ range: Range<Int>) -> Matrix {
        var result = Matrix(rows: range.count, columns: columns)
        guard !range.isEmpty, columns > 0 else { return result }
        let (m, k) = (rows, range.count)
        withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for j in 0..<columns {
                    for i in 0..<k { target[i + j * k] = source[range.lowerBound + i + j * m] }
                }
            }
        }
        return result
    }

    /// The matrix whose rows are those of `pieces`, top to bottom, all of `columns` columns.
    /// - Complexity: one copy of every piece.
    @inlinable
    static func stackingRows(_ pieces: [Matrix], columns: Int) -> Matrix {
        let total = pieces.reduce(0) { $0 + $1.rows }
        var result = Matrix(rows: total, columns: columns)
        guard total > 0, columns > 0 else { return result }
        result.withUnsafeMutableBufferPointer { target in
            var offset = 0
            for piece in pieces {
                precondition(piece.columns == columns, "stacked \(piece.columns) columns onto \(columns)")
                let k = piece.rows
                piece.withUnsafeBufferPointer { source in
                    for j in 0..<columns {
                        for i in 0..<k { target[offset + i + j * total] = source[i + j * k] }
                    }
                }
                offset += k
            }
        }
        return result
    }

    /// `self` with row `i` multiplied by `factors[i]` (`diag(factors)·self`).
    /// - Precondition: `factors.count == rows` (checked by the callers' shape checks).
    @inlinable
    func scalingRowsUnchecked(by factors: [Scalar]) -> Matrix {
        precondition(factors.count == rows, "\(factors.count) row factors for \(rows) rows")
        var result = self
        guard !isEmpty else { return result }
        let m = rows
        result.withUnsafeMutableBufferPointer { r in
            factors.withUnsafeBufferPointer { f in
                for j in 0..<columns {
                    for i in 0..<m { r[i + j * m] *= f[i] }
                }
            }
        }
        return result
    }
}

/// The consecutive ranges of the given lengths, starting at 0.
@inlinable
func consecutiveRanges(_ lengths: [Int]) -> [Range<Int>] {
    var start = 0
    return lengths.map { length in
        defer { start += length }
        return start..<(start + length)
    }
}

/// `sqrt(Σ xᵢ²)` of norms or entries, scaled by the largest magnitude so that it neither
/// overflows nor underflows (as `?nrm2` does). - Complexity: two passes.
@inlinable
func scaledEuclideanNorm<Scalar: LinearAlgebraScalar>(_ values: [Scalar]) -> Scalar {
    let largest = values.reduce(0) { Swift.max($0, abs($1)) }
    guard largest > 0, largest.isFinite else { return largest }
    let sum = values.reduce(0) { $0 + ($1 / largest) * ($1 / largest) }
    return largest * sum.squareRoot()
}
