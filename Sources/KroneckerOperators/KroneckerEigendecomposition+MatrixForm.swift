import DenseLinearAlgebra
import SymmetricEigen

extension KroneckerEigendecomposition {
    /// The damped inverse in the Kronecker eigenbasis with *replaced* eigenvalues:
    /// for two factors `A ⊗ G` and `V` of size `n_G × n_A`,
    ///
    /// ```
    /// vec⁻¹[ (Q (diag(vec S) + λI) Qᵀ)⁻¹ vec V ] = Q_G·[(Q_Gᵀ·V·Q_A) ⊘ (S + λ)]·Q_Aᵀ
    /// ```
    ///
    /// — EKFAC's preconditioner, where `S` (`n_G × n_A`) is the re-estimated diagonal of
    /// the curvature in the eigenbasis instead of the products `d_G·d_Aᵀ`
    /// [George et al. 2018, Eq. 10].
    /// - Complexity: four GEMMs, `4·n_G·n_A·(n_G + n_A)` flops.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` unless there are two complete
    ///   factor decompositions; ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for the
    ///   shapes of `V` or `S`; ``LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞;
    ///   ``LinearAlgebraError/singularMatrix(operation:index:)`` when some `s + λ = 0`.
    @inlinable
    public func dampedInverse(applyingToMatrix v: Matrix<Scalar>, replacingEigenvalues s: Matrix<Scalar>,
                              damping lambda: Scalar) throws -> Matrix<Scalar> {
        let operation = "KroneckerEigendecomposition.dampedInverse(applyingToMatrix:replacingEigenvalues:)"
        guard factors.count == 2, isComplete else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "needs two complete factor decompositions, got \(factors.count)")
        }
        let (inputOrder, outputOrder) = (factors[0].order, factors[1].order)
        guard v.rows == outputOrder, v.columns == inputOrder, s.rows == outputOrder, s.columns == inputOrder else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "V and S of size \(outputOrder)×\(inputOrder) (n_G × n_A)",
                actual: "V \(v.rows)×\(v.columns), S \(s.rows)×\(s.columns)")
        }
        guard lambda.isFinite else {
            throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: "damping λ = \(lambda)")
        }
        try v.requireFinite(operation, argument: "V")
        try s.requireFinite(operation, argument: "S")
        var coefficients = s
        try coefficients.withUnsafeMutableBufferPointer { c in
            for r in c.indices {
                let shifted = c[r] + lambda
                guard shifted != 0 else { throw LinearAlgebraError.singularMatrix(operation: operation, index: r + 1) }
                c[r] = 1 / shifted
            }
        }
        return try scaledInEigenbasis(v, by: coefficients)
    }

    /// `Q_G·[(Q_Gᵀ·V·Q_A) ⊙ C]·Q_Aᵀ` for two complete factor decompositions: the
    /// matrix form of `Q·diag(vec C)·Qᵀ·vec(V)`, as four GEMMs with no reshaping.
    /// - Complexity: `4·n_G·n_A·(n_G + n_A)` flops.
    @inlinable
    func scaledInEigenbasis(_ v: Matrix<Scalar>, by coefficients: Matrix<Scalar>) throws -> Matrix<Scalar> {
        let (qA, qG) = (factors[0].eigenvectors, factors[1].eigenvectors)
        let rotated = try qG.multiplied(by: v, transposingSelf: .transpose).multiplied(by: qA)
        return try qG.multiplied(by: rotated.hadamard(coefficients)).multiplied(by: qA, transposingOther: .transpose)
    }
}
