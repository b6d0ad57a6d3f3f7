import CurvatureOptimizers
import DenseLinearAlgebra
import Foundation
import NeuralNetworks
import StructuredFactors
import Testing

@Suite("Checkpoints resume bit for bit")
struct CheckpointTests {
    /// Trains `first` steps, checkpoints, trains `second` more; then restores the checkpoint
    /// into a differently initialised model and trains `second` steps: the weights must be equal.
    /// The model is `network(seed)` (`features` inputs, 3 classes), by default a tanh MLP.
    func resumeIsExact<O: Optimizer<Scalar>, Scalar: LinearAlgebraScalar>(
        _ make: (Sequential<Scalar>) throws -> O, _: Scalar.Type, name: String, hidden: Int = 6, features: Int = 5,
        network: ((UInt64) throws -> Sequential<Scalar>)? = nil
    ) throws {
        let network = network ?? { try TestModels.tanhNetwork(Scalar.self, inputs: 5, hidden: hidden, outputs: 3, seed: $0) }
        let loss = SoftmaxCrossEntropy<Scalar>()
        let batches = try (0..<9).map {
            try TestModels.classificationBatch(Scalar.self, features: features, classes: 3, batch: 16, seed: 100 + UInt64($0))
        }
        var model = try network(31)
        var optimizer = try make(model)
        for batch in batches[0..<5] { _ = try optimizer.step(&model, input: batch.input, target: batch.target, loss: loss) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kronkit-\(name)-\(Scalar.self)-\(hidden).npz").path
        let written = TrainingCheckpoint(model: model, optimizer: optimizer, userInfo: ["epoch": "1"])
        try written.write(to: path)
        for batch in batches[5...] { _ = try optimizer.step(&model, input: batch.input, target: batch.target, loss: loss) }

        let checkpoint = try TrainingCheckpoint<O>.read(from: path)
        #expect(checkpoint.userInfo["epoch"] == "1")
        // The whole state read back is the state written: equal JSON texts (shortest round-trip
        // decimals, so equal texts mean equal bits); the binary file is the smaller.
        let (writtenJSON, readJSON) = (try JSONCoding.encoder.encode(written), try JSONCoding.encoder.encode(checkpoint))
        #expect(writtenJSON == readJSON, "\(name): the state read back differs from the one written")
        let fileSize = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        if hidden > 6 { #expect(fileSize < writtenJSON.count, "\(name): \(fileSize) bytes, JSON \(writtenJSON.count)") }
        var resumedModel = try network(999)
        try checkpoint.restore(into: &resumedModel)
        var resumed = checkpoint.optimizer
        for batch in batches[5...] { _ = try resumed.step(&resumedModel, input: batch.input, target: batch.target, loss: loss) }
        #expect(resumedModel.parameters == model.parameters, "\(name) resumed bit for bit")
        #expect(resumed.stepCount == optimizer.stepCount)
    }

    @Test func transformerWithDiagonalBlocksRoundTrips() throws {
        func transformer<Scalar: LinearAlgebraScalar>(_: Scalar.Type) -> (UInt64) throws -> Sequential<Scalar> {
            { seed in
                var generator = Xoshiro256StarStar(seed: seed)
                return try ReferenceModels.visionTransformer(height: 4, width: 4, patchSize: 2, width: 4, depth: 1,
                                                             heads: 2, classCount: 3, as: Scalar.self, using: &generator)
            }
        }
        let options = KroneckerOptimizerOptions(factorUpdatePeriod: 2, inverseUpdatePeriod: 3)
        try resumeIsExact({ try KFAC<Double>(model: $0, options: options,
                                             configuration: .init(options: .init(weightSharing: .reduce)), seed: 7) },
                          Double.self, name: "vit-kfac-reduce", features: 16, network: transformer(Double.self))
        try resumeIsExact({ try EKFAC<Float>(model: $0, options: options, configuration: .init(), seed: 8) },
                          Float.self, name: "vit-ekfac-expand", features: 16, network: transformer(Float.self))
    }

    @Test(arguments: [6, 24]) func everyOptimizerRoundTrips(hidden: Int) throws {
        let kfacOptions = KFAC<Double>.Options(factorUpdatePeriod: 2, inverseUpdatePeriod: 3)
        try resumeIsExact({ try StochasticGradientDescent(model: $0, options: .init(nesterov: true)) }, Double.self, name: "sgd", hidden: hidden)
        try resumeIsExact({ try Adam(model: $0, options: .init(weightDecay: 1e-2, decoupledWeightDecay: true)) }, Float.self, name: "adamw", hidden: hidden)
        try resumeIsExact({ try KFAC(model: $0, options: kfacOptions, configuration: .init(), seed: 5) }, Double.self, name: "kfac", hidden: hidden)
        try resumeIsExact({ try KFAC<Float>(model: $0, options: .init(factorUpdatePeriod: 2, inverseUpdatePeriod: 3),
                                            configuration: .init(options: .init(route: .inverse))) }, Float.self, name: "kfac-inverse", hidden: hidden)
        try resumeIsExact({ try EKFAC(model: $0, options: kfacOptions, configuration: .init(estimate: .traceRestricted)) },
                          Double.self, name: "tekfac", hidden: hidden)
        for method in LowRankKFACBlock<Double>.Method.allCases {
            try resumeIsExact({ try LowRankKFAC(model: $0, options: kfacOptions, configuration: .init(method: method, rank: 3),
                                                seed: 6) }, Double.self, name: method.rawValue, hidden: hidden)
        }
        try resumeIsExact({ try LowRankKFAC<Float>(model: $0, options: kfacOptions,
                                                   configuration: .init(method: .brandWithCorrection, rank: 2)) },
                          Float.self, name: "b-kfac-c-float", hidden: hidden)
        try resumeIsExact({ try AdaptiveKroneckerFactoredOptimizer(KFAC(model: $0, options: kfacOptions, configuration: .init(),
                                                                         seed: 5), damping: .init(period: 2)) },
                          Double.self, name: "kfac-adaptive", hidden: hidden)
        try resumeIsExact({ try AdaptiveKroneckerFactoredOptimizer(EKFAC<Float>(
            model: $0, options: .init(weightDecay: 1e-3, factorUpdatePeriod: 2, inverseUpdatePeriod: 3), configuration: .init())) },
                          Float.self, name: "ekfac-adaptive", hidden: hidden)
        try resumeIsExact({ try SINGD<DiagonalMatrix<Double>, LowerTriangularToeplitz<Double>>(
            model: $0, options: kfacOptions, configuration: .init()) }, Double.self, name: "singd", hidden: hidden)
        try resumeIsExact({ try SINGD<DenseFactor<Float>, HierarchicalFactor<Float>>(
            model: $0, options: kfacOptions, configuration: .init(kfacLike: true, outputLayout: .init(topLeftOrder: 2,
                                                                                                     bottomRightOrder: 1))) },
                          Float.self, name: "ikfac", hidden: hidden)
    }

    @Test func malformedCheckpointsAreRejected() throws {
        let directory = FileManager.default.temporaryDirectory
        let garbage = directory.appendingPathComponent("kronkit-garbage.json").path
        try Data("not json".utf8).write(to: URL(fileURLWithPath: garbage))
        #expect(throws: OptimizerError.self) { try TrainingCheckpoint<Adam<Double>>.read(from: garbage) }
        #expect(throws: OptimizerError.self) { try TrainingCheckpoint<Adam<Double>>.read(from: "/nonexistent/x.json") }

        let model = try TestModels.tanhNetwork(Double.self, inputs: 2, hidden: 3, outputs: 2, seed: 1)
        let sgdPath = directory.appendingPathComponent("kronkit-sgd-as-kfac.npz").path
        try TrainingCheckpoint(model: model, optimizer: try StochasticGradientDescent(model: model)).write(to: sgdPath)
        #expect(throws: OptimizerError.self) { try TrainingCheckpoint<KFAC<Double>>.read(from: sgdPath) }
        #expect(throws: OptimizerError.self) { try TrainingCheckpoint<StochasticGradientDescent<Float>>.read(from: sgdPath) }
        // Another method's state names the method it holds: before the first refresh K-FAC's and
        // EKFAC's states share a layout and decode, after it the first thing missing is named.
        var kfacOptimizer = try KFAC<Double>(model: model)
        let kfacPath = directory.appendingPathComponent("kronkit-kfac-as-ekfac.npz").path
        try TrainingCheckpoint(model: model, optimizer: kfacOptimizer).write(to: kfacPath)
        #expect(throws: OptimizerError.malformedCheckpoint(path: kfacPath, reason: "holds the state of a 'kfac' optimizer, read as 'ekfac'")) {
            try TrainingCheckpoint<EKFAC<Double>>.read(from: kfacPath)
        }
        var stepped = model
        _ = try kfacOptimizer.step(&stepped, input: Matrix(rows: 2, columns: 4, repeating: 0.5),
                          target: Matrix(rows: 2, columns: 4, repeating: 0.5), loss: SquaredError())
        try TrainingCheckpoint(model: stepped, optimizer: kfacOptimizer).write(to: kfacPath)
        let error = #expect(throws: OptimizerError.self) { try TrainingCheckpoint<EKFAC<Double>>.read(from: kfacPath) }
        guard case let .malformedCheckpoint(_, reason) = error else { return }
        #expect(reason.hasPrefix("holds the state of a 'kfac' optimizer, which does not decode as "), "\(reason)")
        #expect(reason.contains("(no value for '") && !reason.contains("CodingKeys"), "\(reason)")
        // A checkpoint of the earlier JSON format is refused by name; a cut archive is malformed.
        let oldPath = directory.appendingPathComponent("kronkit-old.json").path
        try Data("{\"format\": \"kronkit-checkpoint-1\", \"parameters\": []}".utf8).write(to: URL(fileURLWithPath: oldPath))
        do {
            _ = try TrainingCheckpoint<StochasticGradientDescent<Double>>.read(from: oldPath)
            Issue.record("a JSON checkpoint was read")
        } catch let OptimizerError.malformedCheckpoint(path, reason) {
            #expect(path == oldPath && reason.contains("JSON checkpoint of an earlier kronkit"), "\(reason)")
        }
        /// Reading `checkpoint` written as `format` (its state and its user info alone) is
        /// refused by name: an earlier kronkit's format, naming `what`, and "train again".
        func expectRefused<O: Optimizer>(_ checkpoint: TrainingCheckpoint<O>, as format: String, naming what: String,
                                         sourceLocation: SourceLocation = #_sourceLocation) throws {
            var old = checkpoint
            old.format = format
            let path = directory.appendingPathComponent("kronkit-\(format)-\(old.method).npz").path
            try old.write(to: path)
            for read in [{ _ = try TrainingCheckpoint<O>.read(from: path) }, { _ = try TrainingCheckpoint<O>.userInfo(at: path) }] {
                do {
                    try read()
                    Issue.record("a \(format) file of \(old.method) was read", sourceLocation: sourceLocation)
                } catch let OptimizerError.malformedCheckpoint(refused, reason) {
                    #expect(refused == path && reason.contains("earlier kronkit (\(format))") && reason.contains(what)
                        && reason.contains("train again"), "\(reason)", sourceLocation: sourceLocation)
                }
            }
        }
        // A binary checkpoint of the previous format (other K-FAC block layout) is refused by name.
        try expectRefused(TrainingCheckpoint(model: model, optimizer: try StochasticGradientDescent(model: model)),
                          as: "kronkit-checkpoint-2", naming: "K-FAC state")
        // -5 changed only EKFAC's and TEKFAC's blocks: their -4 and -3 checkpoints are refused by
        // name (with the method), every other method's are read as before.
        let ekfac = try EKFAC<Double>(model: model, configuration: .init(estimate: .traceRestricted))
        let kfac = try KFAC<Double>(model: model, configuration: .init())
        for format in ["kronkit-checkpoint-4", "kronkit-checkpoint-3"] {
            try expectRefused(TrainingCheckpoint(model: model, optimizer: ekfac), as: format, naming: "tekfac state")
            var kept = TrainingCheckpoint(model: model, optimizer: kfac)
            kept.format = format
            let oldKFAC = directory.appendingPathComponent("kronkit-\(format)-kfac.npz").path
            try kept.write(to: oldKFAC)
            #expect(try TrainingCheckpoint<KFAC<Double>>.read(from: oldKFAC).optimizer.name == "kfac")
        }
        let cutPath = directory.appendingPathComponent("kronkit-cut.npz").path
        let whole = try Data(contentsOf: URL(fileURLWithPath: sgdPath))
        try whole.prefix(whole.count - 30).write(to: URL(fileURLWithPath: cutPath))
        #expect(throws: OptimizerError.self) { try TrainingCheckpoint<StochasticGradientDescent<Double>>.read(from: cutPath) }
        // A NaN weight (written past the step's check, as damage would) is refused naming the file.
        var damaged = TrainingCheckpoint(model: model, optimizer: try StochasticGradientDescent(model: model))
        damaged.parameters[1][0, 1] = .nan
        let damagedPath = directory.appendingPathComponent("kronkit-nan-weight.npz").path
        try damaged.write(to: damagedPath)
        do {
            _ = try TrainingCheckpoint<StochasticGradientDescent<Double>>.read(from: damagedPath)
            Issue.record("a checkpoint with a NaN weight was read")
        } catch let OptimizerError.malformedCheckpoint(path, reason) {
            #expect(path == damagedPath && reason.contains("weight matrix 1 holds NaN"), "\(reason)")
        }
        var other = try TestModels.tanhNetwork(Double.self, inputs: 2, hidden: 4, outputs: 2, seed: 1)
        let checkpoint = try TrainingCheckpoint<StochasticGradientDescent<Double>>.read(from: sgdPath)
        #expect(throws: OptimizerError.self) { try checkpoint.restore(into: &other) }
    }
}

