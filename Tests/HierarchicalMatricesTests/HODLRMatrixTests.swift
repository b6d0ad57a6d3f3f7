import DenseLinearAlgebra
import HierarchicalMatrices
import Testing

/// HODLR compression, products, solves and determinants against the dense matrix, on
/// the kernel matrices HODLR is for: smooth kernels on sorted points in one dimension.
@Suite("HODLR matrices against dense references")
struct HODLRMatrixTests {
    /// Sorted points in [0, 1).
    func points(_ n: Int, seed: UInt64) -> [Double] {
        var generator = Xoshiro256StarStar(seed: seed)
        return (0..<n).map { _ in Double.random(in: 0..<1, using: &generator) }.sorted()
    }

    /// `exp(−(|xᵢ − xⱼ|/ℓ)²) + σ²·δᵢⱼ` (Gaussian kernel, SPD) and `1/(1 + 10|xᵢ − xⱼ|)`
    /// plus 2 on the diagonal (nonsymmetric after a skew term): the two shapes of test matrix.
    func kernel<Scalar: LinearAlgebraScalar>(_ x: [Double], symmetric: Bool) -> (Int, Int) -> Scalar {
        { i, j in
            let d = abs(x[i] - x[j])
            if symmetric { return Scalar(Double.exp(-(d / 0.3) * (d / 0.3)) + (i == j ? 1e-1 : 0)) }
            return Scalar(1 / (1 + 10 * d) + (i == j ? 2 : 0) + 0.1 * (x[i] - x[j]))
        }
    }

