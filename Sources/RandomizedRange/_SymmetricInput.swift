import DenseLinearAlgebra

extension Matrix {
    /// Throws unless `self` is square, finite and symmetric to
    /// `|a_ij − a_ji| ≤ 16·n·eps·max|a|` — the asymmetry that rounding leaves in a
    /// matrix formed by a GEMM such as `XᵀX` (a relative bound, so it does not depend
    /// on the scale of the entries). Both triangles are read: the randomized
    /// algorithms multiply by the whole matrix.
    @inlinable
    func requireSymmetric(_ operation: String) throws {
        guard isSquare else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "a square matrix", actual: "\(rows)×\(columns)")
        }
        try requireFinite(operation, argument: "M")
        let n = rows
        let tolerance = 16 * Scalar(Swift.max(n, 1)) * Scalar.ulpOfOne * maxAbsoluteEntry
        let worst = withUnsafeBufferPointer { a -> (difference: Scalar, i: Int, j: Int) in
            var worst: (difference: Scalar, i: Int, j: Int) = (0, 0, 0)
            for j in 0..<n {
                for i in (j + 1)..<Swift.max(j + 1, n) {
                    let difference = abs(a[i + j * n] - a[j + i * n])
                    if difference > worst.difference { worst = (difference, i, j) }
                }
            }
            return worst
        }
        guard worst.difference <= tolerance else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation,
                detail: "M is not symmetric: |M[\(worst.i),\(worst.j)] − M[\(worst.j),\(worst.i)]| = \(worst.difference) "
                    + "exceeds 16·n·eps·max|M| = \(tolerance)")
        }
    }
}
