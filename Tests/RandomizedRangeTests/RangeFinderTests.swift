import DenseLinearAlgebra
import RandomizedRange
import Testing
import KronKitTestSupport
import LinearOperators

@Suite("Range finder: exact low rank, decaying spectra, power iterations, operators, errors")
struct RangeFinderTests {
    func exactLowRank<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 11)
        for (m, n, rank) in [(1, 1, 1), (60, 40, 5), (30, 50, 8), (30, 8, 3)] {
            let a = try MatrixEnsemble<Scalar>.lowRankPlusNoise(rows: m, columns: n, rank: rank, noise: 0,
                                                                using: &generator)
            let norm = try spectralNorm(a)
            for distribution in distributions {
                for q in [0, 1] {
                    let finder = RangeFinder<Scalar>(
                        options: .init(rank: rank, oversampling: 5, powerIterations: q, distribution: distribution))
                    let basis = try finder.basis(of: a, using: &generator)
                    // ℓ = min(k + p, m, n): the (30 × 8) case clamps 3 + 5 to 8.
                    #expect(basis.rows == m && basis.columns == Swift.min(rank + 5, m, n))
                    #expect(try orthogonalityError(basis) <= Tolerance.backward(Scalar.self, order: m))
                    // Rank ≤ ℓ: the sample captures the whole range, so only rounding is left.
                    let tolerance = Tolerance.backward(Scalar.self, order: Swift.max(m, n)) * norm
                    #expect(try projectionError(a, basis: basis) <= tolerance, "\(m)×\(n) rank \(rank) \(distribution) q=\(q)")
                }
            }
        }
    }

    @Test func exactLowRankInputIsRecoveredToRounding() throws {
        try exactLowRank(Float.self)
        try exactLowRank(Double.self)
    }

    /// A 120 × 120 matrix with singular values `(1 + t·(κ − 1))⁻¹` (polynomial, degree 1,
    /// κ = 10³): slow decay, σ₁₁/σ₁ ≈ 0.012, the hard case of HMT §7.
    func slowlyDecaying<Scalar: LinearAlgebraScalar>(_: Scalar.Type, using generator: inout Xoshiro256StarStar)
        throws -> (matrix: Matrix<Scalar>, singularValues: [Scalar]) {
        let values: [Scalar] = try SpectrumShape.polynomial(degree: 1).eigenvalues(count: 120, conditionNumber: 1e3)
        let u = try MatrixEnsemble<Scalar>.randomOrthogonal(120, using: &generator)
        let v = try MatrixEnsemble<Scalar>.randomOrthogonal(120, using: &generator)
        return (try u.scalingColumns(by: values).multiplied(by: v, transposingOther: .transpose), values)
    }

    func decaying<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 12)
        let (a, sigma) = try slowlyDecaying(Scalar.self, using: &generator)
        let k = 10
        var errors: [Int: Scalar] = [:]
        for q in [0, 1, 2] {
            let finder = RangeFinder<Scalar>(options: .init(rank: k, oversampling: 10, powerIterations: q))
            let error = try projectionError(a, basis: finder.basis(of: a, using: &generator))
            errors[q] = error
            // Optimality: no rank-ℓ basis beats σ_{ℓ+1}, so the error is at least σ_{k+p+1} (up to rounding).
            #expect(error >= sigma[k + 10] * (1 - Tolerance.backward(Scalar.self, order: 120)))
            if q >= 1 {
                // HMT Cor. 10.10 with k = 10, p = 10: E err ≤ [(1 + √(10/9))·σ₁₁^{2q+1} +
                // (e·√20/10)·(Σ_{j>10} σ_j^{2(2q+1)})^{1/2}]^{1/(2q+1)} ≈ 1.6·σ₁₁ (q = 1) for this
                // spectrum; 10·σ₁₁ leaves room for a bad draw and is still a tight claim.
                #expect(error <= 10 * sigma[k], "q = \(q): \(error) vs σ_{k+1} = \(sigma[k])")
            }
        }
        // The test can fail: without power iterations the slowly decaying tail pollutes the
        // sample (HMT §4.5), and q = 2 must be clearly better than q = 0.
        #expect(errors[2]! < errors[0]! / 2, "q = 0: \(errors[0]!), q = 2: \(errors[2]!)")
    }

    @Test func decayingSpectrumErrorIsNearTheOptimalSigmaKPlusOneWithPowerIterations() throws {
        try decaying(Float.self)
        try decaying(Double.self)
    }

    @Test func aLazyOperatorGivesTheMatrixBasisBitForBit() throws {
        var generator = Xoshiro256StarStar(seed: 13)
        let a = try MatrixEnsemble<Double>.lowRankPlusNoise(rows: 30, columns: 20, rank: 4, noise: 1e-3,
                                                            using: &generator)
        let finder = RangeFinder<Double>(options: .init(rank: 4, oversampling: 4, powerIterations: 2))
        var first = Xoshiro256StarStar(seed: 99)
        var second = first
        let direct = try finder.basis(of: a, using: &first)
        // (Aᵀ)ᵀ applies A's own products: the same numbers in the same order.
        let viaOperator = try finder.basis(of: TransposedOperator(TransposedOperator(a)), using: &second)
        #expect(direct.elements == viaOperator.elements)
    }

    func kroneckerOperator<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 16)
        // A ⊗ B of rank 2 · 3 = 6 (12 × 15 and 10 × 8 factors), never formed: the fixed-rank and
        // adaptive finders recover its range to rounding, as for a dense matrix of that rank.
        let a = try MatrixEnsemble<Scalar>.lowRankPlusNoise(rows: 12, columns: 15, rank: 2, noise: 0, using: &generator)
        let b = try MatrixEnsemble<Scalar>.lowRankPlusNoise(rows: 10, columns: 8, rank: 3, noise: 0, using: &generator)
        let product = try KroneckerProductOperator(a, b)
        let dense = try product.dense()
        let norm = try spectralNorm(dense)
        // Rounding of the Kronecker products (two GEMMs, Σ nᵢ terms) and of the basis, of order max(m, n).
        let tolerance = Tolerance.backward(Scalar.self, order: Swift.max(dense.rows, dense.columns)) * norm
        let basis = try RangeFinder<Scalar>(options: .init(rank: 6, oversampling: 4, powerIterations: 1))
            .basis(of: product, using: &generator)
        #expect(try projectionError(dense, basis: basis) <= tolerance)
        let adaptive = try AdaptiveRangeFinder<Scalar>(options: .init(tolerance: 100 * tolerance))
            .basis(of: product, using: &generator)
        #expect(adaptive.basis.columns == 6)
        #expect(try projectionError(dense, basis: adaptive.basis) <= 100 * tolerance)
    }

    @Test func kroneckerOperatorOfExactRankIsRecoveredToRounding() throws {
        try kroneckerOperator(Float.self)
        try kroneckerOperator(Double.self)
    }

    @Test func sameSeedGivesBitIdenticalBasisAndAnotherSeedDoesNot() throws {
        var generator = Xoshiro256StarStar(seed: 14)
        let a = try MatrixEnsemble<Float>.lowRankPlusNoise(rows: 25, columns: 25, rank: 6, noise: 1e-2,
                                                           using: &generator)
        for distribution in distributions {
            let finder = RangeFinder<Float>(options: .init(rank: 6, distribution: distribution))
            var one = Xoshiro256StarStar(seed: 5)
            var two = Xoshiro256StarStar(seed: 5)
            var other = Xoshiro256StarStar(seed: 6)
            let q1 = try finder.basis(of: a, using: &one)
            #expect(q1.elements == (try finder.basis(of: a, using: &two)).elements)
            #expect(q1.elements != (try finder.basis(of: a, using: &other)).elements)
        }
    }

    @Test func badOptionsAndInputsThrow() throws {
        var generator = Xoshiro256StarStar(seed: 15)
        let a = try Matrix<Double>.randomGaussian(rows: 6, columns: 4, using: &generator)
        for options in [RangeFinder<Double>.Options(rank: 0), .init(rank: 5), .init(rank: -1),
                        .init(rank: 2, oversampling: -1), .init(rank: 2, powerIterations: -1),
                        .init(rank: 2, distribution: .sparseSign(nonzerosPerRow: 0))] {
            #expect(throwsError(isInvalidArgument) { _ = try RangeFinder(options: options).basis(of: a, using: &generator) })
        }
        #expect(throwsError(isInvalidArgument) {
            _ = try RangeFinder<Double>(rank: 1).basis(of: Matrix(rows: 0, columns: 3), using: &generator)
        })
        var corrupted = a
        corrupted[2, 1] = .nan
        #expect(throwsError(isNonFinite) { _ = try RangeFinder(rank: 2).basis(of: corrupted, using: &generator) })
        corrupted[2, 1] = .infinity
        #expect(throwsError(isNonFinite) { _ = try RangeFinder(rank: 2).basis(of: corrupted, using: &generator) })
        // Operators returning the wrong shape or NaN.
        let finder = RangeFinder<Double>(options: .init(rank: 2, powerIterations: 1))
        for fault in [MisbehavingOperator.Fault.wrongShape, .wrongTransposedShape, .notANumber] {
            #expect(throwsError(fault == .notANumber ? isNonFinite : isDimensionMismatch) {
                _ = try finder.basis(of: MisbehavingOperator(matrix: a, fault: fault), using: &generator)
            })
        }
    }
}

/// A 6 × 4 operator whose products break one promise of the protocol, to check that the range
/// finder validates what an operator returns.
struct MisbehavingOperator: LinearOperator {
    enum Fault { case wrongShape, wrongTransposedShape, notANumber }
    let matrix: Matrix<Double>
    let fault: Fault
    var rows: Int { matrix.rows }
    var columns: Int { matrix.columns }

    func apply(to x: Matrix<Double>) throws -> Matrix<Double> {
        switch fault {
        case .wrongShape: return try Matrix(rows: rows - 1, columns: x.columns)
        case .notANumber: return try matrix.apply(to: x).map { $0 * .nan }
        case .wrongTransposedShape: return try matrix.apply(to: x)
        }
    }

    func applyTransposed(to x: Matrix<Double>) throws -> Matrix<Double> {
        fault == .wrongTransposedShape ? try Matrix(rows: columns, columns: 1) : try matrix.applyTransposed(to: x)
    }
}