@Suite("Bad optimizer configurations throw")
struct ConfigurationTests {
    @Test func invalidOptionsAndModelsAreRejected() throws {
        var model = try TestModels.tanhNetwork(Double.self, inputs: 2, hidden: 3, outputs: 2, seed: 1)
        #expect(throws: OptimizerError.self) {
            try KFAC<Double>(model: model, configuration: .init(options: .init(damping: -1)))
        }
        #expect(throws: OptimizerError.self) {
            try KFAC<Double>(model: model, options: .init(factorUpdatePeriod: 0), configuration: .init())
        }
        #expect(throws: OptimizerError.self) {
            try EKFAC<Double>(model: model, options: .init(inverseUpdatePeriod: 0), configuration: .init())
        }
        #expect(throws: OptimizerError.self) {
            try KFAC<Double>(model: model, configuration: .init(options: .init(factorDecay: 1)))
        }
        #expect(throws: OptimizerError.self) { try StochasticGradientDescent<Double>(model: model, options: .init(learningRate: 0)) }
        #expect(throws: OptimizerError.self) { try Adam<Double>(model: model, options: .init(beta2: 1)) }
        #expect(throws: OptimizerError.self) {
            try KFAC<Double>(model: model, options: .init(schedule: .stepDecay(every: 0, factor: 0.5)), configuration: .init())
        }
        // An optimizer built for one model refuses a model with other layer shapes.
        var optimizer = try KFAC<Double>(model: model, configuration: .init())
        _ = optimizer
        var other = try TestModels.tanhNetwork(Double.self, inputs: 2, hidden: 5, outputs: 2, seed: 1)
        let batch = try TestModels.classificationBatch(Double.self, features: 2, classes: 2, batch: 4, seed: 2)
        #expect(throws: OptimizerError.self) {
            try optimizer.step(&other, input: batch.input, target: batch.target, loss: SoftmaxCrossEntropy<Double>())
        }
        // The exact GGN needs a loss with a known Hessian square root.
        var exact = try KFAC<Double>(model: model, options: .init(curvature: .exactGGN), configuration: .init())
        #expect(throws: OptimizerError.self) {
            try exact.step(&model, input: batch.input, target: batch.target, loss: LossWithoutHessian())
        }
    }
}

/// A loss that does not declare its Hessian's square root.
struct LossWithoutHessian: Loss {
    func valueAndGradient(output: Matrix<Double>, target: Matrix<Double>) throws -> (value: Double, gradient: Matrix<Double>) {
        try SquaredError<Double>().valueAndGradient(output: output, target: target)
    }

    func sampleTargets(output: Matrix<Double>, using generator: inout some RandomNumberGenerator) throws -> Matrix<Double> {
        try SquaredError<Double>().sampleTargets(output: output, using: &generator)
    }
}
