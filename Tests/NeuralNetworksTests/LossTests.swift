import DenseLinearAlgebra
import NeuralNetworks
import Foundation
import Testing

@Suite("Losses: gradients, stability, predictive sampling")
struct LossTests {
    func checkLossGradient(_ loss: some Loss<Double>, target: Matrix<Double>, seed: UInt64) throws {
        var generator = Xoshiro256StarStar(seed: seed)
        let z = try Matrix<Double>.randomGaussian(rows: target.rows, columns: target.columns, using: &generator)
            .scaled(by: 2)
        let (_, gradient) = try loss.valueAndGradient(output: z, target: target)
        let numeric = try numericalGradient(at: z) { try loss.value(output: $0, target: target) }
        #expect(try relativeError(gradient, numeric) <= gradientTolerance, "\(type(of: loss))")
    }

    @Test func gradientsMatchCentralDifferences() throws {
        var generator = Xoshiro256StarStar(seed: 20)
        try checkLossGradient(SoftmaxCrossEntropy(), target: try .oneHot([0, 3, 1, 1], classCount: 4), seed: 21)
        let soft = SoftmaxCrossEntropy<Double>.probabilities(
            try .randomGaussian(rows: 4, columns: 3, using: &generator))
        try checkLossGradient(SoftmaxCrossEntropy(), target: soft, seed: 22)
        try checkLossGradient(SquaredError(), target: .randomGaussian(rows: 3, columns: 5, using: &generator),
                              seed: 23)
        try checkLossGradient(SigmoidBinaryCrossEntropy(),
                              target: .randomUniform(rows: 6, columns: 2, in: 0...1, using: &generator), seed: 24)
    }

    @Test func valuesMatchDefinitions() throws {
        // One column, two classes: softmax CE = log(1 + e^{z₁ − z₀}) for label 0.
        let z = try Matrix<Double>(rowsOf: [[0.3], [-1.2]])
        let ce = try SoftmaxCrossEntropy<Double>().value(output: z, target: .oneHot([0], classCount: 2))
        #expect(abs(ce - log(1 + exp(-1.5))) <= 1e-15)
        let bce = try SigmoidBinaryCrossEntropy<Double>().value(output: z, target: Matrix(rowsOf: [[1], [0]]))
        #expect(abs(bce - (log(1 + exp(-0.3)) + log(1 + exp(-1.2)))) <= 1e-15)
        let se = try SquaredError<Double>().value(output: z, target: Matrix(rowsOf: [[0.3], [0.8]]))
        #expect(abs(se - 2) <= 1e-15)
    }

