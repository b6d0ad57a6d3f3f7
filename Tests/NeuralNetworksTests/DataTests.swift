import DenseLinearAlgebra
import Foundation
import NeuralNetworks
import Testing

@Suite("Built-in data set, mini-batching, training signal")
struct DataTests {
    @Test func syntheticGlyphsAreDeterministicAndWellFormed() throws {
        var a = Xoshiro256StarStar(seed: 50)
        var b = Xoshiro256StarStar(seed: 50)
        var c = Xoshiro256StarStar(seed: 51)
        let first = try SyntheticGlyphs.generate(count: 40, as: Double.self, using: &a)
        let again = try SyntheticGlyphs.generate(count: 40, as: Double.self, using: &b)
        let other = try SyntheticGlyphs.generate(count: 40, as: Double.self, using: &c)
        #expect(first.features == again.features && first.labels == again.labels)
        #expect(first.features != other.features)
        #expect(first.featureCount == 256 && first.count == 40 && first.classCount == 10)
        #expect(first.labels == (0..<40).map { $0 % 10 })
        #expect(first.features.elements.allSatisfy { (0...1).contains($0) })
        // Every image has ink: at least a few pixels near full intensity.
        for i in 0..<first.count { #expect(try first.features.column(i).filter { $0 > 0.8 }.count >= 5) }
        // Float data are the Double data rounded: one generator stream, one conversion.
        var d = Xoshiro256StarStar(seed: 50)
        let single = try SyntheticGlyphs.generate(count: 40, as: Float.self, using: &d)
        #expect(single.features.elements == first.features.elements.map { Float($0) })
        let split = try SyntheticGlyphs.trainAndTest(seed: 3, trainCount: 20, testCount: 10, as: Float.self)
        #expect(split.train.count == 20 && split.test.count == 10)
        #expect(try split.train.features.columns(0..<10) != split.test.features)
        #expect(try SyntheticGlyphs.generate(count: 0, as: Float.self, using: &d).count == 0)
        #expect(throws: LinearAlgebraError.self) { try SyntheticGlyphs.generate(count: -1, as: Float.self, using: &d) }
    }

    /// The hold-out split: a seeded shuffle, the rounded fraction held out, every example in
    /// exactly one set with its label, the class count kept; fractions that empty a set refused.
    func splits<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let data = try LabeledDataSet<Scalar>(
            features: Matrix(rows: 1, columns: 23) { _, j in Scalar(j) }, labels: (0..<23).map { $0 % 3 }, classCount: 5)
        var g1 = Xoshiro256StarStar(seed: 54), g2 = Xoshiro256StarStar(seed: 54)
        let (train, test) = try data.split(testFraction: 0.3, using: &g1)
        #expect(test.count == 7 && train.count == 16, "23 · 0.3 = 6.9 rounds to 7")
        let ids = (train.features.elements + test.features.elements).map { Int($0) }
        #expect(ids.sorted() == Array(0..<23) && ids != Array(0..<23), "a permutation, not the file's order")
        #expect(zip(ids, train.labels + test.labels).allSatisfy { $0 % 3 == $1 } && train.classCount == 5 && test.classCount == 5)
        let again = try data.split(testFraction: 0.3, using: &g2)
        #expect(again.test.features == test.features, "the same generator state holds out the same examples")
        for fraction in [0, 1, -0.5, .nan, 0.01, 0.99] {
            #expect(throws: LinearAlgebraError.self, "\(fraction)") { try data.split(testFraction: fraction, using: &g1) }
        }
    }

    @Test func splitsHoldOutASeededFraction() throws {
        try splits(Float.self)
        try splits(Double.self)
    }

    @Test func miniBatchesCoverEveryExampleOnceInASeededOrder() throws {
        var generator = Xoshiro256StarStar(seed: 52)
        let data = try LabeledDataSet<Float>(
            features: Matrix(rows: 1, columns: 23) { _, j in Float(j) }, labels: (0..<23).map { $0 % 3 }, classCount: 3)
        var g1 = Xoshiro256StarStar(seed: 53)
        var g2 = Xoshiro256StarStar(seed: 53)
        let pass = try data.miniBatches(size: 5, using: &g1)
        let repeated = try data.miniBatches(size: 5, using: &g2)
        let batches = Array(pass)
        #expect(pass.batchCount == 5 && batches.count == 5 && batches.last?.count == 3)
        #expect(batches.map(\.labels) == Array(repeated).map(\.labels))
        let seen = batches.flatMap { $0.features.elements.map(Int.init) }
        #expect(seen.sorted() == Array(0..<23) && seen != Array(0..<23))
        for batch in batches {
            for (k, label) in batch.labels.enumerated() { #expect(label == Int(batch.features[0, k]) % 3) }
        }
        let dropped = try data.miniBatches(size: 5, dropLast: true, using: &generator)
        #expect(dropped.batchCount == 4 && Array(dropped).count == 4)
        #expect(Array(try data.miniBatches(size: 100, using: &generator)).count == 1)
        #expect(throws: LinearAlgebraError.self) { try data.miniBatches(size: 0, using: &generator) }
        #expect(throws: LinearAlgebraError.self) { try data.subset([23]) }
        #expect(throws: LinearAlgebraError.self) {
            try LabeledDataSet<Float>(features: Matrix(rows: 1, columns: 2), labels: [0], classCount: 2)
        }
        #expect(throws: LinearAlgebraError.self) {
            try LabeledDataSet<Float>(features: Matrix(rows: 1, columns: 2), labels: [0, 2], classCount: 2)
        }
        #expect(throws: LinearAlgebraError.self) {
            try LabeledDataSet<Float>(features: Matrix(rows: 1, columns: 1, repeating: .nan), labels: [0], classCount: 2)
        }
    }

    /// A short training run on the built-in data: the training loss must fall
    /// (no accuracy threshold, which could be fragile across BLAS builds).
    @Test func trainingLossDecreasesOnTheBuiltInData() throws {
        var generator = Xoshiro256StarStar(seed: 54)
        let data = try SyntheticGlyphs.generate(count: 600, as: Float.self, using: &generator)
        var network = try ReferenceModels.multilayerPerceptron(sizes: [256, 64, 10], as: Float.self, using: &generator)
        let loss = SoftmaxCrossEntropy<Float>()
        let initial = try loss.value(output: network.predict(data.features), target: data.oneHotLabels)
        for _ in 0..<3 {
            for batch in try data.miniBatches(size: 32, using: &generator) {
                _ = try network.computeGradients(input: batch.features, target: batch.oneHotLabels, loss: loss)
                for (k, layer) in network.parameterizedLayers.enumerated() {
                    try network.apply(update: layer.weightGradient, scaledBy: -0.1, toParameterizedLayer: k)
                }
            }
        }
        let final = try loss.value(output: network.predict(data.features), target: data.oneHotLabels)
        #expect(final < 0.7 * initial, "loss \(initial) → \(final)")
    }
}
