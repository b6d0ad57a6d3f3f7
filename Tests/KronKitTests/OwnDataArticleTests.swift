import CurvatureOptimizers
import DenseLinearAlgebra
import Foundation
import NeuralNetworks
import Testing

/// `TrainOnYourOwnData.md`'s functions (in DocumentationExampleTests.swift, under the article's
/// imports) on a CSV file of 1 000 glyphs laid out as MNIST's CSV files: a blank border pixel
/// first, the others scaled to 0…255, the label last, so that detection and normalization both act.
@Test func trainOnYourOwnDataArticleExample() throws {
    let (glyphs, _) = try SyntheticGlyphs.trainAndTest(seed: 7, trainCount: 1_000, testCount: 10, as: Float.self)
    let lines = (0..<glyphs.count).map { j in
        "0," + (0..<glyphs.featureCount).map { "\(Int((255 * glyphs.features[$0, j]).rounded()))" }.joined(separator: ",")
            + ",\(glyphs.labels[j])"
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kronkit-own-data-\(getpid())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = folder + "/glyphs.csv", checkpoint = folder + "/run.npz"
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    let accuracy = try trainOnCSV(path, epochs: 3, checkpoint: checkpoint)
    // Ten classes: chance is 0.1; 39 K-FAC steps on 800 glyphs must be far above it.
    #expect(accuracy > 0.5, "test accuracy \(accuracy)")
    var generator = Xoshiro256StarStar(seed: 9)
    var model = try ReferenceModels.multilayerPerceptron(sizes: [257, 64, 10], as: Float.self, using: &generator)
    let optimizer = try resume(&model, from: checkpoint)
    // 3 epochs of ⌈800/64⌉ = 13 batches; the weights are the saved ones, bit for bit.
    #expect(optimizer.stepCount == 39)
    #expect(model.parameters == (try TrainingCheckpoint<KFAC<Float>>.read(from: checkpoint)).parameters)
    #expect(try TrainingCheckpoint<KFAC<Float>>.userInfo(at: checkpoint) == ["epochs": "3"])
}