    func extremeLogitsStayFinite<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let z = try Matrix<Scalar>(rowsOf: [[1000, -1000], [0, 1000], [-1000, 0]])
        let (ce, ceGradient) = try SoftmaxCrossEntropy<Scalar>().valueAndGradient(
            output: z, target: .oneHot([1, 0], classCount: 3))
        // Column 0's label sits 1000 below the max logit, column 1's 2000 below: ℓ = 1000 and
        // 2000 up to e^{-1000} terms, mean 1500, exact to a few ulps when computed stably.
        #expect(ce.isFinite && abs(ce - 1500) <= 1500 * Scalar.ulpOfOne * 4)
        #expect(ceGradient.isFinite)
        let (bce, bceGradient) = try SigmoidBinaryCrossEntropy<Scalar>().valueAndGradient(
            output: z, target: Matrix(rows: 3, columns: 2))
        #expect(bce.isFinite && bceGradient.isFinite)
    }

    @Test func extremeLogitsStayFinite() throws {
        try extremeLogitsStayFinite(Float.self)
        try extremeLogitsStayFinite(Double.self)
    }

    @Test func samplesFollowThePredictiveDistribution() throws {
        // 20 000 draws: each frequency has standard deviation ≤ 0.0036, so 0.02 is > 5σ;
        // the seed is fixed, so the test is deterministic anyway.
        var generator = Xoshiro256StarStar(seed: 25)
        let n = 20_000
        let logits = try Matrix<Double>(rows: 3, columns: n) { i, _ in [0.0, 1.0, -1.0][i] }
        let p = SoftmaxCrossEntropy<Double>.probabilities(try logits.columns(0..<1))
        let samples = try SoftmaxCrossEntropy<Double>().sampleTargets(output: logits, using: &generator)
        for k in 0..<3 {
            let frequency = try samples.row(k).reduce(0, +) / Double(n)
            #expect(abs(frequency - p[k, 0]) <= 0.02)
        }
        #expect(samples.elements.reduce(0, +) == Double(n))
        let bernoulli = try SigmoidBinaryCrossEntropy<Double>().sampleTargets(
            output: Matrix(rows: 1, columns: n, repeating: 0.5), using: &generator)
        let bernoulliFrequency = bernoulli.elements.reduce(0, +) / Double(n)
        let sigmoidOfHalf: Double = 1 / (1 + exp(-0.5))
        #expect(abs(bernoulliFrequency - sigmoidOfHalf) <= 0.02)
        let gaussian = try SquaredError<Double>().sampleTargets(output: Matrix(rows: 1, columns: n, repeating: 3),
                                                                using: &generator)
        let mean = gaussian.elements.reduce(0, +) / Double(n)
        let variance = gaussian.elements.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
        #expect(abs(mean - 3) <= 0.05 && abs(variance - 1) <= 0.05)
    }

    /// A generator whose uniform draws are the largest value below 1.
    struct AlwaysMaximum: RandomNumberGenerator {
        mutating func next() -> UInt64 { .max }
    }

    func samplingNeverPicksAClassOfZeroProbability<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        // exp(−1000 − log 3) underflows to 0 in both precisions, and the three equal
        // probabilities 1/3 may sum to less than the draw u = 1 − ulp/2.
        let logits = try Matrix<Scalar>(rowsOf: [[0, -1000], [0, 0], [0, -1000], [-1000, -1000]])
        var generator = AlwaysMaximum()
        let samples = try SoftmaxCrossEntropy<Scalar>().sampleTargets(output: logits, using: &generator)
        #expect(try samples.column(0) == [0, 0, 1, 0] && samples.column(1) == [0, 1, 0, 0])
        var seeded = Xoshiro256StarStar(seed: 27)
        let none = try SoftmaxCrossEntropy<Scalar>().sampleTargets(output: Matrix(rows: 0, columns: 3), using: &seeded)
        #expect(none.rows == 0 && none.columns == 3)
        let empty = try SoftmaxCrossEntropy<Scalar>().sampleTargets(output: Matrix(rows: 4, columns: 0), using: &seeded)
        #expect(empty.rows == 4 && empty.columns == 0)
    }

    @Test func samplingNeverPicksAClassOfZeroProbability() throws {
        try samplingNeverPicksAClassOfZeroProbability(Float.self)
        try samplingNeverPicksAClassOfZeroProbability(Double.self)
    }

    @Test func badInputsThrow() throws {
        let z = try Matrix<Double>(rows: 3, columns: 2)
        let wrongShape = try Matrix<Double>(rows: 2, columns: 2)
        #expect(throws: LinearAlgebraError.self) { try SoftmaxCrossEntropy().value(output: z, target: wrongShape) }
        #expect(throws: LinearAlgebraError.self) { try SquaredError().value(output: z, target: wrongShape) }
        #expect(throws: LinearAlgebraError.self) {
            try SigmoidBinaryCrossEntropy().value(output: z, target: wrongShape)
        }
        var nan = z
        nan[1, 1] = .nan
        #expect(throws: LinearAlgebraError.self) { try SoftmaxCrossEntropy().value(output: nan, target: z) }
        var generator = Xoshiro256StarStar(seed: 26)
        #expect(throws: LinearAlgebraError.self) {
            try SoftmaxCrossEntropy().sampleTargets(output: nan, using: &generator)
        }
        #expect(throws: LinearAlgebraError.self) { try Matrix<Double>.oneHot([0, 3], classCount: 3) }
        #expect(throws: LinearAlgebraError.self) { try Matrix<Double>.oneHot([-1], classCount: 3) }
        #expect(throws: LinearAlgebraError.self) { try Matrix<Double>.oneHot([], classCount: -1) }
        #expect(throws: LinearAlgebraError.self) {
            try LabeledDataSet<Double>(features: Matrix(rows: 2, columns: 0), labels: [], classCount: -1)
        }
        #expect(throws: LinearAlgebraError.self) {
            try SoftmaxCrossEntropy<Double>.accuracy(logits: z, labels: [0])
        }
        #expect(throws: LinearAlgebraError.invalidArgument(operation: "SoftmaxCrossEntropy.accuracy",
                                                           detail: "no examples: the accuracy of none is undefined")) {
            try SoftmaxCrossEntropy<Float>.accuracy(logits: Matrix(rows: 3, columns: 0), labels: [])
        }
    }
}
