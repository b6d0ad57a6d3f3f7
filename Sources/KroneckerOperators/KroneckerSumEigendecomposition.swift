import DenseLinearAlgebra
import SymmetricEigen

/// The eigendecomposition of a Kronecker sum `A ⊕ B = A ⊗ I + I ⊗ B` of symmetric
/// factors, kept factored: with `A = Q_A D_A Q_Aᵀ`, `B = Q_B D_B Q_Bᵀ`,
///
/// ```
/// A ⊕ B = (Q_A ⊗ Q_B)·(D_A ⊗ I + I ⊗ D_B)·(Q_A ⊗ Q_B)ᵀ
/// ```
///
/// since `Q_A ⊗ Q_B` diagonalises both summands. Eigenvalue `r = i + n_B·j` is
/// `d_A[j] + d_B[i]`.
public struct KroneckerSumEigendecomposition<Scalar: LinearAlgebraScalar>: Sendable {
    /// `A`'s complete eigendecomposition.
    public let first: SymmetricEigendecomposition<Scalar>
    /// `B`'s complete eigendecomposition.
    public let second: SymmetricEigendecomposition<Scalar>

    /// Assembles the decomposition of `A ⊕ B` from complete decompositions of `A` and `B`.
    /// - Complexity: `O(1)`; nothing is copied.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for a partial decomposition or
    ///   one without eigenvectors (a sum has no low-rank-plus-identity form).
    @inlinable
    public init(_ first: SymmetricEigendecomposition<Scalar>, _ second: SymmetricEigendecomposition<Scalar>) throws {
        for (name, factor) in [("A", first), ("B", second)] where !(factor.isComplete && factor.hasEigenvectors) {
            throw LinearAlgebraError.invalidArgument(
                operation: "KroneckerSumEigendecomposition",
                detail: "\(name) needs a complete decomposition with eigenvectors, has \(factor.eigenvalues.count) "
                    + "of \(factor.order) pairs\(factor.hasEigenvectors ? "" : " and no eigenvectors")")
        }
        self.first = first
        self.second = second
    }

    /// `n_A·n_B`, the order of the sum.
    /// - Complexity: `O(1)`.
    @inlinable public var order: Int { first.order * second.order }

    /// The eigenvalues `d_A[j] + d_B[i]` at index `i + n_B·j`, matching ``eigenvectors``. Not sorted.
    /// - Complexity: `O(N)`, materialised on each call.
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:count:of:reachesBLAS:)`` for the `N` values.
    @inlinable
    public func eigenvalues() throws -> [Scalar] {
        try kroneckerCombination([first.eigenvalues, second.eigenvalues], identity: 0,
                                 operation: "KroneckerSumEigendecomposition.eigenvalues", +)
    }

    /// The orthonormal eigenvectors `Q_A ⊗ Q_B`, kept factored.
    /// - Complexity: `O(1)`; the factors' eigenvector matrices are shared, not copied.
    @inlinable
    public var eigenvectors: KroneckerProduct<Scalar> {
        KroneckerProduct(uncheckedFactors: [first.eigenvectors, second.eigenvectors])
    }

    /// Solves `(A ⊕ B + σI)·X = C`: `Q·[(Qᵀ·C) ⊘ (d_A ⊕ d_B + σ)]`, in matrix form per
    /// column `Q_B·[(Q_Bᵀ·Cⱼ·Q_A) ⊘ (d_B[i] + d_A[j] + σ)]·Q_Aᵀ`.
    /// - Complexity: two Kronecker products with `k` columns, `4·n_A·n_B·(n_A + n_B)·k` flops.
    /// - Accuracy: relative error `≈ c·(n_A + n_B)·eps·max|e + σ| / min|e + σ|`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `C` has `N`
    ///   rows, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ in `C` or `σ`,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/singularEigenvalue(operation:index:value:)`` when some `1/(e_r + σ)` is not finite
    ///   (`e_r + σ` zero or subnormal; 1-based `r`); with `σ = 0`,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/numericallySingular(operation:reciprocalCondition:)`` when
    ///   `min|e| < eps·max|e|`, as an LU solve.
    @inlinable
    public func solve(_ c: Matrix<Scalar>, shift sigma: Scalar = 0) throws -> Matrix<Scalar> {
        var result = Matrix<Scalar>()
        var workspace = KroneckerWorkspace<Scalar>()
        try solve(c, shift: sigma, into: &result, workspace: &workspace)
        return result
    }

    /// ``solve(_:shift:)`` writing `X` into `result` (reshaped to `N × k` if needed) with
    /// scratch memory from `workspace`: no allocation once both have their sizes.
    /// - Complexity: as ``solve(_:shift:)``.
    /// - Throws: as ``solve(_:shift:)``; `result` is unchanged when it throws.
    @inlinable
    public func solve(_ c: Matrix<Scalar>, shift sigma: Scalar = 0, into result: inout Matrix<Scalar>,
                      workspace: inout KroneckerWorkspace<Scalar>) throws {
        let operation = "KroneckerSumEigendecomposition.solve"
        try requireSolveOperands(c, name: "C", rows: order, shift: sigma, shiftName: "shift σ", operation: operation)
        let values = try eigenvalues()
        let coefficients = try reciprocalsOfShifted(values, shift: sigma, operation: operation)
        // Unshifted, it is a plain solve, held to an LU solve's rule.
        if sigma == 0 {
            try requireNumericallyNonsingular(reciprocalCondition: reciprocalCondition(ofEigenvalues: values),
                                              operation: operation)
        }
        try applyInKroneckerEigenbasis([first.eigenvectors, second.eigenvectors], coefficients: coefficients,
                                   complement: 0, to: c, into: &result, workspace: &workspace)
    }
}
