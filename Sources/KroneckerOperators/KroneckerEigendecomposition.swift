import DenseLinearAlgebra
import SymmetricEigen

/// The eigendecomposition of a Kronecker product of symmetric factors, kept factored:
/// with `Aᵢ = Qᵢ·diag(dᵢ)·Qᵢᵀ`,
///
/// ```
/// A₁ ⊗ … ⊗ A_d = (Q₁ ⊗ … ⊗ Q_d)·diag(d₁ ⊗ … ⊗ d_d)·(Q₁ ⊗ … ⊗ Q_d)ᵀ
/// ```
///
/// by the mixed-product rule `(A ⊗ B)(C ⊗ D) = AC ⊗ BD`. The eigenvalues are the
/// outer product of the factors' eigenvalues (never sorted), the eigenvectors a
/// Kronecker product of the factors' eigenvectors.
///
/// K-FAC's eigen route [Martens & Grosse 2015; George et al. 2018, §3] is
/// ``dampedInverse(applyingToMatrix:damping:)``: for `F ≈ A ⊗ G` and a gradient `V`
/// (`d_out × d_in`), `(A ⊗ G + λI)⁻¹·vec(V) = vec(Q_G·[(Q_Gᵀ·V·Q_A) ⊘ (d_G·d_Aᵀ + λ)]·Q_Aᵀ)`.
public struct KroneckerEigendecomposition<Scalar: LinearAlgebraScalar>: Sendable {
    /// The factors' eigendecompositions, in product order.
    public let factors: [SymmetricEigendecomposition<Scalar>]

