import DenseLinearAlgebra

extension Matrix {
    /// Throws unless `self` is square, finite and symmetric to
    /// `|a_ij − a_ji| ≤ 16·n·eps·max|a|` — the asymmetry that rounding leaves in a
    /// matrix formed by a GEMM such as `XᵀX` (a relative bound, so it does not depend
    /// on the scale of the entries). Both triangles are read: the randomized
    /// algorithms multiply by the whole matrix.
    ///
    /// One pass over the matrix in square tiles: each tile of the lower triangle is read
    /// with its mirror tile, so the transposed reads stay in cache, and finiteness, the
    /// largest entry and the largest asymmetry are found together (a column-by-column walk
    /// of the mirror touches one cache line per entry and cost more than a GEMM with
    /// 42 columns at n = 2048; `Notes/RandomizedRange.md`, "Where the time went").
    /// - Complexity: `n²` reads, one pass.
    @inlinable
    func requireSymmetric(_ operation: String) throws {
        guard isSquare else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "a square matrix", actual: "\(rows)×\(columns)")
        }
        let n = rows
        let tile = 64
        let scan = withUnsafeBufferPointer { a -> (poison: Scalar, maximum: Scalar, difference: Scalar, i: Int, j: Int) in
            // x·0 is 0 for finite x and NaN otherwise; the NaN survives the sum.
            var scan: (poison: Scalar, maximum: Scalar, difference: Scalar, i: Int, j: Int) = (0, 0, 0, 0, 0)
            for columnStart in stride(from: 0, to: n, by: tile) {
                let columnEnd = Swift.min(columnStart + tile, n)
                for rowStart in stride(from: columnStart, to: n, by: tile) {
                    let rowEnd = Swift.min(rowStart + tile, n)
                    for j in columnStart..<columnEnd {
                        for i in Swift.max(rowStart, j)..<rowEnd {
                            let lower = a[i + j * n]
                            let upper = a[j + i * n]
                            scan.poison += lower * 0 + upper * 0
                            let magnitude = Swift.max(abs(lower), abs(upper))
                            if magnitude > scan.maximum { scan.maximum = magnitude }
                            let difference = abs(lower - upper)
                            if difference > scan.difference { scan.difference = difference; scan.i = i; scan.j = j }
                        }
                    }
                }
            }
            return scan
        }
        guard scan.poison == 0 else { throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: "M") }
        let tolerance = 16 * Scalar(Swift.max(n, 1)) * Scalar.ulpOfOne * scan.maximum
        guard scan.difference <= tolerance else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation,
                detail: "M is not symmetric: |M[\(scan.i),\(scan.j)] − M[\(scan.j),\(scan.i)]| = \(scan.difference) "
                    + "exceeds 16·n·eps·max|M| = \(tolerance)")
        }
    }
}
