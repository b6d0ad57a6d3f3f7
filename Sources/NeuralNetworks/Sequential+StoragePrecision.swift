import DenseLinearAlgebra

extension Sequential {
    /// The network with every layer's stored values in `precision`: parameterised layers
    /// wrapped in ``StorageRoundedParameterizedLayer`` (weights rounded now), the others in
    /// ``StorageRoundedLayer``; layers already wrapped are kept. Data fed to it should be
    /// rounded too (`StoragePrecision.rounded(_:)` on each batch).
    /// - Complexity: one rounding pass over the weights.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when the network
    ///   already stores in another precision; ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)``
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
        func wrap<P: ParameterizedLayer>(_ layer: P) throws -> any Layer<Scalar> where P.Scalar == Scalar {
            try StorageRoundedParameterizedLayer(layer, precision: precision)
        }
        func wrap<L: Layer>(plain layer: L) -> any Layer<Scalar> where L.Scalar == Scalar {
            StorageRoundedLayer(layer, precision: precision)
        }
        return try Sequential(layers.map { layer in
            if let parameterized = layer as? any ParameterizedLayer<Scalar> { return try wrap(parameterized) }
            return wrap(plain: layer)
        })
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
        func rescaled<L: StorageRoundingLayer>(_ layer: L) -> any Layer<Scalar> where L.Scalar == Scalar {
            var copy = layer
            copy.lossScale = scale
            return copy
        }
        self = try Sequential(layers.map { layer in
            let wrapped = layer as! any StorageRoundingLayer<Scalar>
            return rescaled(wrapped)
        })
    }
}
