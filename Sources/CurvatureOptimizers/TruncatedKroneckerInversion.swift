import DenseLinearAlgebra
import KroneckerOperators
import SymmetricEigen

/// The preconditioning part of a low-rank K-FAC block: the damped inverse of the truncated
/// factors `A_r ⊗ G_r` applied to a gradient, one part per route
/// (``PartialKroneckerEigenbasisInverse``, ``TruncatedFactoredInverse``;
/// ``KroneckerBlockOptions/Route/truncatedInversion(_:)`` names it). A part is formed from the
/// block's current decompositions at each application; it stores nothing.
public protocol TruncatedKroneckerInversion<Scalar> {
    associatedtype Scalar: LinearAlgebraScalar

    /// The part for the truncated decompositions `A_r = U_A D_A U_Aᵀ`, `G_r = U_G D_G U_Gᵀ`.
    /// - Parameters:
    ///   - input: `A_r`'s decomposition (rank `r_A ≤ d_in`).
    ///   - output: `G_r`'s decomposition.
    ///   - options: the damping `λ` and whether it is split by π.
    ///   - normalizedTraces: `[tr A/d_in, tr G/d_out]` for a π split, evaluated only by the parts
    ///     that split the damping.
    /// - Throws: what `normalizedTraces` or the damping split throws.
    init(input: SymmetricEigendecomposition<Scalar>, output: SymmetricEigendecomposition<Scalar>,
         options: KroneckerBlockOptions, normalizedTraces: () throws -> [Scalar]) throws

    /// The damped inverse applied to a gradient `∇W` (`d_out × d_in`).
    func preconditioned(_ gradient: Matrix<Scalar>) throws -> Matrix<Scalar>

    /// The damped inverse applied to `∇W = g·aᵀ` (`gradient`) through its factors, or nil when the
    /// part has no cheaper rank-`m` form.
    func preconditioned(_ gradient: Matrix<Scalar>, productOf outputGradients: Matrix<Scalar>,
                        _ inputs: Matrix<Scalar>) throws -> Matrix<Scalar>?

    /// The damped inverse applied to `∇W` (through its factors `g·aᵀ` when given) left as its
    /// parts `σ·∇W + L·Rᵀ` when the part has that form, so that it need not be formed; nil
    /// otherwise (the default). Materialised, the parts give the matrix the part's
    /// `preconditioned` forms give for the same inputs, bit for bit. `gradient` is nil when `∇W`
    /// was never formed: the parts then come from the factors alone (nil without them).
    func preconditionedParts(_ gradient: Matrix<Scalar>?,
                             productOf product: (outputGradients: Matrix<Scalar>, inputs: Matrix<Scalar>)?) throws
        -> ScaledPlusLowRank<Scalar>?
}

extension TruncatedKroneckerInversion {
    /// No parts: the result is not `σ·∇W + L·Rᵀ` (the inverse route's two-sided product).
    public func preconditionedParts(_ gradient: Matrix<Scalar>?,
                                    productOf product: (outputGradients: Matrix<Scalar>, inputs: Matrix<Scalar>)?)
        -> ScaledPlusLowRank<Scalar>? { nil }
}

extension KroneckerBlockOptions.Route {
    /// The low-rank preconditioning part the route names.
    /// - Complexity: `O(1)`.
    public func truncatedInversion<Scalar: LinearAlgebraScalar>(_: Scalar.Type)
        -> any TruncatedKroneckerInversion<Scalar>.Type {
        switch self {
        case .eigen: return PartialKroneckerEigenbasisInverse<Scalar>.self
        case .inverse: return TruncatedFactoredInverse<Scalar>.self
        }
    }
}

/// The eigen route on truncated factors: exactly `(A_r ⊗ G_r + λI)⁻¹·vec(∇W)` through the
/// partial Kronecker eigenbasis, `Q·[(D + λ)⁻¹ − λ⁻¹]·Qᵀ·x + x/λ` with `Q = U_A ⊗ U_G`
/// (KroneckerOperators' partial matrix form): the directions outside the captured
/// subspaces see the damping alone.
///
/// - Complexity: `2·d_out·d_in·(r_A + min(r_A, r_G))` flops from the dense gradient; from its
///   factors `g·aᵀ` (`m` columns) `2·d_out·d_in·r_A + 2m·(d_out·r_G + d_in·r_A + r_G·r_A)`:
///   one GEMM of inner dimension `r_A` over the gradient's size and thin products, `O(n·r)` per
///   column of the gradient.
public struct PartialKroneckerEigenbasisInverse<Scalar: LinearAlgebraScalar>: TruncatedKroneckerInversion {
    /// `A_r`.
    public let input: SymmetricEigendecomposition<Scalar>
    /// `G_r`.
    public let output: SymmetricEigendecomposition<Scalar>
    /// `λ`.
    public let damping: Scalar

    public init(input: SymmetricEigendecomposition<Scalar>, output: SymmetricEigendecomposition<Scalar>,
                options: KroneckerBlockOptions, normalizedTraces: () throws -> [Scalar]) {
        (self.input, self.output, damping) = (input, output, Scalar(options.damping))
    }

