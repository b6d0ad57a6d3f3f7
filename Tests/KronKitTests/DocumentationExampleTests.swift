import CurvatureOptimizers
import DenseLinearAlgebra
import NeuralNetworks
import StructuredFactors
import Testing

/// The example of `Sources/CurvatureOptimizers/CurvatureOptimizers.docc/TrainWithKFAC.md`,
/// verbatim and under the article's imports (checked by ``SourceRulesTests``), so that it keeps
/// compiling and training.
@Test func trainWithKFACArticleExample() throws {
    var generator = Xoshiro256StarStar(seed: 1)
    // 16 × 16 glyphs of 10 classes, generated in memory; one example per column.
    let (train, test) = try SyntheticGlyphs.trainAndTest(seed: 7, trainCount: 2_000, testCount: 500, as: Float.self)
    var model = try ReferenceModels.multilayerPerceptron(sizes: [256, 128, 10], as: Float.self, using: &generator)
    // Factors every 5 steps, their inverses every 20; damping λ = 0.01 on the inverse route.
    var optimizer = try KFAC<Float>(
        model: model, options: .init(learningRate: 0.05, factorUpdatePeriod: 5, inverseUpdatePeriod: 20),
        configuration: .init(options: .init(damping: 1e-2, route: .inverse)))
    let loss = SoftmaxCrossEntropy<Float>()
    var accuracy = 0.0
    for epoch in 1...2 {
        for batch in try train.miniBatches(size: 100, using: &generator) {
            _ = try optimizer.step(&model, input: batch.features, target: batch.oneHotLabels, loss: loss)
        }
        accuracy = try SoftmaxCrossEntropy<Float>.accuracy(logits: model.predict(test.features), labels: test.labels)
        print("epoch \(epoch), \(optimizer.stepCount) steps: test accuracy \(accuracy)")
    }
    // Ten classes: chance is 0.1. Two epochs of K-FAC on 2 000 glyphs (40 steps) must be far
    // above it (Notes/RESULTS.md: the K-FAC family passes 97 % in 40–50 steps of batch 128).
    #expect(optimizer.stepCount == 40)
    #expect(accuracy > 0.5)
}

/// The method swaps of the same article: each declaration compiles and takes a step.
@Test func trainWithKFACArticleOtherMethods() throws {
    var generator = Xoshiro256StarStar(seed: 2)
    let (train, _) = try SyntheticGlyphs.trainAndTest(seed: 7, trainCount: 200, testCount: 10, as: Float.self)
    var model = try ReferenceModels.multilayerPerceptron(sizes: [256, 32, 10], as: Float.self, using: &generator)
    let loss = SoftmaxCrossEntropy<Float>()
    // EKFAC: K-FAC's eigenbasis with eigenvalues re-estimated from per-example gradients.
    var ekfac = try EKFAC<Float>(model: model, configuration: .init(options: .init(damping: 1e-2)))
    // B-KFAC at rank 64: truncated factor decompositions kept by Brand updates, no dense factor.
    var bkfac = try LowRankKFAC<Float>(model: model,
                                       configuration: .init(options: .init(damping: 1e-2), method: .brand, rank: 64))
    // SINGD with diagonal factors: inverse-free, structured K and C.
    var singd = try SINGD<DiagonalMatrix<Float>, DiagonalMatrix<Float>>(model: model, configuration: .init())
    var batches = try train.miniBatches(size: 100, using: &generator)
    let first = batches.next()
    let batch = try #require(first)
    let losses = try [
        ekfac.step(&model, input: batch.features, target: batch.oneHotLabels, loss: loss).loss,
        bkfac.step(&model, input: batch.features, target: batch.oneHotLabels, loss: loss).loss,
        singd.step(&model, input: batch.features, target: batch.oneHotLabels, loss: loss).loss,
    ]
    // Each step reports the finite loss of the batch before its update.
    #expect(losses.allSatisfy { $0.isFinite && $0 > 0 })
    #expect([ekfac.stepCount, bkfac.stepCount, singd.stepCount] == [1, 1, 1])
}

// The example of `Sources/CurvatureOptimizers/CurvatureOptimizers.docc/TrainOnYourOwnData.md`, verbatim.

/// Trains a one-hidden-layer MLP with K-FAC on the CSV file at `path` for `epochs` passes,
/// saves the run to `checkpoint` and returns the test accuracy.
func trainOnCSV(_ path: String, epochs: Int, checkpoint: String) throws -> Double {
    var generator = Xoshiro256StarStar(seed: 1)
    // The label column is detected: a column the header names `label`, else the first or the
    // last column, whichever holds class ids.
    let examples = try LabeledDataSet<Float>(csvFile: path)
    var (train, test) = try examples.split(testFraction: 0.2, using: &generator)
    // Fitted on the training examples only, and applied to both: 0…255 pixels become 0…1.
    let normalization = try FeatureNormalization(fitting: train.features, method: .unit)
    (train, test) = (try normalization.apply(to: train), try normalization.apply(to: test))
    var model = try ReferenceModels.multilayerPerceptron(
        sizes: [train.featureCount, 64, train.classCount], as: Float.self, using: &generator)
    var optimizer = try KFAC<Float>(
        model: model, options: .init(learningRate: 0.05, factorUpdatePeriod: 5, inverseUpdatePeriod: 20))
    let loss = SoftmaxCrossEntropy<Float>()
    for _ in 0..<epochs {
        for batch in try train.miniBatches(size: 64, using: &generator) {
            _ = try optimizer.step(&model, input: batch.features, target: batch.oneHotLabels, loss: loss)
        }
    }
    try TrainingCheckpoint(model: model, optimizer: optimizer, userInfo: ["epochs": "\(epochs)"]).write(to: checkpoint)
    return try SoftmaxCrossEntropy<Float>.accuracy(logits: model.predict(test.features), labels: test.labels)
}

/// The model and optimizer saved by `trainOnCSV`, for a model of the same sizes as `model`.
func resume(_ model: inout Sequential<Float>, from checkpoint: String) throws -> KFAC<Float> {
    let saved = try TrainingCheckpoint<KFAC<Float>>.read(from: checkpoint)
    try saved.restore(into: &model)
    return saved.optimizer
}
