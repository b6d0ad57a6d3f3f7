import DenseLinearAlgebra
import KroneckerOperators
import SymmetricEigen
import Testing
import KronKitTestSupport

/// The damped inverse of a partial Kronecker eigendecomposition in matrix form, from the dense
/// gradient and from its factors `g·aᵀ`, against a dense LU solve of `(A_r ⊗ G_r + λI)`.
@Suite("Partial Kronecker eigenbasis in matrix form")
struct PartialMatrixFormTests {
    func factored<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 151)
        let (nA, nG, m) = (9, 7, 3)
        let a = try MatrixEnsemble<Scalar>.positiveDefinite(nA, spectrum: .spikedDecay(spikes: 2), conditionNumber: 1e4,
                                                            using: &generator)
        let g = try MatrixEnsemble<Scalar>.positiveDefinite(nG, conditionNumber: 1e3, using: &generator)
        let lambda: Scalar = 0.05
        // Ranks below, equal to and (for r_G > r_A) above the other side's, and an empty side.
        for (rankA, rankG) in [(3, 2), (2, 4), (4, 4), (0, 3)] {
            let eig = try KroneckerEigendecomposition(SymmetricEigendecomposition.largest(rankA, of: a),
                                                      SymmetricEigendecomposition.largest(rankG, of: g))
            let inputs = try Matrix<Scalar>.randomGaussian(rows: nA, columns: m, using: &generator)
            let outputGradients = try Matrix<Scalar>.randomGaussian(rows: nG, columns: m, using: &generator)
            let v = try outputGradients.multiplied(by: inputs, transposingOther: .transpose)
            var shifted = try eig.reconstructed().dense()
            try shifted.addToDiagonal(lambda)
            let reference = try denseSolve(shifted, Matrix(column: v.elements)).reshaped(rows: nG, columns: nA)
            // The factors' eigenvalues are ≤ 1 (the ensembles' norm), so cond(A_r ⊗ G_r + λI) ≤ (1 + λ)/λ = 21;
            // the thin GEMMs and the LU solve are backward stable in n = n_A·n_G: forward error ≤ c·n·eps·21.
            let tolerance = Tolerance.backward(Scalar.self, order: nA * nG, factor: 21 * 10)
            var fromFactors = Matrix<Scalar>()
            try eig.dampedInverse(applyingToMatrix: v, factoredAs: (outputGradients, inputs), damping: lambda,
                                  into: &fromFactors)
            #expect(try fromFactors.relativeDistance(to: reference) <= tolerance, "ranks \(rankA), \(rankG)")
            // The dense gradient's core, written into a result of the right shape (reused, not replaced).
            var reused = try Matrix<Scalar>(rows: nG, columns: nA, repeating: 7)
            try eig.dampedInverse(applyingToMatrix: v, factoredAs: nil, damping: lambda, into: &reused)
            #expect(try reused.relativeDistance(to: reference) <= tolerance, "ranks \(rankA), \(rankG)")
            #expect(try eig.dampedInverse(applyingToMatrix: v, damping: lambda).relativeDistance(to: reference)
                <= tolerance)
        }
    }

    /// `n_A`, `n_G`, the batch `m` and the damping `λ` of the parts' cases.
    static let (nA, nG, m, lambda) = (9, 7, 3, 0.05)

    /// Partial decompositions of an `n_A × n_A` and an `n_G × n_G` factor (condition 10³) at ranks
    /// (3, 2), (2, 4) and (0, 3), each with the factors of a batch gradient `V = g·aᵀ` (`m` columns).
    static func forEachPartialPair<Scalar: LinearAlgebraScalar>(
        _: Scalar.Type, seed: UInt64,
        _ body: (_ eig: KroneckerEigendecomposition<Scalar>, _ rankA: Int, _ rankG: Int, _ outputGradients: Matrix<Scalar>,
                 _ inputs: Matrix<Scalar>, _ generator: inout Xoshiro256StarStar) throws -> Void
    ) throws {
        var generator = Xoshiro256StarStar(seed: seed)
        let a = try MatrixEnsemble<Scalar>.positiveDefinite(nA, conditionNumber: 1e3, using: &generator)
        let g = try MatrixEnsemble<Scalar>.positiveDefinite(nG, conditionNumber: 1e3, using: &generator)
        for (rankA, rankG) in [(3, 2), (2, 4), (0, 3)] {
            let eig = try KroneckerEigendecomposition(SymmetricEigendecomposition.largest(rankA, of: a),
                                                      SymmetricEigendecomposition.largest(rankG, of: g))
            let inputs = try Matrix<Scalar>.randomGaussian(rows: nA, columns: m, using: &generator)
            let outputGradients = try Matrix<Scalar>.randomGaussian(rows: nG, columns: m, using: &generator)
            try body(eig, rankA, rankG, outputGradients, inputs, &generator)
        }
    }

    /// The parts `V/λ + L·Rᵀ` give the formed result bit for bit, its inner product with `V`
    /// (`⟨L·Rᵀ, V⟩` from the core) and the low-rank part added to a matrix without forming it.
    func parts<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let (nA, nG, m, lambda) = (Self.nA, Self.nG, Self.m, Scalar(Self.lambda))
        try Self.forEachPartialPair(Scalar.self, seed: 153) { eig, rankA, rankG, outputGradients, inputs, _ in
            let v = try outputGradients.multiplied(by: inputs, transposingOther: .transpose)
            for product in [(outputGradients, inputs), nil] as [(outputGradients: Matrix<Scalar>, inputs: Matrix<Scalar>)?] {
                let label = "ranks \(rankA), \(rankG), \(product == nil ? "dense" : "factored")"
                var formed = Matrix<Scalar>()
                try eig.dampedInverse(applyingToMatrix: v, factoredAs: product, damping: lambda, into: &formed)
                let parts = try eig.dampedInverseParts(applyingToMatrix: v, factoredAs: product, damping: lambda)
                #expect(parts.left.columns == rankA && parts.left.rows == nG && parts.right.rows == nA, "\(label)")
                var materialized = Matrix<Scalar>()
                try parts.materialize(adding: v, into: &materialized)
                #expect(materialized.elements == formed.elements, "\(label)")
                // Both inner products sum n_A·n_G terms of |V|·|v| ≤ (|v|/λ + |L|·|R|ᵀ)·|g|·|a|ᵀ after sums of
                // at most n_A + n_G + m terms: within c·(n_A·n_G + n_A + n_G + m)·eps of that magnitude, which
                // Cauchy–Schwarz bounds by (‖v‖/λ + √r_A·‖L‖)·‖g‖·‖a‖ (Frobenius norms, orthonormal R).
                let magnitude = Double(outputGradients.frobeniusNorm) * Double(inputs.frobeniusNorm)
                    * (Double(v.frobeniusNorm) / Double(lambda) + Double(rankA).squareRoot() * Double(parts.left.frobeniusNorm))
                let innerBound = Double(Tolerance.backward(Scalar.self, order: nA * nG + nA + nG + m, factor: 4))
                    * magnitude
                #expect(abs(try parts.innerProduct(with: v) - Double(formed.elements.dot(v.elements))) <= innerBound,
                        "\(label)")
                // σ·V, then the low-rank part added by a GEMM with β = 1: the formed result up to both sides'
                // roundings, (r_A + 2)·eps·(σ|v| + |L|·|R|ᵀ) each, and |L|·|R|ᵀ ≤ ‖L‖_F entry by entry.
                var added = v.scaled(by: parts.scale)
                try parts.addLowRankPart(to: &added, scaledBy: 1)
                #expect(try added.relativeDistance(to: formed) <= Tolerance.backward(Scalar.self, order: rankA + 2, factor: 4)
                        * (parts.scale * v.maxAbsoluteEntry + parts.left.frobeniusNorm), "\(label)")
            }
            let parts = try eig.dampedInverseParts(applyingToMatrix: v, factoredAs: nil, damping: lambda)
            #expect(throws: LinearAlgebraError.self) { try parts.innerProduct(with: v.transposed()) }
        }
    }

    /// The largest entry of `|x − y|`.
    static func maxDifference<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, _ y: Matrix<Scalar>) -> Double {
        zip(x.elements, y.elements).reduce(0) { Swift.max($0, abs(Double($1.0) - Double($1.1))) }
    }

    /// `V = g·aᵀ` never formed: the parts from the factors alone are those from `V` with its factors,
    /// bit for bit; `‖V‖²` comes from the factors' Gram matrices and `β·T + α·(σV + L·Rᵀ)` from one
    /// GEMM over `[σg | L]·[a | R]ᵀ`, each within its rounding of the formed `V`'s.
    func factorsAlone<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let (nA, nG, m, lambda) = (Self.nA, Self.nG, Self.m, Scalar(Self.lambda))
        try Self.forEachPartialPair(Scalar.self, seed: 154) { eig, rankA, rankG, outputGradients, inputs, generator in
            let label = "ranks \(rankA), \(rankG), \(Scalar.self)"
            let v = try outputGradients.multiplied(by: inputs, transposingOther: .transpose)
            let alone = try eig.dampedInverseParts(applyingToProductOf: outputGradients, inputs, damping: lambda)
            let withV = try eig.dampedInverseParts(applyingToMatrix: v, factoredAs: (outputGradients, inputs),
                                                   damping: lambda)
            #expect(alone.scale == withV.scale && alone.left.elements == withV.left.elements
                        && alone.right.elements == withV.right.elements
                        && alone.lowRankInnerProduct == withV.lowRankInnerProduct, "\(label)")
            // ‖V‖² as Σ (gᵀg)_ij·(aᵀa)_ij: each Gram entry within (n + 2)·eps·‖g_i‖·‖g_j‖, so the sum within
            // (n_A + n_G + 4)·eps·(Σ_j ‖g_j‖·‖a_j‖)² ≤ …·(‖g‖_F·‖a‖_F)²; the ?dot of V within n_A·n_G·eps·‖V‖².
            let factorNorms = Double(outputGradients.frobeniusNorm) * Double(inputs.frobeniusNorm)
            let squaredNormBound = Double(Tolerance.backward(Scalar.self, order: nA * nG + nA + nG + 4, factor: 2))
                * factorNorms * factorNorms * Double(alone.scale)
            #expect(abs(try alone.innerProduct(withProductOf: outputGradients, inputs) - alone.innerProduct(with: v))
                        <= squaredNormBound, "\(label)")
            // T ← β·T + α·(σV + L·Rᵀ) against the formula on the formed V: a sum of m + r_A products per entry
            // on each side, each product within eps; entries of |σg|·|a|ᵀ + |L|·|R|ᵀ ≤ σ·max|g||a|ᵀ + ‖L‖_F.
            var formed = Matrix<Scalar>()
            try alone.materialize(adding: v, into: &formed)
            let target = try Matrix<Scalar>.randomGaussian(rows: nG, columns: nA, using: &generator)
            let (alpha, beta): (Scalar, Scalar) = (0.7, 0.9)
            var expected = target.scaled(by: beta)
            try expected.add(formed, scaledBy: alpha)
            var accumulated = target
            try alone.accumulate(into: &accumulated, decayingBy: beta, scaledBy: alpha, productOf: outputGradients, inputs)
            let magnitudes = try outputGradients.map { abs($0) }.multiplied(by: inputs.map { abs($0) },
                                                                            transposingOther: .transpose)
            let entryBound = Double(Tolerance.backward(Scalar.self, order: m + rankA + 4, factor: 4))
                * (Double(beta) * Double(target.maxAbsoluteEntry) + Double(alpha)
                   * (Double(alone.scale) * Double(magnitudes.maxAbsoluteEntry) + Double(alone.left.frobeniusNorm)))
            #expect(Self.maxDifference(accumulated, expected) <= entryBound, "\(label)")
            // Factors of the wrong shapes throw; the target is left alone.
            let untouched = accumulated
            #expect(throws: LinearAlgebraError.self) {
                try alone.accumulate(into: &accumulated, decayingBy: beta, scaledBy: alpha, productOf: inputs, outputGradients)
            }
            #expect(throws: LinearAlgebraError.self) { try alone.innerProduct(withProductOf: outputGradients, v) }
            #expect(accumulated.elements == untouched.elements, "\(label)")
            var poisoned = outputGradients
            poisoned[0, 0] = .nan
            #expect(throws: LinearAlgebraError.self) {
                try eig.dampedInverseParts(applyingToProductOf: poisoned, inputs, damping: lambda)
            }
        }
    }

    @Test func thePartsOfAProductComeFromItsFactorsAlone() throws {
        try factorsAlone(Float.self)
        try factorsAlone(Double.self)
    }

    @Test func thePartsGiveTheResultWithoutFormingIt() throws {
        try parts(Float.self)
        try parts(Double.self)
    }

    @Test func factoredAndDenseGradientsGiveTheLowRankPlusDampingInverse() throws {
        try factored(Float.self)
        try factored(Double.self)
    }

    @Test func badOperandsThrowAndLeaveTheResultAlone() throws {
        var generator = Xoshiro256StarStar(seed: 152)
        let a = try MatrixEnsemble<Double>.positiveDefinite(5, conditionNumber: 10, using: &generator)
        let g = try MatrixEnsemble<Double>.positiveDefinite(4, conditionNumber: 10, using: &generator)
        let eig = try KroneckerEigendecomposition(SymmetricEigendecomposition.largest(2, of: a),
                                                  SymmetricEigendecomposition.largest(2, of: g))
        let v = try Matrix<Double>.randomGaussian(rows: 4, columns: 5, using: &generator)
        let (gs, inputs) = (try Matrix<Double>.randomGaussian(rows: 4, columns: 2, using: &generator),
                            try Matrix<Double>.randomGaussian(rows: 5, columns: 2, using: &generator))
        let untouched = try Matrix<Double>(rows: 4, columns: 5, repeating: 3)
        var result = untouched
        // V of the wrong shape, factors of the wrong shape, NaN in a factor, a negative damping.
        #expect(throws: LinearAlgebraError.self) {
            try eig.dampedInverse(applyingToMatrix: v.transposed(), factoredAs: nil, damping: 0.1, into: &result)
        }
        #expect(throws: LinearAlgebraError.self) {
            try eig.dampedInverse(applyingToMatrix: v, factoredAs: (inputs, gs), damping: 0.1, into: &result)
        }
        var poisoned = gs
        poisoned[1, 1] = .nan
        #expect(throws: LinearAlgebraError.self) {
            try eig.dampedInverse(applyingToMatrix: v, factoredAs: (poisoned, inputs), damping: 0.1, into: &result)
        }
        #expect(throws: LinearAlgebraError.self) {
            try eig.dampedInverse(applyingToMatrix: v, factoredAs: (gs, inputs), damping: -1, into: &result)
        }
        // λ = 0 leaves the complement of the captured subspace singular: index r_A·r_G + 1 = 5.
        do {
            try eig.dampedInverse(applyingToMatrix: v, factoredAs: (gs, inputs), damping: 0, into: &result)
            Issue.record("λ = 0 on a partial decomposition must throw")
        } catch {
            #expect(isSingular(error, at: 5), "\(error)")
        }
        #expect(result == untouched)
        // Three factors have no matrix form.
        let three = try KroneckerEigendecomposition(eig.factors[0], eig.factors[1], eig.factors[1])
        #expect(throws: LinearAlgebraError.self) {
            try three.dampedInverse(applyingToMatrix: v, factoredAs: nil, damping: 0.1, into: &result)
        }
    }
}
