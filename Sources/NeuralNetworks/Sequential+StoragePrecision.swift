import DenseLinearAlgebra

extension Sequential: StorageRoundingComposite {
    /// The network with every layer's stored values in `precision`: trainable layers wrapped in
    /// ``StorageRoundedTrainableLayer`` (parameters rounded now), composite layers (``Residual``,
    /// ``MultiHeadSelfAttention``, a nested `Sequential`) in ``StorageRoundedCompositeLayer``
    /// (which wraps the layers inside them in turn), the others in ``StorageRoundedLayer``;
    /// layers already wrapped are kept. Data fed to it should be rounded too
    /// (`StoragePrecision.rounded(_:)` on each batch).
    /// - Complexity: one rounding pass over the weights.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when the network
    ///   already stores in another precision, or holds a composite layer that cannot store its
    ///   inner layers; ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)``
    ///   when a weight overflows the format.
    public func storing(in precision: StoragePrecision) throws -> Sequential {
        if let current = storagePrecision {
            guard current == precision else {
                throw LinearAlgebraError.invalidArgument(
                    operation: "Sequential.storing(in:)",
                    detail: "the network already stores in \(current.rawValue), asked for \(precision.rawValue)")
            }
            return self
        }
        return try Sequential(layers.map { try storedLayer($0, in: precision) })
    }

    /// ``storing(in:)``: a `Sequential` inside a composite layer stores like a network.
    public func storingLayers(in precision: StoragePrecision) throws -> Sequential {
        try storing(in: precision)
    }

    public mutating func setInnerLossScale(_ scale: Scalar) {
        layers = layers.map { settingLossScale($0, to: scale) }
    }

    /// The precision every layer stores in, or nil when the layers are not all wrapped by
    /// ``storing(in:)`` (a network computing and storing in `Scalar`).
    public var storagePrecision: StoragePrecision? {
        let precisions = layers.map { ($0 as? any StorageRoundingLayer<Scalar>)?.precision }
        guard let first = precisions.first ?? nil, precisions.allSatisfy({ $0 == first }) else { return nil }
        return first
    }

    /// The loss scale `S` the layers divide their captured gradients by (1 when unwrapped).
    public var lossScale: Scalar {
        (layers.first as? any StorageRoundingLayer<Scalar>)?.lossScale ?? 1
    }

    /// Tells every wrapped layer that the gradients it receives are scaled by `scale`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for a scale that
    ///   is not positive and finite, or a network not wrapped by ``storing(in:)``.
    public mutating func setLossScale(_ scale: Scalar) throws {
        guard scale > 0, scale.isFinite else {
            throw LinearAlgebraError.invalidArgument(
                operation: "Sequential.setLossScale", detail: "loss scale \(scale) must be positive and finite")
        }
        guard storagePrecision != nil else {
            throw LinearAlgebraError.invalidArgument(
                operation: "Sequential.setLossScale", detail: "the network does not store in a low precision")
        }
        setInnerLossScale(scale)
    }
}
