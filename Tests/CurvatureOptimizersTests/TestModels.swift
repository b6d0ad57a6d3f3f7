import DenseLinearAlgebra
import NeuralNetworks

/// Small models and data for the optimizer tests.
enum TestModels {
    /// A two-layer tanh network `inputs → hidden → outputs` with biases.
    static func tanhNetwork<Scalar: LinearAlgebraScalar>(
        _: Scalar.Type, inputs: Int, hidden: Int, outputs: Int, seed: UInt64
    ) throws -> Sequential<Scalar> {
        var generator = Xoshiro256StarStar(seed: seed)
        return try Sequential<Scalar>([
            Dense(inputSize: inputs, outputSize: hidden, initialization: .glorotUniform, using: &generator),
            Activation(.tanh, size: hidden),
            Dense(inputSize: hidden, outputSize: outputs, initialization: .glorotUniform, using: &generator),
        ])
    }

    /// A deep linear network whose first two layers share their weight over `positions`;
    /// with `pooled`, the positions are averaged before a last, unshared layer.
    static func sharedLinearNetwork<Scalar: LinearAlgebraScalar>(
        _: Scalar.Type, inputs: Int, hidden: Int, outputs: Int, positions: Int, pooled: Bool, seed: UInt64
    ) throws -> Sequential<Scalar> {
        var generator = Xoshiro256StarStar(seed: seed)
        var layers: [any Layer<Scalar>] = [
            try Dense<Scalar>(inputSize: inputs, outputSize: hidden, sharedDimension: positions,
                              initialization: .glorotUniform, using: &generator),
            try Dense<Scalar>(inputSize: hidden, outputSize: hidden, sharedDimension: positions,
                              initialization: .glorotUniform, using: &generator),
        ]
        if pooled {
            layers.append(try MeanPool<Scalar>(sharedDimension: positions, features: hidden))
            layers.append(try Dense<Scalar>(inputSize: hidden, outputSize: outputs, initialization: .glorotUniform,
                                            using: &generator))
        } else {
            layers.append(try Dense<Scalar>(inputSize: hidden, outputSize: outputs, sharedDimension: positions,
                                            initialization: .glorotUniform, using: &generator))
        }
        return try Sequential(layers)
    }

    /// Gaussian inputs (`rows × batch`) and one-hot labels for `classes` classes.
    static func classificationBatch<Scalar: LinearAlgebraScalar>(
        _: Scalar.Type, features: Int, classes: Int, batch: Int, seed: UInt64
    ) throws -> (input: Matrix<Scalar>, target: Matrix<Scalar>) {
        var generator = Xoshiro256StarStar(seed: seed)
        let input = try Matrix<Scalar>.randomGaussian(rows: features, columns: batch, using: &generator)
        let labels = (0..<batch).map { _ in Int.random(in: 0..<classes, using: &generator) }
        return (input, try Matrix.oneHot(labels, classCount: classes))
    }
}
