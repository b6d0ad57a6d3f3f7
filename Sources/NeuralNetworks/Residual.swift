import DenseLinearAlgebra

/// A residual connection around a chain of layers: `y = x + body(x)` (He et al. 2016), the
/// skip of every transformer block.
///
/// Backward adds the body's input gradient to the skip's, `∂L/∂x = ∂L/∂y + body′ᵀ ∂L/∂y`.
/// The trainable layers of the body are this layer's (``CompositeLayer``).
///
/// - Complexity: the body's cost plus one addition per entry in each direction.
public struct Residual<Scalar: LinearAlgebraScalar>: CompositeLayer {
    /// The wrapped chain; its input and output sizes are equal.
    public private(set) var body: Sequential<Scalar>

    /// `x + body(x)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when the
    ///   body's output size differs from its input size.
    public init(_ body: Sequential<Scalar>) throws {
        guard body.inputSize == body.outputSize else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "Residual", expected: "a body with as many outputs as inputs (\(body.inputSize))",
                actual: "\(body.outputSize) outputs")
        }
        self.body = body
    }

    /// A residual connection around `layers`, chained as by ``Sequential/init(_:)``.
    /// - Throws: as ``Sequential/init(_:)``, and the size mismatch of the initialiser from a `Sequential`.
    public init(_ layers: [any Layer<Scalar>]) throws {
        try self.init(Sequential(layers))
    }

    @inlinable public var inputSize: Int { body.inputSize }
    @inlinable public var outputSize: Int { body.outputSize }
    public var trainableLayers: [any TrainableLayer<Scalar>] { body.trainableLayers }

    public mutating func updateTrainableLayer(_ k: Int, _ update: (inout any TrainableLayer<Scalar>) throws -> Void)
        throws {
        try body.updateTrainableLayer(k, update)
    }

    public mutating func forward(_ input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireInputRows(input, "Residual.forward")
        var output = try body.forward(input)
        try output.add(input, scaledBy: 1)
        return output
    }

    public mutating func backward(_ outputGradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try backward(outputGradient, producing: .all)
    }

    /// The body always propagates its input gradient (the skip alone would lose it); parameter
    /// gradients as `products` asks.
    public mutating func backward(_ outputGradient: Matrix<Scalar>, producing products: BackwardProducts) throws
        -> Matrix<Scalar> {
        var inputGradient = try body.backward(outputGradient,
                                              producing: products.union(.inputGradient))
        try inputGradient.add(outputGradient, scaledBy: 1)
        return inputGradient
    }
}

extension Residual: StorageRoundingComposite {
    /// The residual connection with its body stored in `precision` (``Sequential/storing(in:)``);
    /// the sum `x + body(x)` is rounded by the enclosing ``StorageRoundedCompositeLayer``.
    /// - Throws: as ``Sequential/storing(in:)``.
    public func storingLayers(in precision: StoragePrecision) throws -> Residual {
        var stored = self
        stored.body = try body.storing(in: precision)
        return stored
    }

    public mutating func setInnerLossScale(_ scale: Scalar) { body.setInnerLossScale(scale) }
}
