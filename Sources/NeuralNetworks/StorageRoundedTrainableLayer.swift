import DenseLinearAlgebra

/// A trainable layer whose stored values are those of a low precision: the parameters (on
/// every ``setWeight(_:)``, so after every optimizer update), the output (for a dense layer
/// `W̃ã`, one GEMM on storage values accumulated in Float, rounded on store; for
/// ``LayerNorm`` or ``PositionEmbedding`` the element-wise result computed in Float), the
/// returned input gradient, and the gradients an optimizer reads: ``weightGradient`` and, for
/// a ``ParameterizedLayer``, the captured ``outputGradients`` `g`.
///
/// **Loss scaling.** Backpropagation runs on `S·∂L/∂y` (``lossScale`` `S`, so that small
/// gradients survive float16's range); the captured ``outputGradients`` and
/// ``weightGradient`` are divided by `S` in Float and then rounded — one fused
/// unscale-and-store — so an optimizer sees the gradients of the unscaled loss. The returned
/// input gradient stays scaled (it feeds the layer below). With `S = 1` nothing is divided.
///
/// `ã` needs no rounding of its own: it is the previous layer's (rounded) output with a row
/// of ones. See `Notes/LowPrecision.md`.
///
/// - Complexity: the wrapped layer's, plus one pass over the weight per update and over each
///   stored result per step.
public struct StorageRoundedTrainableLayer<Wrapped: TrainableLayer>: TrainableLayer, StorageRoundingLayer {
    public typealias Scalar = Wrapped.Scalar

    /// The layer that computes.
    public private(set) var wrapped: Wrapped
    public let precision: StoragePrecision
    public var lossScale: Scalar = 1
    /// `g/S`, rounded, for a wrapped ``ParameterizedLayer`` (read as
    /// ``ParameterizedLayer/outputGradients``); empty for other layers and before the first
    /// backward pass.
    private var capturedOutputGradients = Matrix<Scalar>()
    /// `∇W̃/S`, rounded; zeros before the first backward pass that computes it.
    public private(set) var weightGradient: Matrix<Scalar>

    /// `wrapped` with its weight rounded to `precision`, storing its results in `precision`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` when the
    ///   rounded weight overflows (a float16 weight beyond 65504).
    public init(_ wrapped: Wrapped, precision: StoragePrecision) throws {
        self.wrapped = wrapped
        self.precision = precision
        if let parameterized = wrapped as? any ParameterizedLayer<Scalar> {
            capturedOutputGradients = parameterized.outputGradients
        }
        weightGradient = wrapped.weightGradient
        try self.wrapped.setWeight(precision.rounded(wrapped.weight))
    }

    public var inputSize: Int { wrapped.inputSize }
    public var outputSize: Int { wrapped.outputSize }
    public var weight: Matrix<Scalar> { wrapped.weight }

    /// Replaces the parameters by the nearest storage values of `newWeight`.
    /// - Throws: as ``TrainableLayer/setWeight(_:)``, also when the rounding overflows.
    public mutating func setWeight(_ newWeight: Matrix<Scalar>) throws {
        try wrapped.setWeight(precision.rounded(newWeight))
    }

    /// `W ← round(W + α·U)` in place on the wrapped layer's weight, rounded to ``precision`` as
    /// ``setWeight(_:)`` rounds.
    /// - Complexity: as ``TrainableLayer/apply(update:scaledBy:storingIn:)``.
    /// - Throws: as ``TrainableLayer/apply(update:scaledBy:storingIn:)``;
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for a `storagePrecision`
    ///   other than `nil` or ``precision``.
    public mutating func apply(update: Matrix<Scalar>, scaledBy alpha: Scalar, storingIn storagePrecision: StoragePrecision?)
        throws {
        guard storagePrecision == nil || storagePrecision == precision else {
            throw LinearAlgebraError.invalidArgument(
                operation: "StorageRoundedTrainableLayer.apply",
                detail: "the layer stores in \(precision.rawValue), not \(storagePrecision?.rawValue ?? "")")
        }
        try wrapped.apply(update: update, scaledBy: alpha, storingIn: precision)
    }

    public mutating func forward(_ input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        precision.rounded(try wrapped.forward(input))
    }

    public mutating func backward(_ outputGradient: Matrix<Scalar>, producing products: BackwardProducts) throws
        -> Matrix<Scalar> {
        let inputGradient = precision.rounded(try wrapped.backward(outputGradient, producing: products))
        var ownGradient = BackwardProducts.otherTrainableLayerGradients
        if let parameterized = wrapped as? any ParameterizedLayer<Scalar> {
            capturedOutputGradients = unscaledAndRounded(parameterized.outputGradients)
            ownGradient = .parameterizedLayerGradients
        }
        if products.contains(ownGradient) { weightGradient = unscaledAndRounded(wrapped.weightGradient) }
        return inputGradient
    }

    /// `values / S`, computed in Float and rounded to the storage precision.
    private func unscaledAndRounded(_ values: Matrix<Scalar>) -> Matrix<Scalar> {
        var result = values
        let scale = lossScale
        if scale != 1 {
            result.withUnsafeMutableBufferPointer { buffer in
                for k in buffer.indices { buffer[k] /= scale }
            }
        }
        precision.round(&result)
        return result
    }
}

/// A wrapped dense layer (or convolution) is itself a parameterised layer: what the
/// Kronecker-factored optimizers read, with its captures as stored.
extension StorageRoundedTrainableLayer: ParameterizedLayer where Wrapped: ParameterizedLayer {
    public var hasBias: Bool { wrapped.hasBias }
    public var sharedDimension: Int { wrapped.sharedDimension }
    public var batchSize: Int { wrapped.batchSize }
    public var inputs: Matrix<Scalar> { wrapped.inputs }
    public var outputGradients: Matrix<Scalar> { capturedOutputGradients }
}
