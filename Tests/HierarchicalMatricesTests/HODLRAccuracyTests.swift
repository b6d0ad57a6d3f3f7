import DenseLinearAlgebra
import HierarchicalMatrices
import Testing

/// The accuracy HODLR reports: the compression error reached, tolerances a rank cap or the
/// precision cannot meet, numerically singular matrices, and the solve error at a given condition.
@Suite("HODLR accuracy: reported errors and refused inputs")
struct HODLRAccuracyTests {
    /// Sorted points in [0, 1).
    func points(_ n: Int, seed: UInt64) -> [Double] {
        var generator = Xoshiro256StarStar(seed: seed)
        return (0..<n).map { _ in Double.random(in: 0..<1, using: &generator) }.sorted()
    }

    /// The Gaussian kernel `exp(−(|xᵢ − xⱼ|/0.3)²) + nugget·δᵢⱼ`.
    func gaussian<Scalar: LinearAlgebraScalar>(_ x: [Double], nugget: Double) -> (Int, Int) -> Scalar {
        { i, j in
            let d = (x[i] - x[j]) / 0.3
            return Scalar(Double.exp(-d * d) + (i == j ? nugget : 0))
        }
    }

    func isError(_ error: any Error, _ match: (LinearAlgebraError) -> Bool) -> Bool {
        (error as? LinearAlgebraError).map(match) ?? false
    }

