import DenseLinearAlgebra
import LinearOperators
import SymmetricEigen

/// A Kronecker eigendecomposition is the symmetric operator it represents,
/// `Q·diag(d₁ ⊗ … ⊗ d_d)·Qᵀ` with `Q = Q₁ ⊗ … ⊗ Q_d` kept factored: `A₁ ⊗ … ⊗ A_d` for complete
/// factor decompositions, its rank-`Π kᵢ` part for partial ones.
extension KroneckerEigendecomposition: SymmetricOperator, SolvableOperator, LogDeterminantOperator {
    /// `N`. - Complexity: `O(d)`.
    @inlinable public var rows: Int { order }
    /// `N`. - Complexity: `O(d)`.
    @inlinable public var columns: Int { order }

    /// `Q·diag(d₁ ⊗ … ⊗ d_d)·Qᵀ·X`. - Complexity: two Kronecker products with `k` columns and `O(N·k)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X` has
    ///   `N` rows, and as ``eigenvalues()``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, rows: order, "KroneckerEigendecomposition.apply")
        return try eigenvectors.spectralProduct(eigenvalues(), x)
    }

    /// `Σ_r (d₁ ⊗ … ⊗ d_d)_r = Π tr(Dᵢ)`. - Complexity: `O(Σ kᵢ)`.
    @inlinable
    public func trace() throws -> Scalar { factors.reduce(1) { $0 * $1.eigenvalues.reduce(0, +) } }

    /// `(A₁ ⊗ … ⊗ A_d)⁻¹·B` through the eigenbasis: ``dampedInverse(applyingTo:damping:)`` with `λ = 0`.
    /// - Complexity: as ``dampedInverse(applyingTo:damping:)``.
    /// - Throws: as ``dampedInverse(applyingTo:damping:)``: a zero eigenvalue, or a partial
    ///   decomposition (whose complement has eigenvalue 0), throws
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/singularEigenvalue(operation:index:value:)``; a numerically
    ///   singular product (`min|e| < eps·max|e|` over its eigenvalues `e`, the products of the factors')
    ///   throws ``/DenseLinearAlgebra/LinearAlgebraError/numericallySingular(operation:reciprocalCondition:)``, as an LU
    ///   solve would.
    @inlinable
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        if factors.allSatisfy(\.isComplete) {
            // |e| = Π|eᵢ|, so the ratio of the extremes is the product of the factors' ratios.
            let ratio = factors.reduce(Scalar(1)) { $0 * reciprocalCondition(ofEigenvalues: $1.eigenvalues) }
            try requireNumericallyNonsingular(reciprocalCondition: ratio, operation: "KroneckerEigendecomposition.solve")
        }
        return try dampedInverse(applyingTo: b, damping: 0)
    }

    /// `log|det(A₁ ⊗ … ⊗ A_d)| = Σᵢ (N/nᵢ)·log|det Aᵢ|` from the factors' eigenvalues.
    /// - Complexity: `O(Σ nᵢ)`.
    /// - Throws: as each factor's ``/SymmetricEigen/SymmetricEigendecomposition/logAbsoluteDeterminant()``
    ///   (a partial decomposition or a zero eigenvalue), in the factor's context.
    @inlinable
    public func logAbsoluteDeterminant() throws -> (logAbs: Scalar, sign: Scalar) {
        let n = order
        var (logAbs, sign): (Scalar, Scalar) = (0, 1)
        for (index, factor) in factors.enumerated() where factor.order > 0 {
            let (factorLog, factorSign) = try LinearAlgebraError.withContext(
                "KroneckerEigendecomposition.logAbsoluteDeterminant: factor \(index + 1) of \(factors.count)"
            ) { try factor.logAbsoluteDeterminant() }
            let power = n / factor.order
            logAbs += Scalar(power) * factorLog
            if factorSign < 0 && power % 2 == 1 { sign = -sign }
        }
        return (logAbs, sign)
    }
}

extension KroneckerProduct {
    /// `Q·diag(c)·Qᵀ·X` with this product as the eigenbasis `Q` (factored) and one coefficient
    /// per column of `Q`: the product of a Kronecker eigendecomposition (or a Kronecker sum's).
    /// - Complexity: two Kronecker products with `k` columns and `O(R·k)`.
    @inlinable
    func spectralProduct(_ coefficients: [Scalar], _ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var projected = try applyTransposed(to: x)
        try projected.scaleRows(by: coefficients)
        return try apply(to: projected)
    }
}
