import DenseLinearAlgebra
import SymmetricEigen

/// The running Kronecker factors of one layer, shared by the K-FAC family's blocks:
/// `A` and `G` (K-FAC, EKFAC), or TKFAC's trace-weighted `Φ`, `Ψ` with the running
/// `tr F` (TKFAC, TEKFAC), each an exponential moving average starting at the identity.
public struct KroneckerFactors<Scalar: LinearAlgebraScalar>: Sendable, Codable, Hashable {
    /// How the factors are estimated from a batch.
    public enum Estimate: String, Sendable, Codable, Hashable, CaseIterable {
        /// `A = E[aaᵀ]`, `G = E[ddᵀ]` (Martens & Grosse 2015).
        case standard
        /// `Φ = E[‖d‖² aaᵀ]`, `Ψ = E[‖a‖² ddᵀ]`, scaled by `δ = 1/tr F` (Gao et al. 2021).
        case traceRestricted
    }

    public let estimate: Estimate
    public let weightSharing: WeightSharingApproximation
    /// `A` (or `Φ`), `d_in × d_in`.
    public private(set) var input: MovingAverage<Scalar>
    /// `G` (or `Ψ`), `d_out × d_out`.
    public private(set) var output: MovingAverage<Scalar>
    /// The running `tr F` (1 × 1), for the trace restriction.
    public private(set) var fisherTrace: MovingAverage<Scalar>

    /// Identity factors for a `outputSize × inputSize` weight.
    /// - Throws: as ``/DenseLinearAlgebra/Matrix/identity(_:)`` for either size, before allocating.
    public init(inputSize: Int, outputSize: Int, estimate: Estimate, weightSharing: WeightSharingApproximation,
                decay: Scalar) throws {
        self.estimate = estimate
        self.weightSharing = weightSharing
        input = MovingAverage(initial: try .identity(inputSize), decay: decay)
        output = MovingAverage(initial: try .identity(outputSize), decay: decay)
        fisherTrace = MovingAverage(initial: try Matrix(rows: 1, columns: 1, repeating: Scalar(inputSize * outputSize)),
                                    decay: decay)
    }

    /// Identity factors for a layer's block, after checking the block options and the sizes:
    /// the construction every curvature block of the family starts from.
    /// - Throws: ``OptimizerError/invalidConfiguration(_:)`` for invalid options or a size below 1.
    public init(inputSize: Int, outputSize: Int, estimate: Estimate, options: KroneckerBlockOptions) throws {
        try options.validate()
        guard inputSize >= 1, outputSize >= 1 else {
            throw OptimizerError.invalidConfiguration("a layer needs positive sizes, got \(outputSize)×\(inputSize)")
        }
        try self.init(inputSize: inputSize, outputSize: outputSize, estimate: estimate,
                  weightSharing: options.weightSharing, decay: Scalar(options.factorDecay))
    }

    /// Folds one capture into the averages.
    /// - Complexity: `(d_in² + d_out²)·b·R` flops (two `syrk`s, straight into the averages).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when the capture
    ///   does not match the layer's sizes, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for
    ///   NaN/∞ in it (rejected when its factor rows are formed); the averages are unchanged then.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func update(with capture: LayerCapture<Scalar>) throws {
        _ = try update(returningRowsOf: capture)
    }

    /// Folds one capture into the averages and returns its rows (formed under ``weightSharing``),
    /// so that a block's other parts read the same rows without forming them again.
    /// - Throws: as the public `update(with:)`; the averages are unchanged then.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    mutating func update(returningRowsOf capture: LayerCapture<Scalar>) throws -> FactorRows<Scalar> {
        let rows = try capture.factorRows(weightSharing)
        try update(with: rows)
        return rows
    }

    /// Folds rows already formed from a capture (under ``weightSharing``) into the averages, so a
    /// block that also needs the rows (the low-rank block's Brand updates) forms them once.
    /// - Throws: as the public `update(with:)`, for the size checks.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    mutating func update(with rows: FactorRows<Scalar>) throws {
        guard rows.inputs.rows == input.value.rows, rows.outputGradients.rows == output.value.rows else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "KroneckerFactors.update", expected: "a capture of \(input.value.rows) inputs and "
                    + "\(output.value.rows) outputs", actual: "\(rows.inputs.rows) and \(rows.outputGradients.rows)")
        }
        switch estimate {
        case .standard:
            try input.update(withGramOf: rows.inputs, alpha: rows.inputNormalization)
            try output.update(withGramOf: rows.outputGradients, alpha: rows.gradientScale)
        case .traceRestricted:
            let (phi, psi, trace) = try rows.traceWeightedFactors()
            try input.update(with: phi)
            try output.update(with: psi)
            try fisherTrace.update(with: Matrix(rows: 1, columns: 1, repeating: trace))
        }
    }

    /// The factor scale `δ`: `1/tr F` for the trace-restricted estimate, 1 otherwise.
    public var scale: Scalar {
        estimate == .traceRestricted ? 1 / Swift.max(fisherTrace.value[0, 0], .leastNormalMagnitude) : 1
    }

    /// The scalars held by the three averages.
    public var stateSize: Int { input.value.elements.count + output.value.elements.count + 1 }

    /// Eigendecompositions of both factors (LAPACK `syevd`), with eigenvalues that rounded
    /// below zero clamped to zero; returns how many were clamped.
    /// - Complexity: `≈ 9(d_in³ + d_out³)` flops.
    public func eigendecompositions() throws
        -> (input: SymmetricEigendecomposition<Scalar>, output: SymmetricEigendecomposition<Scalar>, clamped: Int) {
        let (inputDecomposition, inputClamped) = try SymmetricEigendecomposition(input.value).clamped(atLeast: 0)
        let (outputDecomposition, outputClamped) = try SymmetricEigendecomposition(output.value).clamped(atLeast: 0)
        return (inputDecomposition, outputDecomposition, inputClamped + outputClamped)
    }

    /// The checks every decoded Kronecker block shares: throws `DecodingError.dataCorrupted`
    /// unless the block's options are valid and its estimate is the factors'. (The inversion
    /// parts check their own orders, ``KroneckerFactorInversion/requireOrders(input:output:_:)``.)
    func requireBlockState(options: KroneckerBlockOptions, estimate: Estimate, _ decoder: any Decoder) throws {
        try DecodedState.validate(decoder) { try options.validate() }
        try DecodedState.require(estimate == self.estimate, decoder,
                                 "block configured for \(estimate) holds \(self.estimate) factors")
    }

    /// Decodes the factors and checks their shapes.
    /// - Throws: `DecodingError.dataCorrupted` unless both factors are square and non-empty and
    ///   the trace is `1 × 1`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        estimate = try container.decode(Estimate.self, forKey: .estimate)
        weightSharing = try container.decode(WeightSharingApproximation.self, forKey: .weightSharing)
        input = try container.decode(MovingAverage<Scalar>.self, forKey: .input)
        output = try container.decode(MovingAverage<Scalar>.self, forKey: .output)
        fisherTrace = try container.decode(MovingAverage<Scalar>.self, forKey: .fisherTrace)
        for (name, factor) in [("input", input.value), ("output", output.value)] {
            try DecodedState.require(factor.isSquare && !factor.isEmpty, decoder,
                                     "the \(name) factor is \(factor.rows)×\(factor.columns), not square and non-empty")
        }
        try DecodedState.require(fisherTrace.value.rows == 1 && fisherTrace.value.columns == 1, decoder,
                                 "the Fisher trace is \(fisherTrace.value.rows)×\(fisherTrace.value.columns), not 1×1")
    }
}
