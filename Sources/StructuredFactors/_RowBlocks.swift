import DenseLinearAlgebra

// Helpers of the block structures (row slices and stacking are DenseLinearAlgebra's
// `submatrix(rows:columns:)` and `Matrix(stackingRows:columns:)`).

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
