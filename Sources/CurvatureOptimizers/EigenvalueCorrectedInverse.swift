import DenseLinearAlgebra
import KroneckerOperators
import SymmetricEigen

/// EKFAC's preconditioning part (George et al. 2018): the Kronecker eigenbasis `Q_A ⊗ Q_G` of
/// the eigen route with its eigenvalue products replaced by `S`, the running second moment of
/// the per-example gradients in that basis. Preconditioning is
/// `Q_G [ (Q_Gᵀ ∇W Q_A) ⊘ (S + λ) ] Q_Aᵀ`, with the block's current `λ`.
///
/// At each refresh the basis is recomputed and `S` restarts from the K-FAC eigenvalue products
/// `δ·d_G d_Aᵀ` in the new basis (the old `S` belongs to the old basis), keeping its moving
/// average's warm-up count; each factor update moves `S` towards the batch's per-example
/// moments. Derivation: `Notes/KFAC-family.md`.
///
/// - Complexity: refresh `≈ 9(d_in³ + d_out³)` flops (two `syevd`) plus `d_out·d_in` for `S`;
///   update `2m(d_in² + d_out²) + 2·d_in·d_out·m` flops; application
///   `4·d_in·d_out·(d_in + d_out)` flops, or `O(m(d_in² + d_out²) + m·d_in·d_out)` in the rank-`m` form.
public struct EigenvalueCorrectedInverse<Scalar: LinearAlgebraScalar>: KroneckerFactorInversion {
    /// The eigenbasis at the latest refresh (eigenvalues clamped at 0, `δ` included).
    public private(set) var basis: KroneckerEigenbasisInverse<Scalar>
    /// `S`, `d_out × d_in`: the curvature's diagonal in the eigenbasis.
    public private(set) var correction: MovingAverage<Scalar>

    /// The eigenbasis of the factors, and `S = δ·d_G d_Aᵀ` averaged with the factors' decay.
    /// - Throws: as ``KroneckerEigenbasisInverse/init(factors:options:)``.
    public init(factors: KroneckerFactors<Scalar>, options: KroneckerBlockOptions) throws {
        basis = try KroneckerEigenbasisInverse(factors: factors, options: options)
        correction = MovingAverage(initial: try Self.eigenvalueProducts(basis), decay: Scalar(options.factorDecay))
    }

    /// A new eigenbasis, and `S` reset to its eigenvalue products without restarting the
    /// warm-up (``MovingAverage/reset(to:)``).
    /// - Throws: as ``init(factors:options:)``; the part is unchanged then.
    public mutating func refresh(factors: KroneckerFactors<Scalar>, options: KroneckerBlockOptions) throws {
        let basis = try KroneckerEigenbasisInverse(factors: factors, options: options)
        let products = try Self.eigenvalueProducts(basis)
        self.basis = basis
        correction.reset(to: products)
    }

    /// `δ·d_G·d_Aᵀ`, as a rank-1 gemm.
    private static func eigenvalueProducts(_ basis: KroneckerEigenbasisInverse<Scalar>) throws -> Matrix<Scalar> {
        var products = try Matrix<Scalar>(rows: basis.output.order, columns: basis.input.order)
        try Matrix.multiply(Matrix(column: basis.output.eigenvalues), Matrix(column: basis.input.eigenvalues),
                            transposingB: .transpose, alpha: basis.scale, into: &products)
        return products
    }

    /// Moves `S` towards the rows' per-example second moment in the eigenbasis.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for rows
    ///   of other orders.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func update(with rows: FactorRows<Scalar>) throws {
        let moment = try rows.eigenbasisSecondMoment(inputBasis: basis.input.eigenvectors,
                                                     outputBasis: basis.output.eigenvectors)
        try correction.update(with: moment)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func preconditioned(_ gradient: Matrix<Scalar>, damping: Double) throws -> Matrix<Scalar> {
        try KroneckerEigendecomposition(basis.input, basis.output).dampedInverse(
            applyingToMatrix: gradient, replacingEigenvalues: correction.value, damping: Scalar(damping))
    }

    /// The rotation `(Q_Gᵀg)(Q_Aᵀa)ᵀ` into the eigenbasis, then as ``preconditioned(_:damping:)``.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func preconditioned(productOf outputGradients: Matrix<Scalar>, _ inputs: Matrix<Scalar>,
                               damping: Double) throws -> Matrix<Scalar> {
        try KroneckerEigendecomposition(basis.input, basis.output).dampedInverse(
            applyingToProductOf: outputGradients, inputs, replacingEigenvalues: correction.value,
            damping: Scalar(damping))
    }

    /// The basis's: the factors' conditioning and `λ` at the refresh.
    public var diagnostics: CurvatureDiagnostics { basis.diagnostics }

    public var stateSize: Int { basis.stateSize + correction.value.elements.count }

    public func requireOrders(input n: Int, output m: Int, _ decoder: any Decoder) throws {
        try basis.requireOrders(input: n, output: m, decoder)
        let s = correction.value
        try DecodedState.require(s.rows == m && s.columns == n, decoder, "S is \(s.rows)×\(s.columns), the layer \(m)×\(n)")
    }
}
