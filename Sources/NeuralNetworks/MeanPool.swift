import DenseLinearAlgebra

/// The mean over a shared dimension: `R` positions of `d` features per example
/// (rows `r·d + k`) become `d` features, `y_k = (1/R) Σ_r x_{r,k}`.
///
/// Closes a stack of layers shared over positions (patches, sequence steps)
/// before a classifier head. Backward spreads `g/R` to every position.
///
/// - Complexity: `R·d` additions per example forward and `R·d` writes backward.
public struct MeanPool<Scalar: LinearAlgebraScalar>: Layer {
    /// `R`, the positions averaged.
    public let sharedDimension: Int
    /// `d`, the features per position.
    public let features: Int
    @usableFromInline var batchSize = 0

    /// Averages `sharedDimension` positions of `features` values each.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when a size is below 1.
    public init(sharedDimension: Int, features: Int) throws {
        guard sharedDimension >= 1, features >= 1 else {
            throw LinearAlgebraError.invalidArgument(
                operation: "MeanPool", detail: "R=\(sharedDimension) and d=\(features) must both be at least 1")
        }
        self.sharedDimension = sharedDimension
        self.features = features
    }

    /// `R·d`.
    @inlinable public var inputSize: Int { sharedDimension * features }
    /// `d`.
    @inlinable public var outputSize: Int { features }

    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func forward(_ input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireInputRows(input, "MeanPool.forward")
        let (r, d, b) = (sharedDimension, features, input.columns)
        batchSize = b
        var output = try Matrix<Scalar>(rows: d, columns: b)
        let scale = 1 / Scalar(r)
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                for i in 0..<b {
                    for p in 0..<r {
                        for k in 0..<d { y[i * d + k] += x[(i * r + p) * d + k] }
                    }
                    for k in 0..<d { y[i * d + k] *= scale }
                }
            }
        }
        return output
    }

    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func backward(_ outputGradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireGradientShape(outputGradient, rows: features, columns: batchSize, "MeanPool.backward")
        let (r, d, b) = (sharedDimension, features, batchSize)
        var gradient = try Matrix<Scalar>(rows: r * d, columns: b)
        let scale = 1 / Scalar(r)
        outputGradient.withUnsafeBufferPointer { g in
            gradient.withUnsafeMutableBufferPointer { x in
                for i in 0..<b {
                    for p in 0..<r {
                        for k in 0..<d { x[(i * r + p) * d + k] = g[i * d + k] * scale }
                    }
                }
            }
        }
        return gradient
    }
}