    public func preconditioned(_ gradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        // The matrix form checks V's shape (d_out × d_in); partial factors take the thin-GEMM form.
        try KroneckerEigendecomposition(input, output).dampedInverse(applyingToMatrix: gradient, damping: damping)
    }

    /// The core `(U_Gᵀ·g)·(U_Aᵀ·a)ᵀ` from the factors, then `∇W/λ + U_G·C′·U_Aᵀ` as one GEMM
    /// onto a copy of the gradient; nil for complete decompositions (the block's rank is at
    /// least the layer's width), whose rank-`m` form is K-FAC's.
    public func preconditioned(_ gradient: Matrix<Scalar>, productOf outputGradients: Matrix<Scalar>,
                               _ inputs: Matrix<Scalar>) throws -> Matrix<Scalar>? {
        let eigenbasis = try KroneckerEigendecomposition(input, output)
        guard !eigenbasis.isComplete else {
            return try eigenbasis.dampedInverse(applyingToProductOf: outputGradients, inputs, damping: damping)
        }
        var result = Matrix<Scalar>()
        try eigenbasis.dampedInverse(applyingToMatrix: gradient, factoredAs: (outputGradients, inputs), damping: damping,
                                     into: &result)
        return result
    }

    /// `∇W/λ + (U_G·C′)·U_Aᵀ` as its parts (`σ = 1/λ`, `L = U_G·C′`, `R = U_A`, `⟨L·Rᵀ, ∇W⟩ = ⟨C′, C⟩`),
    /// without the last GEMM and the copy of the gradient; nil for complete decompositions,
    /// which take K-FAC's form.
    /// - Complexity: from the factors `2m·(d_out·r_G + d_in·r_A + r_G·r_A) + 2·d_out·r_G·r_A`
    ///   flops, nothing of the gradient's size read or written.
    public func preconditionedParts(_ gradient: Matrix<Scalar>?,
                                    productOf product: (outputGradients: Matrix<Scalar>, inputs: Matrix<Scalar>)?)
        throws -> ScaledPlusLowRank<Scalar>? {
        let eigenbasis = try KroneckerEigendecomposition(input, output)
        guard !eigenbasis.isComplete else { return nil }
        if let gradient {
            return try eigenbasis.dampedInverseParts(applyingToMatrix: gradient, factoredAs: product, damping: damping)
        }
        guard let (outputGradients, inputs) = product else { return nil }
        return try eigenbasis.dampedInverseParts(applyingToProductOf: outputGradients, inputs, damping: damping)
    }
}

/// The inverse route on truncated factors (RS-KFAC's formula):
/// `(G_r + μ_G I)⁻¹·∇W·(A_r + μ_A I)⁻¹`, each damped inverse `U[(D + μ)⁻¹ − μ⁻¹]Uᵀ + I/μ` in
/// `O(n·r)` per column, `μ_A·μ_G = λ` split by π from the normalised traces (or `√λ` each).
///
/// - Complexity: `O(d_in·d_out·(r_A + r_G))` flops, or `O(m·(d_in·r_A + d_out·r_G) + m·d_in·d_out)`
///   in the rank-`m` form.
public struct TruncatedFactoredInverse<Scalar: LinearAlgebraScalar>: TruncatedKroneckerInversion {
    /// `A_r`.
    public let input: SymmetricEigendecomposition<Scalar>
    /// `G_r`.
    public let output: SymmetricEigendecomposition<Scalar>
    /// `μ_A`.
    public let inputDamping: Scalar
    /// `μ_G`.
    public let outputDamping: Scalar

    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` with π-damping when a
    ///   factor's trace is not positive (π is undefined).
    public init(input: SymmetricEigendecomposition<Scalar>, output: SymmetricEigendecomposition<Scalar>,
                options: KroneckerBlockOptions, normalizedTraces: () throws -> [Scalar]) throws {
        let split: KroneckerDampingSplit = options.piDamping ? .pi : .tikhonov
        let dampings = try split.factorDampings(damping: Scalar(options.damping), normalizedTraces: normalizedTraces())
        (self.input, self.output, inputDamping, outputDamping) = (input, output, dampings[0], dampings[1])
    }

    public func preconditioned(_ gradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        let left = try output.dampedInverse(applyingTo: gradient, damping: outputDamping)
        // (A_r + μI)⁻¹ is symmetric: V·(A_r + μI)⁻¹ = ((A_r + μI)⁻¹·Vᵀ)ᵀ.
        return try input.dampedInverse(applyingTo: left.transposed(), damping: inputDamping).transposed()
    }

    /// `((G_r + μ_G I)⁻¹g)·((A_r + μ_A I)⁻¹a)ᵀ`.
    public func preconditioned(_ gradient: Matrix<Scalar>, productOf outputGradients: Matrix<Scalar>,
                               _ inputs: Matrix<Scalar>) throws -> Matrix<Scalar>? {
        let left = try output.dampedInverse(applyingTo: outputGradients, damping: outputDamping)
        let right = try input.dampedInverse(applyingTo: inputs, damping: inputDamping)
        return try left.multiplied(by: right, transposingOther: .transpose)
    }
}
