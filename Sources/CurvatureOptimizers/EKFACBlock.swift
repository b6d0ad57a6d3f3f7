import DenseLinearAlgebra
import KroneckerOperators
import SymmetricEigen

/// EKFAC's curvature block (George et al. 2018), and TEKFAC's when the basis
/// comes from TKFAC's trace-weighted factors: keep the Kronecker eigenbasis
/// `Q_A ⊗ Q_G` and replace the eigenvalue products by `S`, the running second
/// moment of the per-example gradients in that basis. Preconditioning is
/// `Q_G [ (Q_Gᵀ ∇W Q_A) ⊘ (S + λ) ] Q_Aᵀ`. Derivation: `Notes/KFAC-family.md`.
///
/// A composition of K-FAC's parts: the factors (``KroneckerFactors``), the eigenbasis of the
/// eigen route (``KroneckerEigenbasisInverse``), and the eigenvalue correction `S` in place of
/// the basis's eigenvalues.
///
/// After each refresh of the basis, `S` restarts from the K-FAC eigenvalue
/// products `d_G d_Aᵀ` in the new basis (the old `S` belongs to the old basis),
/// and the per-step updates move it towards the per-example moments.
///
/// - Complexity: per update, the factor `syrk`s plus `2m(d_in² + d_out²) + 2·d_in·d_out·m`
///   flops for `S`; refresh `≈ 9(d_in³ + d_out³)`; application `4·d_in·d_out·(d_in + d_out)`.
public struct EKFACBlock<Scalar: LinearAlgebraScalar>: CurvatureBlock {
    /// The method's options: EKFAC (`.standard` basis) or TEKFAC (`.traceRestricted`).
    public struct Configuration: Codable, Sendable, Hashable {
        public var options: KroneckerBlockOptions
        public var basis: KroneckerFactors<Scalar>.Estimate

        public init(options: KroneckerBlockOptions = .init(), basis: KroneckerFactors<Scalar>.Estimate = .standard) {
            self.options = options
            self.basis = basis
        }
    }

    public internal(set) var configuration: Configuration
    public private(set) var factors: KroneckerFactors<Scalar>
    /// The eigenbasis at the latest refresh; nil before the first.
    public private(set) var basis: KroneckerEigenbasisInverse<Scalar>?
    /// `S`, `d_out × d_in`: the curvature's diagonal in the eigenbasis.
    public private(set) var scaling: MovingAverage<Scalar>

    public static func methodName(_ configuration: Configuration) -> String {
        configuration.basis == .standard ? "ekfac" : "tekfac"
    }

    public init(inputSize: Int, outputSize: Int, configuration: Configuration) throws {
        factors = try KroneckerFactors(inputSize: inputSize, outputSize: outputSize, estimate: configuration.basis,
                                       options: configuration.options)
        self.configuration = configuration
        scaling = MovingAverage(initial: try Matrix(rows: outputSize, columns: inputSize, repeating: 1),
                                decay: Scalar(configuration.options.factorDecay))
    }

    /// `A`'s eigendecomposition at the latest refresh.
    public var inputDecomposition: SymmetricEigendecomposition<Scalar>? { basis?.input }
    /// `G`'s eigendecomposition at the latest refresh.
    public var outputDecomposition: SymmetricEigendecomposition<Scalar>? { basis?.output }

    public var diagnostics: CurvatureDiagnostics {
        basis?.diagnostics ?? CurvatureDiagnostics(damping: configuration.options.damping)
    }

    public var stateSize: Int { factors.stateSize + scaling.value.elements.count + (basis?.stateSize ?? 0) }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func updateCurvature(with capture: LayerCapture<Scalar>) throws {
        // The rows are formed once, for the factors and for S.
        let rows = try capture.factorRows(configuration.options.weightSharing)
        try factors.update(with: rows)
        if let basis {
            let moment = try rows.eigenbasisSecondMoment(inputBasis: basis.input.eigenvectors,
                                                         outputBasis: basis.output.eigenvectors)
            try scaling.update(with: moment)
        }
    }

    public mutating func refreshInverse() throws {
        let basis = try KroneckerEigenbasisInverse(factors: factors, options: configuration.options)
        self.basis = basis
        // δ·d_G·d_Aᵀ as a rank-1 gemm.
        var products = try Matrix<Scalar>(rows: basis.output.order, columns: basis.input.order)
        try Matrix.multiply(Matrix(column: basis.output.eigenvalues), Matrix(column: basis.input.eigenvalues),
                            transposingB: .transpose, alpha: basis.scale, into: &products)
        scaling.reset(to: products)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func preconditioned(_ gradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard let basis else { throw OptimizerError.notRefreshed }
        return try KroneckerEigendecomposition(basis.input, basis.output).dampedInverse(
            applyingToMatrix: gradient, replacingEigenvalues: scaling.value, damping: Scalar(configuration.options.damping))
    }

    /// The rank-`m` form `(Q_Gᵀg)(Q_Aᵀa)ᵀ` of the rotation when it is cheaper
    /// (`prefersFactoredForm(_:_:_:)`); otherwise as ``preconditioned(_:)``.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func preconditioned(_ gradient: Matrix<Scalar>, factoredAs outputGradients: Matrix<Scalar>,
                               times inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard Self.prefersFactoredForm(gradient, outputGradients, inputs) else { return try preconditioned(gradient) }
        guard let basis else { throw OptimizerError.notRefreshed }
        return try KroneckerEigendecomposition(basis.input, basis.output).dampedInverse(
            applyingToProductOf: outputGradients, inputs, replacingEigenvalues: scaling.value,
            damping: Scalar(configuration.options.damping))
    }

    /// Decodes a block and checks that its parts fit together.
    /// - Throws: `DecodingError.dataCorrupted` for invalid options, or a basis or `S` whose
    ///   shape differs from the factors'.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        configuration = try container.decode(Configuration.self, forKey: .configuration)
        factors = try container.decode(KroneckerFactors<Scalar>.self, forKey: .factors)
        basis = try container.decodeIfPresent(KroneckerEigenbasisInverse<Scalar>.self, forKey: .basis)
        scaling = try container.decode(MovingAverage<Scalar>.self, forKey: .scaling)
        try factors.requireBlockState(options: configuration.options, estimate: configuration.basis, decoder)
        let (n, m) = (factors.input.value.rows, factors.output.value.rows)
        try basis?.requireOrders(input: n, output: m, decoder)
        try DecodedState.require(scaling.value.rows == m && scaling.value.columns == n, decoder,
                                 "S is \(scaling.value.rows)×\(scaling.value.columns), the layer \(m)×\(n)")
    }
}
