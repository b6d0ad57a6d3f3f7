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
}

extension Layer {
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