    func check<Scalar: LinearAlgebraScalar>(_ h: HODLRMatrix<Scalar>, against a: Matrix<Scalar>, tolerance tau: Scalar,
                                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        let n = a.rows
        var generator = Xoshiro256StarStar(seed: 7)
        let dense = try h.dense()
        // The contract: ‖A − H‖_F ≤ τ·‖A‖_F (a factor 2 for the range finder's estimate).
        #expect(try (a - dense).frobeniusNorm <= 2 * tau * a.frobeniusNorm, sourceLocation: sourceLocation)
        #expect(h.storedCount < n * n, "compressed", sourceLocation: sourceLocation)
        let x = try Matrix<Scalar>.randomGaussian(rows: n, columns: 3, using: &generator)
        // Products with H are GEMMs on its blocks: c·n·eps relative to |H|·|x|.
        let roundoff = Scalar(10 * n) * Scalar.ulpOfOne
        let product = try dense.multiplied(by: x)
        #expect(try (h.apply(to: x) - product).maxAbsoluteEntry <= roundoff * a.maxAbsoluteEntry * Scalar(n) * x.maxAbsoluteEntry,
                sourceLocation: sourceLocation)
        // Solve and determinant against LU of the dense H. The normwise backward error
        // ‖Hx − b‖∞ / (‖H‖∞‖x‖∞ + ‖b‖∞) of a Woodbury solve is c·n·eps·cond(C) for the
        // capacitance matrices, which are well conditioned here: measured below 10⁻³·n·eps.
        let factorization = try h.factorized()
        let solution = try factorization.solve(x)
        let residual = try (dense.multiplied(by: solution) - x).maxAbsoluteEntry
        let scale = infinityNorm(dense) * solution.maxAbsoluteEntry + x.maxAbsoluteEntry
        #expect(residual <= 10 * Scalar(n) * Scalar.ulpOfOne * scale, sourceLocation: sourceLocation)
        // log|det| to c·n·eps·cond(H) (first-order perturbation of log det is tr(H⁻¹E)).
        let reference = try LUFactorization(dense).logAbsoluteDeterminant()
        let computed = factorization.logAbsoluteDeterminant()
        #expect(computed.sign == reference.sign, sourceLocation: sourceLocation)
        #expect(abs(computed.logAbs - reference.logAbs) <= 100 * Scalar(n) * Scalar.ulpOfOne * Swift.max(1, abs(reference.logAbs)),
                sourceLocation: sourceLocation)
    }

    /// `max_i Σ_j |a_ij|`.
    func infinityNorm<Scalar: LinearAlgebraScalar>(_ a: Matrix<Scalar>) -> Scalar {
        (0..<a.rows).map { i in (0..<a.columns).reduce(Scalar(0)) { $0 + abs(a[i, $1]) } }.max() ?? 0
    }

    func kernels<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 11)
        for (n, leaf) in [(200, 32), (257, 40)] {
            let x = points(n, seed: UInt64(n))
            for symmetric in [true, false] {
                let f: (Int, Int) -> Scalar = kernel(x, symmetric: symmetric)
                let a = try Matrix<Scalar>(rows: n, columns: n, entry: f)
                let options = HODLRMatrix<Scalar>.Options(leafSize: leaf)
                let fromDense = try HODLRMatrix(compressing: a, options: options, using: &generator)
                try check(fromDense, against: a, tolerance: options.tolerance)
                let fromEntries = try HODLRMatrix(order: n, options: options, entry: f)
                try check(fromEntries, against: a, tolerance: options.tolerance)
                // Smooth kernels have small off-diagonal ranks at these tolerances.
                #expect(fromEntries.maximumOffDiagonalRank <= 40 && fromDense.maximumOffDiagonalRank <= 40)
            }
        }
        // A coarser tolerance gives lower ranks and still meets its bound.
        let x = points(256, seed: 3)
        let f: (Int, Int) -> Scalar = kernel(x, symmetric: true)
        let a = try Matrix<Scalar>(rows: 256, columns: 256, entry: f)
        let fine = try HODLRMatrix<Scalar>(order: 256, entry: f)
        let coarse = try HODLRMatrix<Scalar>(order: 256, options: .init(tolerance: 1e-2), entry: f)
        #expect(coarse.maximumOffDiagonalRank < fine.maximumOffDiagonalRank)
        #expect(try (a - coarse.dense()).frobeniusNorm <= 2e-2 * a.frobeniusNorm)
        // A rank cap that keeps the compression from τ throws; allowed explicitly, it is honoured.
        #expect(throws: LinearAlgebraError.self) {
            try HODLRMatrix(compressing: a, options: .init(maximumRank: 2), using: &generator)
        }
        let capped = try HODLRMatrix(compressing: a, options: .init(maximumRank: 2, allowsTruncationBeyondTolerance: true),
                                     using: &generator)
        #expect(capped.maximumOffDiagonalRank <= 2)
    }

    @Test func kernelMatricesCompressSolveAndDetermine() throws {
        try kernels(Float.self)
        try kernels(Double.self)
    }

    func edges<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 12)
        // Orders up to a leaf are one dense block; 0 and 1 work.
        for n in [0, 1, 5, 64] {
            let a = try MatrixEnsemble<Scalar>.positiveDefinite(Swift.max(n, 0), conditionNumber: 10, using: &generator)
            let h = try HODLRMatrix(compressing: a, using: &generator)
            #expect(try h.dense() == a)
            let b = try Matrix<Scalar>.randomGaussian(rows: n, columns: 2, using: &generator)
            let x = try h.factorized().solve(b)
            #expect(try (a.multiplied(by: x) - b).maxAbsoluteEntry <= Scalar(100 * Swift.max(n, 1)) * Scalar.ulpOfOne * 10)
        }
        // A matrix whose off-diagonal blocks are exactly zero: rank 0 everywhere.
        let diagonal = try Matrix<Scalar>(rows: 100, columns: 100) { i, j in i == j ? Scalar(i + 1) : 0 }
        let h = try HODLRMatrix(compressing: diagonal, options: .init(leafSize: 10), using: &generator)
        #expect(h.maximumOffDiagonalRank == 0)
        let logDet = try h.factorized().logAbsoluteDeterminant()
        let expected = (1...100).reduce(Scalar(0)) { $0 + Scalar.log(Scalar($1)) }
        #expect(abs(logDet.logAbs - expected) <= Scalar(1e3) * Scalar.ulpOfOne * expected)
    }

    @Test func smallOrdersAndExactlyZeroBlocks() throws {
        try edges(Float.self)
        try edges(Double.self)
    }

    @Test func badInputThrows() throws {
        var generator = Xoshiro256StarStar(seed: 13)
        #expect(throws: LinearAlgebraError.self) {
            try HODLRMatrix(compressing: Matrix<Double>(rows: 3, columns: 4), using: &generator)
        }
        var poisoned = try Matrix<Double>.identity(80)
        poisoned[70, 3] = .nan
        #expect(throws: LinearAlgebraError.self) { try HODLRMatrix(compressing: poisoned, using: &generator) }
        for options in [HODLRMatrix<Double>.Options(tolerance: 0), .init(tolerance: 1), .init(tolerance: .nan),
                        .init(leafSize: 0), .init(maximumRank: -1), .init(maximumRank: 0)] {
            #expect(throws: LinearAlgebraError.self) { try HODLRMatrix(order: 10, options: options) { _, _ in 1 } }
        }
        #expect(throws: LinearAlgebraError.self) { try HODLRMatrix<Double>(order: -1) { _, _ in 1 } }
        #expect(throws: LinearAlgebraError.self) {
            try HODLRMatrix<Double>(order: 100, options: .init(leafSize: 8)) { i, j in i == 90 && j == 2 ? .infinity : 1 }
        }
        let h = try HODLRMatrix(compressing: Matrix<Double>.identity(50), options: .init(leafSize: 8), using: &generator)
        #expect(throws: LinearAlgebraError.self) { try h.apply(to: Matrix(rows: 49, columns: 1)) }
        #expect(throws: LinearAlgebraError.self) { try h.factorized().solve(Matrix(rows: 51, columns: 1)) }
        var nanRight = try Matrix<Double>(rows: 50, columns: 1)
        nanRight[3, 0] = .nan
        #expect(throws: LinearAlgebraError.self) { try h.factorized().solve(nanRight) }
        // A singular matrix: the zero matrix's leaves are singular.
        let zero = try HODLRMatrix(compressing: Matrix<Double>(rows: 50, columns: 50), options: .init(leafSize: 8),
                                   using: &generator)
        #expect(throws: LinearAlgebraError.self) { try zero.factorized() }
    }
}