    func reportedErrors<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 81)
        let n = 256
        let f: (Int, Int) -> Scalar = gaussian(points(n, seed: 5), nugget: 0.1)
        let a = try Matrix<Scalar>(rows: n, columns: n, entry: f)
        let norm = a.frobeniusNorm
        let tau = HODLRMatrix<Scalar>.Options.defaultTolerance
        // Dense input: the reported error is computed from the blocks' residuals and truncated
        // singular values, so it is the true ‖A − H‖_F/‖A‖_F up to rounding (c·√n·eps of ‖A‖_F
        // per block sum; 1 % plus 100·eps allows for it).
        let dense = try HODLRMatrix(compressing: a, options: .init(leafSize: 32), using: &generator)
        let denseError = try (a - dense.dense()).frobeniusNorm / norm
        #expect(dense.estimatedRelativeError <= tau)
        #expect(abs(dense.estimatedRelativeError - denseError) <= denseError / 100 + 100 * Scalar.ulpOfOne)
        // The case: a cap of 0 is refused; a cap of 1 cannot reach 10⁻¹⁰ (or Float's τ).
        let strict = Swift.max(Scalar(1e-10), 1000 * Scalar.ulpOfOne)
        #expect {
            try HODLRMatrix(compressing: a, options: .init(tolerance: strict, maximumRank: 0), using: &generator)
        } throws: { isError($0) { if case .invalidArgument = $0 { return true } else { return false } } }
        #expect {
            try HODLRMatrix(compressing: a, options: .init(tolerance: strict, maximumRank: 1), using: &generator)
        } throws: { isError($0) { if case let .toleranceNotMet(_, requested, achieved, reason) = $0 {
            return requested == Double(strict) && achieved > requested && reason.contains("maximum rank 1")
        } else { return false } } }
        #expect {
            try HODLRMatrix<Scalar>(order: n, options: .init(tolerance: strict, leafSize: 32, maximumRank: 1), entry: f)
        } throws: { isError($0) { if case .toleranceNotMet = $0 { return true } else { return false } } }
        // Allowed explicitly, the truncated matrix reports the error it has (54 % in the issue,
        // silently): exactly for dense input, ACA's estimate within a factor 10 for entries.
        let capped = try HODLRMatrix(compressing: a, options: .init(tolerance: strict, leafSize: 32, maximumRank: 1,
                                                                    allowsTruncationBeyondTolerance: true), using: &generator)
        let cappedError = try (a - capped.dense()).frobeniusNorm / norm
        #expect(capped.estimatedRelativeError > strict)
        #expect(abs(capped.estimatedRelativeError - cappedError) <= cappedError / 100 + 100 * Scalar.ulpOfOne)
        let entries = try HODLRMatrix<Scalar>(order: n, options: .init(tolerance: strict, leafSize: 32, maximumRank: 1,
                                                                       allowsTruncationBeyondTolerance: true), entry: f)
        let entriesError = try (a - entries.dense()).frobeniusNorm / norm
        #expect(entries.estimatedRelativeError >= entriesError / 10 && entries.estimatedRelativeError <= 10 * entriesError)
        // From entries without a cap the estimate is within τ and the error within its factor 2.
        let uncapped = try HODLRMatrix<Scalar>(order: n, options: .init(leafSize: 32), entry: f)
        #expect(uncapped.estimatedRelativeError <= tau)
        #expect(try (a - uncapped.dense()).frobeniusNorm <= 2 * tau * norm)
    }

    @Test func compressionReportsTheErrorItReached() throws {
        try reportedErrors(Float.self)
        try reportedErrors(Double.self)
    }

    func singular<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 82)
        // The Gaussian kernel without a nugget: eigenvalues decay below eps·‖A‖, so the solve
        // gave ‖x‖ ≈ 4·10¹⁷. Its leaves are numerically singular already: the error names the leaf.
        let n = 200
        let f: (Int, Int) -> Scalar = gaussian(points(n, seed: 6), nugget: 0)
        let kernel = try HODLRMatrix<Scalar>(order: n, options: .init(leafSize: 32), entry: f)
        #expect { try kernel.factorized() } throws: {
            isError($0) { error in
                guard case let .numericallySingular(_, rcond) = error.rootCause else { return false }
                return rcond < Double(Scalar.ulpOfOne) && error.contextPath.first?.contains("leaf of rows") == true
            }
        }
        // Leaves and capacitance matrices well conditioned, the whole not: H = diag(d, 1, …, 1, d, 1, …, 1)
        // + β·e₆₄e₀ᵀ (upper-right block 0, so the capacitance is I) has (H⁻¹)₆₄,₀ = −β/d², hence
        // cond₂(H) ≈ β²/d², 10¹⁰ in Float and 10²² in Double, while the leaves' is 1/d. Only the
        // condition estimate of the whole factorization sees it (power iterations: rcond ≈ n·d²/β²).
        let (beta, d): (Scalar, Scalar) = Scalar.self == Float.self ? (1e4, 1e-2) : (1e8, 1e-3)
        let triangular = try Matrix<Scalar>(rows: 128, columns: 128) { i, j in
            if i == j { return i % 64 == 0 ? d : 1 }
            return i == 64 && j == 0 ? beta : 0
        }
        let h = try HODLRMatrix(compressing: triangular, options: .init(leafSize: 32), using: &generator)
        #expect { try h.factorized() } throws: {
            isError($0) {
                if case let .numericallySingular(operation, rcond) = $0 {
                    return operation == "HODLRFactorization" && rcond < Double(Scalar.ulpOfOne)
                }
                return false
            }
        }
        // With β = 1 it is well conditioned (cond ≈ 1/d²) and factors.
        let mild = try Matrix<Scalar>(rows: 128, columns: 128) { i, j in
            if i == j { return i % 64 == 0 ? d : 1 }
            return i == 64 && j == 0 ? 1 : 0
        }
        let factorization = try HODLRMatrix(compressing: mild, options: .init(leafSize: 32), using: &generator).factorized()
        #expect(factorization.reciprocalConditionEstimate >= d * d / 10)
    }

    @Test func numericallySingularMatricesAreRefused() throws {
        try singular(Float.self)
        try singular(Double.self)
    }

    func solveAccuracy<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 83)
        // The Gaussian kernel with a nugget 3.4·10⁻³: cond₂ ≈ 4·10⁴ (the Float case, where
        // the old default τ = √eps gave a 263 % error).
        let n = 256
        let f: (Int, Int) -> Scalar = gaussian(points(n, seed: 7), nugget: 3.4e-3)
        let a = try Matrix<Scalar>(rows: n, columns: n, entry: f)
        let wide = try Matrix<Double>(rows: n, columns: n) { i, j in Double(a[i, j]) }
        let singularValues = try SingularValueDecomposition(wide).singularValues
        let condition = singularValues.max()! / singularValues.min()!
        #expect(condition > 1e4 && condition < 1e5)
        let b = try Matrix<Scalar>.randomGaussian(rows: n, columns: 1, using: &generator)
        let reference = try LUFactorization(wide).solve(Matrix<Double>(rows: n, columns: 1) { i, _ in Double(b[i, 0]) })
        let factorization = try HODLRMatrix<Scalar>(order: n, options: .init(leafSize: 32), entry: f).factorized()
        let x = try factorization.solve(b)
        let referenceNorm = try reference.column(0).norm2
        let error = (0..<n).reduce(0.0) { $0 + (Double(x[$1, 0]) - reference[$1, 0]) * (Double(x[$1, 0]) - reference[$1, 0]) }
            .squareRoot() / referenceNorm
        // The power iterations bound cond₂ from below: the estimate is at most the true 1/cond₂
        // up to their convergence (3 steps, here within a factor 10).
        let rcond = Double(factorization.reciprocalConditionEstimate)
        #expect(rcond >= 1 / condition && rcond <= 10 / condition)
        // The contract: error ≲ cond·(τ + eps), and below 1 with the default τ at this condition.
        #expect(error <= Double(factorization.estimatedRelativeSolveError))
        #expect(factorization.estimatedRelativeSolveError < 1)
    }

    @Test func defaultToleranceSolvesAtConditionFourTimesTenToTheFour() throws {
        try solveAccuracy(Float.self)
        try solveAccuracy(Double.self)
    }
}
