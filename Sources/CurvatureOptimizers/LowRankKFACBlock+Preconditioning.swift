import DenseLinearAlgebra
import KroneckerOperators
import SymmetricEigen

extension LowRankKFACBlock {
    /// The damped inverse of the truncated curvature applied to `gradient`, by the route's
    /// part (``KroneckerBlockOptions/Route/truncatedInversion(_:)``): exactly
    /// `(A_r ⊗ G_r + λI)⁻¹·vec(∇W)` on the eigen route, `(G_r + μ_G I)⁻¹·∇W·(A_r + μ_A I)⁻¹`
    /// on the inverse route.
    /// - Complexity: `O(d_in·d_out·(r_A + r_G))` flops.
    /// - Throws: ``OptimizerError/invalidConfiguration(_:)`` before the first refresh; on the inverse
    ///   route with π-damping, ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when a factor's
    ///   trace is not positive (π is undefined).
    public func preconditioned(_ gradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try inversion().preconditioned(gradient)
    }

    /// The route part's rank-`m` form when it has one and `prefersFactoredForm(_:_:_:)` says it
    /// is cheaper; otherwise ``preconditioned(_:)``.
    public func preconditioned(_ gradient: Matrix<Scalar>, factoredAs outputGradients: Matrix<Scalar>,
                               times inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard Self.prefersFactoredForm(gradient, outputGradients, inputs) else { return try preconditioned(gradient) }
        let inversion = try inversion()
        return try inversion.preconditioned(gradient, productOf: outputGradients, inputs)
            ?? inversion.preconditioned(gradient)
    }

    /// On the eigen route with partial decompositions, the preconditioned gradient as its parts
    /// `∇W/λ + (U_G·C′)·U_Aᵀ` (``/KroneckerOperators/ScaledPlusLowRank``), the factored form
    /// taken when ``preconditioned(_:factoredAs:times:)`` takes it; nil on the inverse route and
    /// for complete decompositions.
    /// - Complexity: as ``preconditioned(_:factoredAs:times:)`` without its last GEMM of
    ///   `2·d_out·d_in·r_A` flops and the copy of the gradient.
    /// Without `gradient` (never formed), the parts come from the factors when the factored form
    /// is the cheaper one, and are nil otherwise.
    /// - Throws: as ``preconditioned(_:factoredAs:times:)``.
    public func preconditionedParts(_ gradient: Matrix<Scalar>?,
                                    factoredAs product: (outputGradients: Matrix<Scalar>, inputs: Matrix<Scalar>)?)
        throws -> ScaledPlusLowRank<Scalar>? {
        let factored = product.flatMap { factors in
            let preferred = gradient.map { Self.prefersFactoredForm($0, factors.outputGradients, factors.inputs) }
                ?? Self.prefersFactoredForm(outputs: factors.outputGradients.rows, inputs: factors.inputs.rows,
                                            columns: factors.inputs.columns)
            return preferred ? factors : nil
        }
        guard gradient != nil || factored != nil else { return nil }
        return try inversion().preconditionedParts(gradient, productOf: factored)
    }

    /// On the eigen route (``preconditionedParts(_:factoredAs:)`` is nil on the inverse route).
    public var givesPreconditionedParts: Bool { configuration.options.route == .eigen }

    /// The route's part for the current decompositions. The π split reads the normalised traces
    /// of the dense factors where they are kept, of the truncated ones (`Σ d / n`) otherwise.
    /// - Throws: ``OptimizerError/invalidConfiguration(_:)`` before the first refresh.
    func inversion() throws -> any TruncatedKroneckerInversion<Scalar> {
        guard isRefreshed else { throw OptimizerError.notRefreshed }
        let (factors, input, output) = (factors, inputDecomposition, outputDecomposition)
        return try configuration.options.route.truncatedInversion(Scalar.self).init(
            input: input, output: output, options: configuration.options, normalizedTraces: {
                if let factors {
                    return try [factors.input.value, factors.output.value].map { try $0.trace() / Scalar($0.rows) }
                }
                return [input, output].map { $0.eigenvalues.reduce(0, +) / Scalar($0.order) }
            })
    }
}
