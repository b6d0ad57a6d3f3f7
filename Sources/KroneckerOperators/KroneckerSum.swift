import DenseLinearAlgebra
import SymmetricEigen

/// The Kronecker sum `A ⊕ B = A ⊗ I_{n_B} + I_{n_A} ⊗ B` of square `A` (`n_A × n_A`) and
/// `B` (`n_B × n_B`), kept factored.
///
/// With the index convention of ``KroneckerProduct`` (last factor fastest,
/// column-major `vec`), for `X` of size `n_B × n_A`:
///
/// ```
/// (A ⊕ B)·vec(X) = vec(B·X + X·Aᵀ)
/// ```
///
/// — the operator of the Sylvester equation `B·X + X·Aᵀ = C`. For symmetric `A`, `B`
/// the eigenvalues are all sums `d_A[j] + d_B[i]` with eigenvectors `Q_A ⊗ Q_B`, so
/// ``solve(_:shift:)`` is `Q_B·[(Q_Bᵀ·C·Q_A) ⊘ (d_B·1ᵀ + 1·d_Aᵀ + σ)]·Q_Aᵀ`
/// (Notes/KroneckerOperators.md).
public struct KroneckerSum<Scalar: LinearAlgebraScalar>: Sendable {
    /// `A`, the first summand's factor (`A ⊗ I`).
    public let first: Matrix<Scalar>
    /// `B`, the second summand's factor (`I ⊗ B`).
    public let second: Matrix<Scalar>

    /// `A ⊕ B = A ⊗ I + I ⊗ B`.
    /// - Complexity: one finite check over `A` and `B`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless both are
    ///   square, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞. (The order
    ///   `n_A·n_B ≤ max(n_A², n_B²)` cannot overflow, since both factors exist.)
    @inlinable
    public init(_ first: Matrix<Scalar>, _ second: Matrix<Scalar>) throws {
        let operation = "KroneckerSum"
        for (name, factor) in [("A", first), ("B", second)] {
            guard factor.isSquare else {
                throw LinearAlgebraError.dimensionMismatch(
                    operation: operation, expected: "square \(name)", actual: "\(factor.rows)×\(factor.columns)")
            }
            try factor.requireFinite(operation, argument: name)
        }
        self.first = first
        self.second = second
    }

    /// `n_A·n_B`, the order of the sum.
    /// - Complexity: `O(1)`.
    @inlinable public var order: Int { first.rows * second.rows }

    /// `(A ⊕ B)·X` for `X` with `k` columns: `vec(B·Xⱼ + Xⱼ·Aᵀ)` for each column `Xⱼ`
    /// viewed as `n_B × n_A`.
    /// - Complexity: `2·n_A·n_B·(n_A + n_B)·k` flops: one GEMM `B·[X₁ … X_k]` and `k`
    ///   accumulating GEMMs `Xⱼ·Aᵀ`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X` has
    ///   `n_A·n_B` rows.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard x.rows == order else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "KroneckerSum.apply", expected: "X with \(order) rows", actual: "\(x.rows)×\(x.columns)")
        }
        var result = try Matrix<Scalar>(rows: order, columns: x.columns)
        guard order > 0, x.columns > 0 else { return result }
        try applyKroneckerSum(first, second, to: x, into: &result)
        return result
    }

    /// The explicit `N × N` matrix `A ⊗ I + I ⊗ B`. For tests and small sizes only.
    /// - Complexity: `N²` entries.
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the `N × N` result,
    ///   before allocating.
    @inlinable
    public func dense() throws -> Matrix<Scalar> {
        let operation = "KroneckerSum.dense"
        var result = try kroneckerPair(first, .identity(second.rows), operation)
        // Shapes agree: both are (n_A·n_B)².
        try result.add(kroneckerPair(.identity(first.rows), second, operation), scaledBy: 1)
        return result
    }

    /// The eigendecomposition of the sum of symmetric `A` and `B` from theirs
    /// (one triangle of each read, as ``/SymmetricEigen/SymmetricEigendecomposition``): eigenvalues
    /// `d_A[j] + d_B[i]`, eigenvectors `Q_A ⊗ Q_B`.
    /// - Complexity: `≈ 9(n_A³ + n_B³)` flops instead of `9(n_A n_B)³`.
    /// - Throws: as ``/SymmetricEigen/SymmetricEigendecomposition/init(_:driver:options:)``.
    @inlinable
    public func symmetricEigendecomposition(
        driver: SymmetricEigendecomposition<Scalar>.Driver = .divideAndConquer,
        options: SymmetricEigendecomposition<Scalar>.Options = .init()
    ) throws -> KroneckerSumEigendecomposition<Scalar> {
        var vectorOptions = options
        vectorOptions.computeVectors = true
        return try KroneckerSumEigendecomposition(
            SymmetricEigendecomposition(first, driver: driver, options: vectorOptions),
            SymmetricEigendecomposition(second, driver: driver, options: vectorOptions))
    }

    /// Solves `(A ⊕ B + σI)·X = C` for symmetric `A`, `B` (a Sylvester equation
    /// `B·Y + Y·Aᵀ + σY = C` per column) through the factors' eigendecompositions.
    /// To solve repeatedly, keep ``symmetricEigendecomposition(driver:options:)``.
    /// - Complexity: the two factor decompositions plus
    ///   ``KroneckerSumEigendecomposition/solve(_:shift:)``.
    /// - Throws: as ``symmetricEigendecomposition(driver:options:)`` and
    ///   ``KroneckerSumEigendecomposition/solve(_:shift:)``.
    @inlinable
    public func solve(_ c: Matrix<Scalar>, shift sigma: Scalar = 0) throws -> Matrix<Scalar> {
        try symmetricEigendecomposition().solve(c, shift: sigma)
    }
}