    /// Assembles the decomposition of `A₁ ⊗ … ⊗ A_d` from `Aᵢ`'s decompositions. Partial
    /// factor decompositions (selections) give a partial decomposition of the product.
    /// - Complexity: `O(d)`; nothing is copied.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for an empty list, a factor
    ///   decomposition without eigenvectors, or when the order `Π nᵢ` overflows `Int`.
    @inlinable
    public init(factors: [SymmetricEigendecomposition<Scalar>]) throws {
        let operation = "KroneckerEigendecomposition"
        guard !factors.isEmpty else {
            throw LinearAlgebraError.invalidArgument(operation: operation, detail: "needs at least one factor, got 0")
        }
        _ = try checkedProduct(factors.map(\.order), of: "order", operation: operation)
        if let index = factors.firstIndex(where: { !$0.hasEigenvectors }) {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "factor \(index) was decomposed without eigenvectors")
        }
        self.factors = factors
    }

    /// The decomposition of `first ⊗ second ⊗ rest…`; for K-FAC, `first` is `A`'s
    /// (input side, `d_in`) and `second` is `G`'s (output side, `d_out`).
    /// - Complexity: `O(d)`; nothing is copied.
    /// - Throws: as ``init(factors:)``.
    @inlinable
    public init(_ first: SymmetricEigendecomposition<Scalar>, _ second: SymmetricEigendecomposition<Scalar>,
                _ rest: SymmetricEigendecomposition<Scalar>...) throws {
        try self.init(factors: [first, second] + rest)
    }

    /// `N = Π nᵢ`, the order of the product (checked not to overflow at initialisation).
    /// - Complexity: `O(d)`.
    @inlinable public var order: Int { factors.reduce(1) { $0 * $1.order } }
    /// `true` when every factor decomposition is complete.
    /// - Complexity: `O(d)`.
    @inlinable public var isComplete: Bool { factors.allSatisfy(\.isComplete) }

    /// The eigenvalues `d₁ ⊗ … ⊗ d_d` (entry `r` with the last factor's index fastest),
    /// matching the columns of ``eigenvectors``. Not sorted.
    /// - Complexity: `O(Π kᵢ)` time and memory — materialised on each call.
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:count:of:reachesBLAS:)`` for the `Π kᵢ` values.
    @inlinable
    public func eigenvalues() throws -> [Scalar] {
        try kroneckerCombination(factors.map(\.eigenvalues), identity: 1,
                                 operation: "KroneckerEigendecomposition.eigenvalues", *)
    }

    /// The orthonormal eigenvectors `Q₁ ⊗ … ⊗ Q_d` (`N × Π kᵢ`), kept factored.
    /// - Complexity: `O(d)`; the factors' eigenvector matrices are shared, not copied.
    @inlinable
    public var eigenvectors: KroneckerProduct<Scalar> {
        KroneckerProduct(uncheckedFactors: factors.map(\.eigenvectors))
    }

    /// `Q·diag(d₁ ⊗ … ⊗ d_d)·Qᵀ` as the Kronecker product of the factors' reconstructions.
    /// - Complexity: `Σ 2nᵢ²kᵢ` flops.
    @inlinable
    public func reconstructed() throws -> KroneckerProduct<Scalar> {
        KroneckerProduct(uncheckedFactors: try factors.map { try $0.reconstructed() })
    }

    /// `(A₁ ⊗ … ⊗ A_d + λI)⁻¹·X` applied exactly through the eigenbasis,
    /// `Q·[(Qᵀ·X) ⊘ (d₁ ⊗ … ⊗ d_d + λ)]`, never forming an `N × N` matrix.
    ///
    /// For partial factor decompositions (`Q` with `R = Π kᵢ < N` columns), the exact
    /// inverse of `Q·D·Qᵀ + λI`: `Q·[(D + λ)⁻¹ − λ⁻¹]·Qᵀ·X + X/λ`.
    /// - Complexity: two Kronecker products with `k` columns — for two `n × n` factors
    ///   `8n³k` flops — plus `O(N·k)`.
    /// - Accuracy: relative error `≈ c·(Σ nᵢ)·eps·max|e + λ| / min|e + λ|` over the eigenvalues `e`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X` has `N`
    ///   rows, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ in `X`,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `λ` negative or not finite,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/singularEigenvalue(operation:index:value:)`` when `1/(e_r + λ)` is not finite
    ///   (`e_r + λ` zero or subnormal; 1-based `r`) or, for a partial decomposition, `1/λ` is not
    ///   finite (index `R + 1`).
    @inlinable
    public func dampedInverse(applyingTo x: Matrix<Scalar>, damping lambda: Scalar) throws -> Matrix<Scalar> {
        var result = Matrix<Scalar>()
        var workspace = KroneckerWorkspace<Scalar>()
        try dampedInverse(applyingTo: x, damping: lambda, into: &result, workspace: &workspace)
        return result
    }

    /// ``dampedInverse(applyingTo:damping:)`` writing into `result` (reshaped to `N × k` if
    /// needed) with scratch memory from `workspace`: no allocation beyond the `N`
    /// coefficients once both have their sizes.
    /// - Complexity: as ``dampedInverse(applyingTo:damping:)``.
    /// - Throws: as ``dampedInverse(applyingTo:damping:)``; `result` is unchanged when it throws.
    @inlinable
    public func dampedInverse(applyingTo x: Matrix<Scalar>, damping lambda: Scalar, into result: inout Matrix<Scalar>,
                              workspace: inout KroneckerWorkspace<Scalar>) throws {
        let operation = "KroneckerEigendecomposition.dampedInverse"
        try requireValidDamping(lambda, operation: operation)
        try requireSolveOperands(x, name: "X", rows: order, shift: lambda, shiftName: "damping λ", operation: operation)
        let values = try eigenvalues()
        // 1/(e + λ) on the captured subspace, less the 1/λ that X/λ adds back there.
        let complement: Scalar = isComplete
            ? 0 : try complementCoefficient(damping: lambda, captured: values.count, operation: operation)
        let coefficients = try reciprocalsOfShifted(values, shift: lambda, minus: complement, operation: operation)
        try applyInKroneckerEigenbasis(factors.map(\.eigenvectors), coefficients: coefficients,
                                   complement: complement, to: x, into: &result, workspace: &workspace)
    }

    /// The matrix form of the damped inverse for two factors `A ⊗ G` (`A`: `n_A`, `G`: `n_G`):
    /// for `V` of size `n_G × n_A`,
    ///
    /// ```
    /// (A ⊗ G + λI)⁻¹·vec(V) = vec(Q_G·[(Q_Gᵀ·V·Q_A) ⊘ (d_G·d_Aᵀ + λ)]·Q_Aᵀ)
    /// ```
    ///
    /// — K-FAC's eigen route with `V` the layer gradient (`d_out × d_in`), `A` the input
    /// factor and `G` the output factor [Martens & Grosse 2015, §6.3; George et al. 2018, Eq. 8].
    /// - Complexity: four GEMMs, `4·n_G·n_A·(n_G + n_A)` flops, two `n_G × n_A` buffers.
    ///   Partial factor decompositions go through
    ///   ``dampedInverse(applyingToMatrix:factoredAs:damping:into:)``, `O(n_G·n_A·(r_A + r_G))`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` unless there are exactly two
    ///   factors, ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for `V`'s shape,
    ///   and as ``dampedInverse(applyingTo:damping:)`` (the singular index is `j·n_G + i + 1` for
    ///   entry `(i, j)`, the position in `vec`).
    @inlinable
    public func dampedInverse(applyingToMatrix v: Matrix<Scalar>, damping lambda: Scalar) throws -> Matrix<Scalar> {
        let operation = "KroneckerEigendecomposition.dampedInverse(applyingToMatrix:)"
        guard factors.count == 2 else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "the matrix form needs exactly 2 factors, got \(factors.count)")
        }
        let (inputOrder, outputOrder) = (factors[0].order, factors[1].order)
        guard v.rows == outputOrder, v.columns == inputOrder else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "V of size \(outputOrder)×\(inputOrder) (n_G × n_A)",
                actual: "\(v.rows)×\(v.columns)")
        }
        guard isComplete else {
            var result = Matrix<Scalar>()
            try dampedInverse(applyingToMatrix: v, factoredAs: nil, damping: lambda, into: &result)
            return result
        }
        try requireValidDamping(lambda, operation: operation)
        try v.requireFinite(operation, argument: "V")
        let (inputValues, outputValues) = (factors[0].eigenvalues, factors[1].eigenvalues)
        return try dividedInEigenbasis(v, operation: operation) { i, j in outputValues[i] * inputValues[j] + lambda }
    }
}

