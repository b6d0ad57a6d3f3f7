import CurvatureOptimizers
import DenseLinearAlgebra
import KronKitTestSupport
import LinearOperators
import NeuralNetworks
import Testing

@Suite("The exact GGN as an operator")
struct GaussNewtonOperatorTests {
    /// The operator chains three backward-stable products (`J·v` forward, `H`, `Jᵀ` backward),
    /// each erring by LAPACK's ratio 30 times `P·eps` relative to its operands; the GGN's norm
    /// is within a small factor of `‖J‖²‖H‖` here (no direction of `J` lies mostly in `H`'s
    /// null space except the softmax's constant shift, which `‖G‖` does not need), so the bound
    /// is `3·30·P·eps` relative to `‖G‖_F·‖X‖_F`.
    static func tolerance<Scalar: LinearAlgebraScalar>(_: Scalar.Type, parameters: Int) -> Scalar {
        Tolerance.backward(Scalar.self, order: parameters, factor: 3 * Tolerance.linearEquationsRatio)
    }

    /// Checks the operator against the brute-force GGN with `checkOperator`, and that the dense
    /// form is symmetric positive semidefinite: `G + τ‖G‖_F·I` has a Cholesky factor.
    func check<Scalar: LinearAlgebraScalar>(
        _ model: Sequential<Scalar>, input: Matrix<Scalar>, loss: some GaussNewtonLoss<Scalar>,
        hessian: ([Scalar]) throws -> Matrix<Scalar>
    ) throws {
        let op = try GaussNewtonOperator(model: model, input: input, loss: loss)
        let reference = try BruteForceCurvature.gaussNewton(model, input: input, outputHessian: hessian)
        let tolerance = Self.tolerance(Scalar.self, parameters: op.rows)
        #expect(op.rows == ParameterShapes(model).parameterCount)
        let failures = checkOperator(op, against: reference, tolerance: tolerance, invertible: false)
        #expect(failures.isEmpty, "\(Scalar.self): \(failures)")
        let dense = try op.dense()
        #expect(try (dense - dense.transposed()).frobeniusNorm <= tolerance * dense.frobeniusNorm, "symmetric")
        var shifted = dense
        try shifted.addToDiagonal(tolerance * dense.frobeniusNorm)
        #expect(throws: Never.self, "positive semidefinite") { _ = try CholeskyFactorization(shifted) }
    }

    func mlp<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let model = try TestModels.tanhNetwork(Scalar.self, inputs: 3, hidden: 4, outputs: 3, seed: 41)
        let batch = try TestModels.classificationBatch(Scalar.self, features: 3, classes: 3, batch: 5, seed: 42)
        try check(model, input: batch.input, loss: SoftmaxCrossEntropy<Scalar>(), hessian: BruteForceCurvature.softmaxHessian)
    }

    @Test func tanhMLPWithSoftmaxMatchesPerExampleJacobians() throws {
        try mlp(Float.self)
        try mlp(Double.self)
    }

    func cnn<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 43)
        let geometry = try ConvolutionGeometry(inputHeight: 5, inputWidth: 5, inputChannels: 1, kernelHeight: 3,
                                               kernelWidth: 3, stride: 2, padding: 1)
        let model = try Sequential<Scalar>([
            Conv2d(geometry: geometry, outputChannels: 2, using: &generator),
            Activation(.relu, size: geometry.positions * 2),
            Flatten(height: geometry.outputHeight, width: geometry.outputWidth, channels: 2),
            Dense(inputSize: geometry.positions * 2, outputSize: 2, using: &generator),
        ])
        let input = try Matrix<Scalar>.randomGaussian(rows: 25, columns: 4, using: &generator)
        // Squared error: H = I per example.
        try check(model, input: input, loss: SquaredError<Scalar>(), hessian: { try .identity($0.count) })
    }

    @Test func reluCNNWithSquaredErrorMatchesPerExampleJacobians() throws {
        try cnn(Float.self)
        try cnn(Double.self)
    }

    @Test func sharedWeightsMeanPoolAndSigmoidMatchPerExampleJacobians() throws {
        let model = try TestModels.sharedLinearNetwork(Double.self, inputs: 2, hidden: 3, outputs: 2, positions: 3, pooled: true, seed: 44)
        var generator = Xoshiro256StarStar(seed: 45)
        let input = try Matrix<Double>.randomGaussian(rows: 6, columns: 4, using: &generator)
        try check(model, input: input, loss: SigmoidBinaryCrossEntropy<Double>()) { logits in
            try Matrix(diagonal: logits.map { let p = 1 / (1 + Double.exp(-$0)); return p * (1 - p) })
        }
    }

    @Test func unsupportedLayersAndBadVectorsThrow() throws {
        let model = try Sequential<Double>([try Dense(weight: .identity(2), hasBias: false), OpaqueLayer()])
        let input = try Matrix<Double>(rows: 2, columns: 3, repeating: 1)
        #expect(throws: LinearAlgebraError.self) {
            try GaussNewtonOperator(model: model, input: input, loss: SquaredError<Double>())
        }
        let mlp = try TestModels.tanhNetwork(Double.self, inputs: 2, hidden: 3, outputs: 2, seed: 46)
        let op = try GaussNewtonOperator(model: mlp, input: input, loss: SquaredError<Double>())
        var vector = try Matrix<Double>(rows: op.rows, columns: 1)
        vector[0, 0] = .nan
        #expect(throws: LinearAlgebraError.self) { try op.apply(to: vector) }
        #expect(throws: LinearAlgebraError.self) {
            try GaussNewtonOperator(model: mlp, input: Matrix<Double>(rows: 2, columns: 0), loss: SquaredError<Double>())
        }
    }
}

/// A layer without a Jacobian-vector product (the identity, but not declared as one).
struct OpaqueLayer: Layer {
    var inputSize: Int { 2 }
    var outputSize: Int { 2 }
    mutating func forward(_ input: Matrix<Double>) throws -> Matrix<Double> { input }
    mutating func backward(_ outputGradient: Matrix<Double>) throws -> Matrix<Double> { outputGradient }
}
