import DenseLinearAlgebra

/// A layer built from other layers (``Sequential``, ``Residual``, ``MultiHeadSelfAttention``),
/// which exposes the trainable layers inside it so that an optimizer reaches every parameter.
///
/// The trainable layers are numbered `0 ..< trainableLayers.count` in network order, depth
/// first: a composite inside a composite contributes its own numbering in place.
public protocol CompositeLayer<Scalar>: Layer {
    /// The trainable layers inside, in network order, with their captured state.
    var trainableLayers: [any TrainableLayer<Scalar>] { get }

    /// Runs `body` on trainable layer `k` (numbered as in ``trainableLayers``) and stores
    /// the changed layer back.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `k` out of
    ///   range; whatever `body` throws (the layer is then left unchanged).
    mutating func updateTrainableLayer(_ k: Int, _ body: (inout any TrainableLayer<Scalar>) throws -> Void) throws
}
