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
    /// - Complexity: four GEMMs, `4·n_G·n_A·(n_G + n_A)` flops, two `n_G × n_A` buffers.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` unless there are two complete
    ///   factor decompositions; ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for the
    ///   shapes of `V` or `S`; ``LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞;
    ///   ``LinearAlgebraError/singularMatrix(operation:index:)`` when some `1/(s + λ)` is not finite
    ///   (index `j·n_G + i + 1` for entry `(i, j)`).
    @inlinable
    public func dampedInverse(applyingToMatrix v: Matrix<Scalar>, replacingEigenvalues s: Matrix<Scalar>,
                              damping lambda: Scalar) throws -> Matrix<Scalar> {
        let operation = "KroneckerEigendecomposition.dampedInverse(applyingToMatrix:replacingEigenvalues:)"
        guard factors.count == 2, isComplete else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation,
                detail: "needs two complete factor decompositions, got \(factors.count) holding "
                    + factors.map { "\($0.eigenvalues.count) of \($0.order)" }.joined(separator: ", ") + " eigenpairs")
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
        return try s.withUnsafeBufferPointer { values in
            let m = outputOrder
            return try dividedInEigenbasis(v, operation: operation) { i, j in values[i + j * m] + lambda }
        }
    }

    /// `Q_G·[(Q_Gᵀ·V·Q_A) ⊘ S]·Q_Aᵀ` with `S[i, j] = shifted(i, j)` for two complete factor
    /// decompositions: the matrix form of `Q·diag(vec S)⁻¹·Qᵀ·vec(V)`, as four GEMMs with no
    /// reshaping, ping-ponging between two `n_G × n_A` buffers.
    /// - Complexity: `4·n_G·n_A·(n_G + n_A)` flops and `n_G·n_A` evaluations of `shifted`.
    /// - Throws: ``LinearAlgebraError/singularMatrix(operation:index:)`` at the first entry whose
    ///   `1/S[i, j]` is not finite (index `j·n_G + i + 1`, the position in `vec`).
    @inlinable
    func dividedInEigenbasis(
        _ v: Matrix<Scalar>, operation: String, shifted: (_ row: Int, _ column: Int) -> Scalar
    ) throws -> Matrix<Scalar> {
        let (qA, qG) = (factors[0].eigenvectors, factors[1].eigenvectors)
        let (m, n) = (v.rows, v.columns)
        var left = Matrix<Scalar>(rows: m, columns: n)
        var core = Matrix<Scalar>(rows: m, columns: n)
        try Matrix.multiply(qG, v, transposingA: .transpose, into: &left)
        try Matrix.multiply(left, qA, into: &core)
        try core.withUnsafeMutableBufferPointer { c in
            for j in 0..<n {
                for i in 0..<m {
                    let reciprocal = 1 / shifted(i, j)
                    guard reciprocal.isFinite else {
                        throw LinearAlgebraError.singularMatrix(operation: operation, index: j * m + i + 1)
                    }
                    c[i + j * m] *= reciprocal
                }
            }
        }
        try Matrix.multiply(qG, core, into: &left)
        try Matrix.multiply(left, qA, transposingB: .transpose, into: &core)
        return core
    }
}
