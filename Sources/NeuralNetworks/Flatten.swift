import DenseLinearAlgebra

/// The flatten step between convolutional and dense layers, for model
/// definitions that read as in other frameworks.
///
/// In KronKit's layout every example is already one flat column (an
/// `H × W × C` activation is `H·W·C` rows, channel fastest), so flattening moves
/// no data: forward and backward return their argument after checking its shape.
///
/// - Complexity: `O(1)` (the matrices are shared, not copied).
public struct Flatten<Scalar: LinearAlgebraScalar>: Layer {
    /// Features per example, before and after.
    public let size: Int
    @usableFromInline var batchSize = 0

    /// A flatten step for activations of `height × width × channels` values per example.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when a dimension is below 1.
    public init(height: Int, width: Int, channels: Int) throws {
        guard height >= 1, width >= 1, channels >= 1 else {
            throw LinearAlgebraError.invalidArgument(
                operation: "Flatten", detail: "dimensions \(height)×\(width)×\(channels) must all be at least 1")
        }
        size = height * width * channels
    }

    @inlinable public var inputSize: Int { size }
    @inlinable public var outputSize: Int { size }

    @inlinable
    public mutating func forward(_ input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireInputRows(input, "Flatten.forward")
        batchSize = input.columns
        return input
    }

    @inlinable
    public mutating func backward(_ outputGradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireGradientShape(outputGradient, rows: size, columns: batchSize, "Flatten.backward")
        return outputGradient
    }
}
