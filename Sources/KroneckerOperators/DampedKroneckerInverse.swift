import DenseLinearAlgebra
import LinearOperators

/// The damped inverse `(A₁ ⊗ … ⊗ A_d + λI)⁻¹` as a symmetric operator (K-FAC's eigen-route
/// preconditioner), applied exactly through a ``KroneckerEigendecomposition``: for partial factor
/// decompositions (`R = Π kᵢ < N` eigenpairs) the inverse of `Q·D·Qᵀ + λI`.
///
/// Its solve is the damped operator itself, `(Q·D·Qᵀ + λI)·B`; its trace and determinant come
/// from the eigenvalues `e_r`: `Σ 1/(e_r + λ) + (N − R)/λ` and `−Σ log|e_r + λ| − (N − R)·log λ`.
public struct DampedKroneckerInverse<Scalar: LinearAlgebraScalar>: SymmetricOperator, SolvableOperator,
    LogDeterminantOperator
{
    /// The eigendecomposition of `A₁ ⊗ … ⊗ A_d`.
    public let decomposition: KroneckerEigendecomposition<Scalar>
    /// `λ ≥ 0`.
    public let damping: Scalar

    /// `(A₁ ⊗ … ⊗ A_d + λI)⁻¹`. - Complexity: `O(1)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `λ` negative or not
    ///   finite.
    @inlinable
    public init(_ decomposition: KroneckerEigendecomposition<Scalar>, damping: Scalar) throws {
        guard damping.isFinite, damping >= 0 else {
            throw LinearAlgebraError.invalidArgument(
                operation: "DampedKroneckerInverse", detail: "damping λ=\(damping) must be finite and ≥ 0")
        }
        self.decomposition = decomposition
        self.damping = damping
    }

    /// `N`. - Complexity: `O(d)`.
    @inlinable public var rows: Int { decomposition.order }
    /// `N`. - Complexity: `O(d)`.
    @inlinable public var columns: Int { decomposition.order }

    /// `(A₁ ⊗ … ⊗ A_d + λI)⁻¹·X`.
    /// - Complexity: as ``KroneckerEigendecomposition/dampedInverse(applyingTo:damping:)``.
    /// - Throws: as ``KroneckerEigendecomposition/dampedInverse(applyingTo:damping:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try decomposition.dampedInverse(applyingTo: x, damping: damping)
    }

    /// `(Q·D·Qᵀ + λI)·B`. - Complexity: as ``KroneckerEigendecomposition/apply(to:)``.
    /// - Throws: as ``KroneckerEigendecomposition/apply(to:)``.
    @inlinable
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var result = try decomposition.apply(to: b)
        try result.add(b, scaledBy: damping)
        return result
    }

    /// `Σ 1/(e_r + λ) + (N − R)/λ`. - Complexity: `O(R)`.
    /// - Throws: as ``KroneckerEigendecomposition/eigenvalues()``, and
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/singularEigenvalue(operation:index:value:)`` for `e_r + λ = 0` (or
    ///   `λ = 0` with `R < N`).
    @inlinable
    public func trace() throws -> Scalar {
        try shiftedEigenvalues("DampedKroneckerInverse.trace").reduce(0) { $0 + 1 / $1 }
    }

    /// `−log|det(Q·D·Qᵀ + λI)|` and its sign. - Complexity: `O(R)`.
    /// - Throws: as ``trace()``.
    @inlinable
    public func logAbsoluteDeterminant() throws -> (logAbs: Scalar, sign: Scalar) {
        var (logAbs, sign): (Scalar, Scalar) = (0, 1)
        for value in try shiftedEigenvalues("DampedKroneckerInverse.logAbsoluteDeterminant") {
            logAbs -= Scalar.log(abs(value))
            if value < 0 { sign = -sign }
        }
        return (logAbs, sign)
    }

    /// The eigenvalues `e_r + λ` of the damped operator, the complement's `λ` included `N − R` times.
    @inlinable
    func shiftedEigenvalues(_ operation: String) throws -> [Scalar] {
        let values = try decomposition.eigenvalues().map { $0 + damping }
        let all = values + Array(repeating: damping, count: decomposition.order - values.count)
        if let index = all.firstIndex(where: { !(1 / $0).isFinite }) {
            throw LinearAlgebraError.singularEigenvalue(operation: operation, index: index + 1, value: Double(all[index]))
        }
        return all
    }
}
