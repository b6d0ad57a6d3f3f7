import DenseLinearAlgebra

/// A composite layer (``Sequential``, ``Residual``, ``MultiHeadSelfAttention``) that can store
/// every value of the layers inside it in a low precision: what lets
/// ``Sequential/storing(in:)`` reach the layers of a transformer block.
public protocol StorageRoundingComposite<Scalar>: CompositeLayer {
    /// This layer with every layer inside wrapped to store in `precision` (its trainable layers'
    /// parameters rounded now), and any value it computes between them rounded when stored.
    /// - Throws: as ``Sequential/storing(in:)``.
    func storingLayers(in precision: StoragePrecision) throws -> Self

    /// Sets the loss scale `S` of every storage wrapper inside (the caller has checked it is
    /// positive and finite).
    mutating func setInnerLossScale(_ scale: Scalar)
}

/// A composite layer whose inner layers store in a low precision
/// (``StorageRoundingComposite/storingLayers(in:)``) and whose own results — the residual sum
/// `x + body(x)`, the attention's summed input gradient — are computed in Float from stored
/// values and rounded when stored. Its trainable layers are the wrapped composite's, each
/// already a ``StorageRoundedTrainableLayer``.
///
/// - Complexity: the wrapped layer's, plus one rounding pass over each result.
public struct StorageRoundedCompositeLayer<Wrapped: StorageRoundingComposite>: StorageRoundingComposite,
    StorageRoundingLayer {
    public typealias Scalar = Wrapped.Scalar

    /// The composite layer, its inner layers stored in ``precision``.
    public private(set) var wrapped: Wrapped
    public let precision: StoragePrecision
    /// `S`, passed on to every wrapper inside when set.
    public var lossScale: Scalar = 1 {
        didSet { wrapped.setInnerLossScale(lossScale) }
    }

    /// `wrapped` with every layer inside storing in `precision`.
    /// - Throws: as ``StorageRoundingComposite/storingLayers(in:)``.
    public init(_ wrapped: Wrapped, precision: StoragePrecision) throws {
        self.wrapped = try wrapped.storingLayers(in: precision)
        self.precision = precision
    }

    public var inputSize: Int { wrapped.inputSize }
    public var outputSize: Int { wrapped.outputSize }
    public var trainableLayers: [any TrainableLayer<Scalar>] { wrapped.trainableLayers }

    public mutating func updateTrainableLayer(_ k: Int, _ body: (inout any TrainableLayer<Scalar>) throws -> Void)
        throws {
        try wrapped.updateTrainableLayer(k, body)
    }

    /// Already stored in ``precision``; a wrapper of another precision is refused.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for another precision.
    public func storingLayers(in precision: StoragePrecision) throws -> Self {
        guard precision == self.precision else {
            throw LinearAlgebraError.invalidArgument(
                operation: "storingLayers(in:)",
                detail: "the layer already stores in \(self.precision.rawValue), asked for \(precision.rawValue)")
        }
        return self
    }

    public mutating func setInnerLossScale(_ scale: Scalar) { lossScale = scale }

    public mutating func forward(_ input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        precision.rounded(try wrapped.forward(input))
    }

    public mutating func backward(_ outputGradient: Matrix<Scalar>, producing products: BackwardProducts) throws
        -> Matrix<Scalar> {
        precision.rounded(try wrapped.backward(outputGradient, producing: products))
    }
}

/// `layer` with its loss scale set to `scale` when it is a storage wrapper, else unchanged.
func settingLossScale<L: Layer>(_ layer: L, to scale: L.Scalar) -> L {
    guard var rounding = layer as? any StorageRoundingLayer<L.Scalar> else { return layer }
    rounding.lossScale = scale
    return rounding as? L ?? layer
}

/// `layer` stored in `precision`: a trainable layer in a ``StorageRoundedTrainableLayer``, a
/// composite one in a ``StorageRoundedCompositeLayer`` (which reaches the layers inside), any
/// other in a ``StorageRoundedLayer``; a layer already stored in `precision` is kept.
/// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for a layer stored
///   in another precision, or a composite layer that cannot reach its inner layers (its trainable
///   layers would otherwise escape the rounding); as the wrappers' initialisers.
func storedLayer<Scalar>(_ layer: any Layer<Scalar>, in precision: StoragePrecision) throws -> any Layer<Scalar> {
    if let rounding = layer as? any StorageRoundingLayer<Scalar> {
        guard rounding.precision == precision else {
            throw LinearAlgebraError.invalidArgument(
                operation: "storing(in:)",
                detail: "a \(type(of: layer)) already stores in \(rounding.precision.rawValue), asked for \(precision.rawValue)")
        }
        return layer
    }
    func trainable<T: TrainableLayer>(_ layer: T) throws -> any Layer<Scalar> where T.Scalar == Scalar {
        try StorageRoundedTrainableLayer(layer, precision: precision)
    }
    func composite<C: StorageRoundingComposite>(_ layer: C) throws -> any Layer<Scalar> where C.Scalar == Scalar {
        try StorageRoundedCompositeLayer(layer, precision: precision)
    }
    func plain<L: Layer>(_ layer: L) -> any Layer<Scalar> where L.Scalar == Scalar {
        StorageRoundedLayer(layer, precision: precision)
    }
    if let layer = layer as? any TrainableLayer<Scalar> { return try trainable(layer) }
    if let layer = layer as? any StorageRoundingComposite<Scalar> { return try composite(layer) }
    if layer is any CompositeLayer<Scalar> {
        throw LinearAlgebraError.invalidArgument(
            operation: "storing(in:)",
            detail: "the composite layer \(type(of: layer)) cannot store the layers inside it in \(precision.rawValue)")
    }
    return plain(layer)
}
