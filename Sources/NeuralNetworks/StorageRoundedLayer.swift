import DenseLinearAlgebra

/// A layer without parameters whose results are stored in a low precision: its output and
/// the gradient it returns are rounded to ``precision`` (nearest, ties to even) when stored.
///
/// The wrapped layer computes in `Scalar` (Float) on inputs that are already storage values;
/// this wrapper is the store point. An activation's derivative is taken from the Float output
/// the wrapped layer keeps (as a fused kernel would), then rounded. The store points of a
/// whole run are listed in `Notes/LowPrecision.md`; ``Sequential/storing(in:)`` wraps every
/// layer of a network.
///
/// - Complexity: the wrapped layer's, plus one rounding pass over each result.
public struct StorageRoundedLayer<Wrapped: Layer>: StorageRoundingLayer {
    public typealias Scalar = Wrapped.Scalar

    /// The layer that computes.
    public private(set) var wrapped: Wrapped
    public let precision: StoragePrecision
    /// Unused by a layer without parameters (gradients pass through scaled); kept so every
    /// wrapper answers the same question.
    public var lossScale: Scalar = 1

    /// `wrapped`, storing its results in `precision`.
    public init(_ wrapped: Wrapped, precision: StoragePrecision) {
        self.wrapped = wrapped
        self.precision = precision
    }

    public var inputSize: Int { wrapped.inputSize }
    public var outputSize: Int { wrapped.outputSize }

    public mutating func forward(_ input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        precision.rounded(try wrapped.forward(input))
    }

    public mutating func backward(_ outputGradient: Matrix<Scalar>, producing products: BackwardProducts) throws
        -> Matrix<Scalar> {
        precision.rounded(try wrapped.backward(outputGradient, producing: products))
    }
}

/// A layer that stores its values in a ``/DenseLinearAlgebra/StoragePrecision`` and knows the
/// loss scale its incoming gradients carry (see ``StorageRoundedTrainableLayer``).
public protocol StorageRoundingLayer<Scalar>: Layer {
    /// The format every stored value of the layer is rounded to.
    var precision: StoragePrecision { get }
    /// `S`: the gradients this layer receives are `S·∂L/∂y`; what it captures for an
    /// optimizer is divided by `S` before it is stored.
    var lossScale: Scalar { get set }
}

extension StorageRoundingLayer {
    /// The full backward pass: ``Layer/backward(_:producing:)`` with ``BackwardProducts/all``,
    /// which every wrapper implements (it is where the wrapper rounds).
    public mutating func backward(_ outputGradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try backward(outputGradient, producing: .all)
    }
}