extension KroneckerProduct {
    /// The eigendecomposition of a product of symmetric factors from the factors'
    /// decompositions (``/SymmetricEigen/SymmetricEigendecomposition``, one triangle of each read).
    /// Eigenvectors are always computed (`options.computeVectors` is not consulted):
    /// every use of the product's decomposition needs them.
    /// - Complexity: `Σ ≈ 9nᵢ³` flops (divide and conquer) — for two `n × n` factors
    ///   `18n³` instead of `9n⁶` for the product.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless every factor
    ///   is square, and as ``/SymmetricEigen/SymmetricEigendecomposition/init(_:driver:options:)`` in the context
    ///   (``/DenseLinearAlgebra/LinearAlgebraError/inContext(_:underlying:)``) of the failing factor.
    @inlinable
    public func symmetricEigendecomposition(
        driver: SymmetricEigendecomposition<Scalar>.Driver = .divideAndConquer,
        options: SymmetricEigendecomposition<Scalar>.Options = .init()
    ) throws -> KroneckerEigendecomposition<Scalar> {
        let operation = "KroneckerProduct.symmetricEigendecomposition"
        try requireSquareFactors(operation)
        var vectorOptions = options
        vectorOptions.computeVectors = true
        return try KroneckerEigendecomposition(factors: factors.enumerated().map { index, factor in
            try LinearAlgebraError.withContext(factorContext(operation, index)) {
                try SymmetricEigendecomposition(factor, driver: driver, options: vectorOptions)
            }
        })
    }
}
