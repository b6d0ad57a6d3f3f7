import DenseLinearAlgebra

/// Learned position embeddings: `y_r = x_r + p_r` for each of `R` positions of `d` features,
/// with a table `P = [p_0 … p_{R−1}]` (`d × R`, column `r` for position `r`) shared by all
/// examples, as in a vision transformer's patch embedding (Dosovitskiy et al. 2021, eq. 1).
///
/// Column-major, `P`'s entries are in the order of an example's rows (`r·d + k`), so the
/// layer adds `vec P` to every column. The table acts additively, entry by entry, so the layer
/// is a ``TrainableLayer`` (preconditioned diagonally), not a ``ParameterizedLayer``.
///
/// - Complexity: `R·d` additions per example forward; backward sums the output gradient
///   over the batch (`R·d` per example) and passes it through unchanged.
public struct PositionEmbedding<Scalar: LinearAlgebraScalar>: TrainableLayer {
    public private(set) var weight: Matrix<Scalar>
    public var weightGradient: Matrix<Scalar> { parameterGradient }
    /// `∂L/∂weight` of the last backward pass that computed it.
    @usableFromInline var parameterGradient: Matrix<Scalar>
    @usableFromInline var batchSize = 0

    /// A `features × positions` table drawn from `N(0, deviation²)` (default `0.02`, the
    /// truncated-normal scale of the ViT reference code, untruncated here).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when a size is below 1
    ///   or `deviation` is negative or not finite.
    public init(features: Int, positions: Int, deviation: Scalar = 0.02,
                using generator: inout some RandomNumberGenerator) throws {
        guard features >= 1, positions >= 1, deviation >= 0, deviation.isFinite else {
            throw LinearAlgebraError.invalidArgument(
                operation: "PositionEmbedding",
                detail: "d=\(features) and R=\(positions) must be ≥ 1 and the deviation \(deviation) ≥ 0 and finite")
        }
        weight = try Matrix<Scalar>.randomGaussian(rows: features, columns: positions, using: &generator)
            .scaled(by: deviation)
        parameterGradient = Matrix(shapeOf: weight)
    }

    /// `R·d`.
    @inlinable public var inputSize: Int { weight.elements.count }
    /// `R·d`.
    @inlinable public var outputSize: Int { weight.elements.count }

    public mutating func setWeight(_ newWeight: Matrix<Scalar>) throws {
        try requireReplacement(newWeight, for: weight, "PositionEmbedding.setWeight")
        weight = newWeight
    }

    public mutating func apply(update: Matrix<Scalar>, scaledBy alpha: Scalar, storingIn precision: StoragePrecision?)
        throws {
        try weight.addStoringFinite(update, scaledBy: alpha, storingIn: precision, operation: "PositionEmbedding.setWeight")
    }

    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func forward(_ input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireInputRows(input, "PositionEmbedding.forward")
        batchSize = input.columns
        var output = input
        let size = inputSize
        weight.withUnsafeBufferPointer { p in
            output.withUnsafeMutableBufferPointer { y in
                for i in 0..<batchSize {
                    for k in 0..<size { y[i * size + k] += p[k] }
                }
            }
        }
        return output
    }

    @inlinable
    public mutating func backward(_ outputGradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try backward(outputGradient, producing: .all)
    }

    /// `∂L/∂x = ∂L/∂y`; `∂L/∂P` is the sum of `∂L/∂y` over the batch's columns.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func backward(_ outputGradient: Matrix<Scalar>, producing products: BackwardProducts) throws
        -> Matrix<Scalar> {
        try requireGradientShape(outputGradient, rows: inputSize, columns: batchSize, "PositionEmbedding.backward")
        if products.contains(.otherTrainableLayerGradients) {
            var gradient = Matrix<Scalar>(shapeOf: weight)
            let size = inputSize
            outputGradient.withUnsafeBufferPointer { dy in
                gradient.withUnsafeMutableBufferPointer { dp in
                    for i in 0..<batchSize {
                        for k in 0..<size { dp[k] += dy[i * size + k] }
                    }
                }
            }
            parameterGradient = gradient
        }
        return outputGradient
    }
}
