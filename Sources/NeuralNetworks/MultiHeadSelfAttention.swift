import DenseLinearAlgebra

/// Multi-head self-attention over `R` tokens of `d` features (Vaswani et al. 2017, Sec. 3.2):
/// `Q = W_Q X`, `K = W_K X`, `V = W_V X` by three ``Dense`` layers shared over the tokens,
/// scaled dot-product attention per head (`d_h = d / heads` features each; optionally causal:
/// token `r` attends to tokens `≤ r` only), and an output projection `W_O`, a fourth shared
/// dense layer. All four have a bias.
///
/// Its trainable layers are the four projections in the order `W_Q, W_K, W_V, W_O`
/// (``CompositeLayer``); each is a ``ParameterizedLayer`` with `R` shared positions, so
/// K-FAC-expand and -reduce apply to each of them (Eschenhagen et al. 2023, Sec. 2).
///
/// **Low precision** (``StorageRoundingComposite/storingLayers(in:)``): the four projections
/// store as ``StorageRoundedTrainableLayer``s, and the attention core is one fused kernel, as
/// FlashAttention (Dao et al. 2022) runs it on bf16/fp16 hardware: it reads the stored `Q`, `K`,
/// `V` and computes the scores, the softmax and `∂P`, `∂T` in Float; only its results — the
/// mixed values fed to `W_O` and `∂Q`, `∂K`, `∂V` — are rounded when stored. The summed input
/// gradient is rounded by the enclosing ``StorageRoundedCompositeLayer``.
///
/// - Complexity: per example `8·R·d²` flops for the projections and `4·R²·d` for the
///   attention forward, twice that backward; keeps the attention weights (`heads·R²` per example).
public struct MultiHeadSelfAttention<Scalar: LinearAlgebraScalar>: CompositeLayer {
    /// The query, key, value and output projections, `d → d` shared over `R` tokens: ``Dense``
    /// layers, wrapped in ``StorageRoundedTrainableLayer`` once the layer stores in a low precision.
    public private(set) var query, key, value, output: any ParameterizedLayer<Scalar>
    @usableFromInline var attention: _ScaledDotProductAttention<Scalar>
    /// The format the attention core's results are stored in (nil: `Scalar`, unrounded).
    public private(set) var storage: StoragePrecision?

    /// Self-attention for `positions` tokens of `features` values with `heads` heads,
    /// projections drawn Glorot-uniform (biases zero).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when a size is below 1
    ///   or `heads` does not divide `features`.
    public init(features: Int, positions: Int, heads: Int, causal: Bool = false,
                using generator: inout some RandomNumberGenerator) throws {
        guard features >= 1, positions >= 1, heads >= 1, features % heads == 0 else {
            throw LinearAlgebraError.invalidArgument(
                operation: "MultiHeadSelfAttention",
                detail: "d=\(features), R=\(positions), heads=\(heads) must be ≥ 1 with the heads dividing d")
        }
        func projection(_ generator: inout some RandomNumberGenerator) throws -> Dense<Scalar> {
            try Dense(inputSize: features, outputSize: features, sharedDimension: positions,
                      initialization: .glorotUniform, using: &generator)
        }
        query = try projection(&generator)
        key = try projection(&generator)
        value = try projection(&generator)
        output = try projection(&generator)
        attention = _ScaledDotProductAttention(features: features, positions: positions, heads: heads, causal: causal)
    }

    /// `d`, features per token.
    @inlinable public var features: Int { attention.features }
    /// `R`, tokens per example.
    @inlinable public var positions: Int { attention.positions }
    /// The number of heads.
    @inlinable public var heads: Int { attention.heads }
    /// Whether token `r` attends only to tokens `0...r`.
    @inlinable public var causal: Bool { attention.causal }
    /// `R·d`.
    @inlinable public var inputSize: Int { query.inputSize }
    /// `R·d`.
    @inlinable public var outputSize: Int { output.outputSize }

