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

    /// The parts `V/λ + L·Rᵀ` give the formed result bit for bit, its inner product with `V`
    /// (`⟨L·Rᵀ, V⟩` from the core) and the low-rank part added to a matrix without forming it.
    func parts<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 153)
        let (nA, nG, m) = (9, 7, 3)
        let a = try MatrixEnsemble<Scalar>.positiveDefinite(nA, conditionNumber: 1e3, using: &generator)
        let g = try MatrixEnsemble<Scalar>.positiveDefinite(nG, conditionNumber: 1e3, using: &generator)
        let lambda: Scalar = 0.05
        for (rankA, rankG) in [(3, 2), (2, 4), (0, 3)] {
            let eig = try KroneckerEigendecomposition(SymmetricEigendecomposition.largest(rankA, of: a),
                                                      SymmetricEigendecomposition.largest(rankG, of: g))
            let inputs = try Matrix<Scalar>.randomGaussian(rows: nA, columns: m, using: &generator)
            let outputGradients = try Matrix<Scalar>.randomGaussian(rows: nG, columns: m, using: &generator)
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
