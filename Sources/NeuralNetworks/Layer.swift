import DenseLinearAlgebra

/// One stage of a feed-forward network with its own backward pass.
///
/// **Batch layout.** A mini-batch is a ``/DenseLinearAlgebra/Matrix`` with one example per *column*:
/// `features × batch`. A layer's input has ``inputSize`` rows, its output
/// ``outputSize`` rows, and both have one column per example. Structured
/// examples are flattened into the column:
/// - images are stored channel-fastest (NHWC with the batch in the columns):
///   pixel `(h, w)`, channel `c` of an `H × W × C` image is row `(h·W + w)·C + c`;
/// - sequences of `R` positions with `d` features each are stored position by
///   position: feature `k` of position `r` is row `r·d + k`.
/// With this layout every activation is already flat: a convolution feeds a
/// dense layer directly (``Flatten`` is the identity, kept for readable models).
///
/// **Capture.** ``forward(_:)`` keeps what ``backward(_:)`` needs (a layer is a
/// value; the capture belongs to this copy). ``backward(_:)`` takes the gradient
/// of the loss with respect to the last forward output and returns the gradient
/// with respect to that forward's input; parameterised layers also record their
/// parameter gradient there (see ``ParameterizedLayer``).
public protocol Layer<Scalar>: Sendable {
    /// The floating-point type the layer computes in.
    associatedtype Scalar: LinearAlgebraScalar

    /// Rows of the input: features per example.
    var inputSize: Int { get }
    /// Rows of the output: features per example.
    var outputSize: Int { get }

    /// Maps an `inputSize × batch` matrix to `outputSize × batch` and captures
    /// what the backward pass needs.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when the
    ///   input does not have `inputSize` rows.
    mutating func forward(_ input: Matrix<Scalar>) throws -> Matrix<Scalar>

    /// Given `∂loss/∂output` (`outputSize × batch`, for the last ``forward(_:)``),
    /// records parameter gradients and returns `∂loss/∂input` (`inputSize × batch`).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when the
    ///   gradient's shape is not that of the last forward output (including no forward yet).
    mutating func backward(_ outputGradient: Matrix<Scalar>) throws -> Matrix<Scalar>

    /// As ``backward(_:)``, computing only `products`: a pass that needs no parameter
    /// gradients (the Monte-Carlo Fisher's, which reads only the captured `g`) or no input
    /// gradient (the first layer's) skips those GEMMs. Without ``BackwardProducts/inputGradient``
    /// the result may be an empty `inputSize × 0` matrix, not to be read; without
    /// ``BackwardProducts/parameterGradients`` a parameterised layer keeps the parameter
    /// gradient of the last pass that computed one. The default runs ``backward(_:)``.
    /// - Throws: as ``backward(_:)``.
    mutating func backward(_ outputGradient: Matrix<Scalar>, producing products: BackwardProducts) throws
        -> Matrix<Scalar>
}

/// What a backward pass computes besides propagating the captured `g`.
public struct BackwardProducts: OptionSet, Sendable, Hashable {
    /// The set's bits, one per product.
    public let rawValue: Int
    /// Makes a set from its raw bits.
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// `∂L/∂input`, the gradient returned to the layer below.
    public static let inputGradient = BackwardProducts(rawValue: 1 << 0)
    /// `∂L/∂W̃ = g·ãᵀ` of every ``ParameterizedLayer`` (``TrainableLayer/weightGradient``): one GEMM
    /// per layer, which a caller holding the captured `g` and `ã` can run itself, or fold into
    /// another product (the K-FAC family's low-rank update does).
    public static let parameterizedLayerGradients = BackwardProducts(rawValue: 1 << 1)
    /// The parameter gradient of every other trainable layer (LayerNorm's scale and shift, a
    /// position table), which has no captured factors.
    public static let otherTrainableLayerGradients = BackwardProducts(rawValue: 1 << 2)
    /// Every trainable layer's parameter gradient.
    public static let parameterGradients: BackwardProducts = [.parameterizedLayerGradients, .otherTrainableLayerGradients]
    /// Everything: what ``Layer/backward(_:)`` computes.
    public static let all: BackwardProducts = [.inputGradient, .parameterGradients]
}

extension Layer {
    /// Runs ``backward(_:)``: a layer without parameters and without a cheaper partial
    /// pass computes everything.
    @inlinable
    public mutating func backward(_ outputGradient: Matrix<Scalar>, producing products: BackwardProducts) throws
        -> Matrix<Scalar> {
        try backward(outputGradient)
    }

    /// Throws unless `input` has `inputSize` rows.
    @inlinable
    func requireInputRows(_ input: Matrix<Scalar>, _ operation: String) throws {
        guard input.rows == inputSize else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "input with \(inputSize) rows (features per example)",
                actual: "\(input.rows)×\(input.columns)")
        }
    }
}

/// Throws unless `gradient` has the shape `rows × columns` of the last forward output.
@inlinable
func requireGradientShape<Scalar>(_ gradient: Matrix<Scalar>, rows: Int, columns: Int,
                                  _ operation: String) throws {
    guard gradient.rows == rows, gradient.columns == columns else {
        throw LinearAlgebraError.dimensionMismatch(
            operation: operation, expected: "output gradient \(rows)×\(columns) (the last forward output's shape)",
            actual: "\(gradient.rows)×\(gradient.columns)")
    }
}