    public var trainableLayers: [any TrainableLayer<Scalar>] { [query, key, value, output] }

    public mutating func updateTrainableLayer(_ k: Int, _ update: (inout any TrainableLayer<Scalar>) throws -> Void)
        throws {
        func change(_ projection: inout any ParameterizedLayer<Scalar>) throws {
            var layer: any TrainableLayer<Scalar> = projection
            try update(&layer)
            guard let changed = layer as? any ParameterizedLayer<Scalar>,
                  ObjectIdentifier(type(of: changed)) == ObjectIdentifier(type(of: projection)) else {
                throw LinearAlgebraError.invalidArgument(
                    operation: "MultiHeadSelfAttention", detail: "projection \(k) replaced by a \(type(of: layer))")
            }
            projection = changed
        }
        switch k {
        case 0: try change(&query)
        case 1: try change(&key)
        case 2: try change(&value)
        case 3: try change(&output)
        default:
            throw LinearAlgebraError.invalidArgument(
                operation: "MultiHeadSelfAttention", detail: "trainable layer \(k) is not in 0..<4")
        }
    }

    public mutating func forward(_ input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireInputRows(input, "MultiHeadSelfAttention.forward")
        let mixed = try attention.forward(queries: query.forward(input), keys: key.forward(input),
                                          values: value.forward(input))
        return try output.forward(stored(mixed))
    }

    public mutating func backward(_ outputGradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try backward(outputGradient, producing: .all)
    }

    /// Backpropagates through the output projection, the attention and the three input
    /// projections; the input gradient is the sum of the three projections'.
    public mutating func backward(_ outputGradient: Matrix<Scalar>, producing products: BackwardProducts) throws
        -> Matrix<Scalar> {
        let mixed = try output.backward(outputGradient, producing: products.union(.inputGradient))
        let (dq, dk, dv) = try attention.backward(mixed)
        var inputGradient = try query.backward(stored(dq), producing: products)
        let fromKeys = try key.backward(stored(dk), producing: products)
        let fromValues = try value.backward(stored(dv), producing: products)
        guard products.contains(.inputGradient) else { return inputGradient }
        try inputGradient.add(fromKeys, scaledBy: 1)
        try inputGradient.add(fromValues, scaledBy: 1)
        return inputGradient
    }
}

extension MultiHeadSelfAttention: StorageRoundingComposite {
    /// The layer with its projections wrapped in ``StorageRoundedTrainableLayer`` (weights
    /// rounded now) and the attention core's results rounded to `precision` when stored.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when the layer
    ///   already stores in another precision; as ``StorageRoundedTrainableLayer/init(_:precision:)``.
    public func storingLayers(in precision: StoragePrecision) throws -> MultiHeadSelfAttention {
        if let storage {
            guard storage == precision else {
                throw LinearAlgebraError.invalidArgument(
                    operation: "MultiHeadSelfAttention.storingLayers(in:)",
                    detail: "the layer already stores in \(storage.rawValue), asked for \(precision.rawValue)")
            }
            return self
        }
        func wrapped<P: ParameterizedLayer>(_ projection: P) throws -> any ParameterizedLayer<Scalar>
            where P.Scalar == Scalar {
            try StorageRoundedTrainableLayer(projection, precision: precision)
        }
        var stored = self
        (stored.query, stored.key, stored.value, stored.output) =
            (try wrapped(query), try wrapped(key), try wrapped(value), try wrapped(output))
        stored.storage = precision
        return stored
    }

    public mutating func setInnerLossScale(_ scale: Scalar) {
        (query, key, value, output) = (settingLossScale(query, to: scale), settingLossScale(key, to: scale),
                                       settingLossScale(value, to: scale), settingLossScale(output, to: scale))
    }

    /// `values` as the attention core stores them: rounded to ``storage`` (unchanged without one).
    func stored(_ values: Matrix<Scalar>) -> Matrix<Scalar> {
        storage.map { $0.rounded(values) } ?? values
    }
}
