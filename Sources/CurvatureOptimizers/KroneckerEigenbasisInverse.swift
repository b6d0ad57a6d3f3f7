import DenseLinearAlgebra
import KroneckerOperators
import SymmetricEigen

/// K-FAC's eigen route: the exact `(δ·A ⊗ G + λI)⁻¹` through the factors' eigenbases,
/// `V = δ⁻¹·Q_G [ (Q_Gᵀ ∇W Q_A) ⊘ (d_G d_Aᵀ + λ/δ) ] Q_Aᵀ` (Martens & Grosse 2015, §6.3; the
/// application is KroneckerOperators' damped inverse), with the `λ` given at application.
///
/// - Complexity: refresh `≈ 9(d_in³ + d_out³)` flops (two `syevd`); application
///   `4·d_in·d_out·(d_in + d_out)` flops, or `O(m(d_in² + d_out²) + m·d_in·d_out)` in the rank-`m` form.
public struct KroneckerEigenbasisInverse<Scalar: LinearAlgebraScalar>: KroneckerFactorInversion {
    /// `A`'s eigendecomposition at the refresh (eigenvalues clamped at 0).
    public let input: SymmetricEigendecomposition<Scalar>
    /// `G`'s eigendecomposition.
    public let output: SymmetricEigendecomposition<Scalar>
    /// `δ` at the refresh (1 unless trace-restricted).
    public let scale: Scalar
    /// The factors' conditioning and `λ` at the refresh.
    public let diagnostics: CurvatureDiagnostics

    public init(factors: KroneckerFactors<Scalar>, options: KroneckerBlockOptions) throws {
        let (input, output, clamped) = try factors.eigendecompositions()
        (self.input, self.output, scale) = (input, output, factors.scale)
        diagnostics = CurvatureDiagnostics(
            damping: options.damping, inputConditionNumber: CurvatureDiagnostics.conditionNumber(input.eigenvalues),
            outputConditionNumber: CurvatureDiagnostics.conditionNumber(output.eigenvalues), clampedEigenvalues: clamped)
    }

    /// `λ/δ`: the damping of `A ⊗ G` once `δ` is factored out.
    private func relativeDamping(_ damping: Double) -> Scalar { Scalar(damping) / scale }

    /// The damped inverse with the given `λ` (the block's current one: a changed `λ` acts at
    /// once, at no cost in the eigenbasis).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func preconditioned(_ gradient: Matrix<Scalar>, damping: Double) throws -> Matrix<Scalar> {
        var direction = try KroneckerEigendecomposition(input, output)
            .dampedInverse(applyingToMatrix: gradient, damping: relativeDamping(damping))
        if scale != 1 { direction.scale(by: 1 / scale) }
        return direction
    }

    /// The rotation `(Q_Gᵀg)(Q_Aᵀa)ᵀ` into the eigenbasis, then as ``preconditioned(_:damping:)``.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func preconditioned(productOf outputGradients: Matrix<Scalar>, _ inputs: Matrix<Scalar>,
                               damping: Double) throws -> Matrix<Scalar> {
        let result = try KroneckerEigendecomposition(input, output).dampedInverse(
            applyingToProductOf: outputGradients, inputs, damping: relativeDamping(damping))
        return scale == 1 ? result : result.scaled(by: 1 / scale)
    }

    public var stateSize: Int {
        input.eigenvectors.elements.count + output.eigenvectors.elements.count + input.eigenvalues.count
            + output.eigenvalues.count
    }

    public func requireOrders(input n: Int, output m: Int, _ decoder: any Decoder) throws {
        for (decomposition, order) in [(input, n), (output, m)] {
            try DecodedState.require(decomposition.order == order && decomposition.isComplete
                                         && decomposition.hasEigenvectors, decoder,
                                     "an eigendecomposition of order \(decomposition.order) with "
                                         + "\(decomposition.eigenvalues.count) eigenpairs for a factor of order \(order)")
        }
        try DecodedState.require(scale > 0 && scale.isFinite, decoder, "scale δ = \(scale) must be positive and finite")
    }
}
