import DenseLinearAlgebra
import KroneckerOperators
import SymmetricEigen

extension LowRankKFACBlock {
    /// The damped inverse of the truncated curvature applied to `gradient`: exactly
    /// `(A_r ⊗ G_r + λI)⁻¹·vec(∇W)` on the eigen route (the partial Kronecker eigenbasis,
    /// `Q·[(D + λ)⁻¹ − λ⁻¹]·Qᵀ·x + x/λ`), or `(G_r + μ_G I)⁻¹·∇W·(A_r + μ_A I)⁻¹` on the
    /// inverse route.
    /// - Complexity: `O(d_in·d_out·(r_A + r_G))` flops.
    /// - Throws: ``OptimizerError/invalidConfiguration(_:)`` before the first refresh; on the inverse
    ///   route with π-damping, ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when a factor's
    ///   trace is not positive (π is undefined).
    public func preconditioned(_ gradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard isRefreshed else { throw OptimizerError.notRefreshed }
        switch configuration.options.route {
        case .eigen:
            // The matrix form checks V's shape (d_out × d_in) and takes the vec path for partial factors.
            return try KroneckerEigendecomposition(inputDecomposition, outputDecomposition)
                .dampedInverse(applyingToMatrix: gradient, damping: Scalar(configuration.options.damping))
        case .inverse:
            let (inputDamping, outputDamping) = try factorDampings()
            let left = try outputDecomposition.dampedInverse(applyingTo: gradient, damping: outputDamping)
            // (A_r + μI)⁻¹ is symmetric: V·(A_r + μI)⁻¹ = ((A_r + μI)⁻¹·Vᵀ)ᵀ.
            return try inputDecomposition.dampedInverse(applyingTo: left.transposed(), damping: inputDamping).transposed()
        }
    }

    /// On the inverse route, the rank-`m` form `((G_r + μ_G I)⁻¹g)·((A_r + μ_A I)⁻¹a)ᵀ` when
    /// `prefersFactoredForm(_:_:_:)` says it is cheaper; otherwise ``preconditioned(_:)``.
    public func preconditioned(_ gradient: Matrix<Scalar>, factoredAs outputGradients: Matrix<Scalar>,
                               times inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard configuration.options.route == .inverse, Self.prefersFactoredForm(gradient, outputGradients, inputs) else {
            return try preconditioned(gradient)
        }
        guard isRefreshed else { throw OptimizerError.notRefreshed }
        let (inputDamping, outputDamping) = try factorDampings()
        let left = try outputDecomposition.dampedInverse(applyingTo: outputGradients, damping: outputDamping)
        let right = try inputDecomposition.dampedInverse(applyingTo: inputs, damping: inputDamping)
        return try left.multiplied(by: right, transposingOther: .transpose)
    }

    /// The inverse route's `(μ_A, μ_G)`, `μ_A·μ_G = λ`: split by π from the normalised traces of
    /// the dense factors where they are kept, of the truncated ones (`Σ d / n`) otherwise; or
    /// `√λ` each without π-damping.
    func factorDampings() throws -> (input: Scalar, output: Scalar) {
        let split: KroneckerDampingSplit = configuration.options.piDamping ? .pi : .tikhonov
        let traces: [Scalar]
        if let factors {
            traces = try [factors.input.value, factors.output.value].map { try $0.trace() / Scalar($0.rows) }
        } else {
            traces = [inputDecomposition, outputDecomposition].map {
                $0.eigenvalues.reduce(0, +) / Scalar($0.order)
            }
        }
        let dampings = try split.factorDampings(damping: Scalar(configuration.options.damping), normalizedTraces: traces)
        return (dampings[0], dampings[1])
    }
}
