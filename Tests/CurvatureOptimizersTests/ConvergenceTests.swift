import CurvatureOptimizers
import DenseLinearAlgebra
import NeuralNetworks
import Testing

/// K-FAC against SGD in steps (never seconds) on small deterministic problems.
@Suite("K-FAC needs fewer steps than SGD")
struct ConvergenceTests {
    /// An ill-conditioned least-squares problem: inputs with feature scales from 1 to
    /// 1/30 (condition number ≈ 1e3 of the input covariance), targets from a fixed linear map.
    static func leastSquaresProblem() throws -> (input: Matrix<Double>, target: Matrix<Double>) {
        var generator = Xoshiro256StarStar(seed: 21)
        let features = 8
        let scales = (0..<features).map { Double.pow(30, -Double($0) / Double(features - 1)) }
        let input = try Matrix<Double>.randomGaussian(rows: features, columns: 256, using: &generator).scalingRows(by: scales)
        let truth = try Matrix<Double>.randomGaussian(rows: 2, columns: features, using: &generator)
        return (input, try truth * input)
    }

    /// Full-batch steps until the loss falls below `target` (or `limit`).
    static func stepsToReach<O: Optimizer<Double>>(_ target: Double, optimizer: inout O, model: inout Sequential<Double>,
                                                   problem: (input: Matrix<Double>, target: Matrix<Double>),
                                                   limit: Int = 400) throws -> Int {
        for step in 0..<limit {
            let result = try optimizer.step(&model, input: problem.input, target: problem.target, loss: SquaredError<Double>())
            if Double(result.loss) < target { return step }
        }
        return limit
    }

    static func linearModel(seed: UInt64) throws -> Sequential<Double> {
        var generator = Xoshiro256StarStar(seed: seed)
        return try Sequential([Dense<Double>(inputSize: 8, outputSize: 2, initialization: .glorotUniform, using: &generator)])
    }

    @Test func kfacBeatsTheBestSGDOnIllConditionedLeastSquares() throws {
        let problem = try Self.leastSquaresProblem()
        let target = 1e-4
        // SGD at its best learning rate from a grid (larger rates diverge on the largest scale).
        var sgdSteps = Int.max
        for rate in [0.02, 0.05, 0.1, 0.2, 0.4] {
            var model = try Self.linearModel(seed: 22)
            var sgd = try StochasticGradientDescent<Double>(model: model, options: .init(learningRate: rate, momentum: 0.9))
            sgdSteps = min(sgdSteps, try Self.stepsToReach(target, optimizer: &sgd, model: &model, problem: problem))
        }
        var model = try Self.linearModel(seed: 22)
        var kfac = try KFAC<Double>(
            model: model, options: .init(learningRate: 0.5, momentum: 0, klClip: nil, factorUpdatePeriod: 1,
                                         inverseUpdatePeriod: 1, curvature: .exactGGN),
            configuration: .init(options: .init(damping: 1e-6)))
        let kfacSteps = try Self.stepsToReach(target, optimizer: &kfac, model: &model, problem: problem)
        #expect(kfacSteps < 400, "K-FAC reached the target")
        #expect(kfacSteps * 4 <= sgdSteps, "K-FAC \(kfacSteps) steps vs best SGD \(sgdSteps)")
    }

    @Test func everyMethodReducesTheLossOfALogisticProblem() throws {
        let batch = try TestModels.classificationBatch(Double.self, features: 6, classes: 3, batch: 64, seed: 23)
        let loss = SoftmaxCrossEntropy<Double>()
        func run<O: Optimizer<Double>>(_ make: (Sequential<Double>) throws -> O) throws -> (first: Double, last: Double) {
            var model = try TestModels.tanhNetwork(Double.self, inputs: 6, hidden: 8, outputs: 3, seed: 24)
            var optimizer = try make(model)
            var losses: [Double] = []
            for _ in 0..<30 {
                losses.append(try optimizer.step(&model, input: batch.input, target: batch.target, loss: loss).loss)
            }
            return (losses[0], losses[29])
        }
        let options = KFAC<Double>.Options(learningRate: 0.1, factorUpdatePeriod: 2, inverseUpdatePeriod: 4)
        // The damping of the reference implementations, for which this test was written.
        let block = KroneckerBlockOptions(damping: 1e-3)
        let results = [
            try run { try StochasticGradientDescent(model: $0, options: .init(learningRate: 0.1)) },
            try run { try Adam(model: $0, options: .init(learningRate: 0.01)) },
            try run { try KFAC(model: $0, options: options, configuration: .init(options: block)) },
            try run { try KFAC(model: $0, options: options, configuration: .init(options: .init(damping: 1e-3, route: .inverse))) },
            try run { try KFAC(model: $0, options: options, configuration: .init(options: block, estimate: .traceRestricted)) },
            try run { try EKFAC(model: $0, options: options, configuration: .init(options: block)) },
            try run { try EKFAC(model: $0, options: options, configuration: .init(options: block, estimate: .traceRestricted)) },
        ]
        for (first, last) in results {
            #expect(last < 0.8 * first)
        }
    }
}
