import CurvatureOptimizers
import DenseLinearAlgebra
import NeuralNetworks

/// Issue 16: K-FAC-reduce against K-FAC-expand on the vision transformer (width 64, 4 heads,
/// 2 pre-norm blocks, MLP ratio 2, Float, Monte-Carlo Fisher) at `R` = 16, 49 and 64 tokens
/// (28 × 28 images in 7 × 7 and 4 × 4 patches, 32 × 32 in 4 × 4). Two rows per `R`, each the
/// reduce time against the expand time in the same run:
/// - the factor computation alone: every Kronecker block's `updateCurvature` on the same
///   captured `(a, g)` — expand forms `A`, `G` from `b·R` rows, reduce from `b` pooled rows;
/// - reduce's factor update split: the same blocks fed the already pooled rows (an `R = 1`
///   capture of `â`, `ĝ`, so only the `syrk`s on `b` rows run) against the whole reduce update,
///   whose difference is the pass that sums the `b·R` captured columns;
/// - the whole step over one inverse period (T_cov 1, T_inv 10: ten steps, one refresh),
///   forward, backward, the Monte-Carlo pass, factors, refresh and preconditioning.
enum TransformerSection {
    static let shapes = [(side: 28, patch: 7), (side: 28, patch: 4), (side: 32, patch: 4)]
    static let period = 10

    static func run(_ report: inout KernelReport) throws {
        let batch = report.quick ? 32 : 128
        for shape in shapes {
            var generator = Xoshiro256StarStar(seed: 16)
            let pixels = shape.side * shape.side
            let input = try Matrix<Float>.randomUniform(rows: pixels, columns: batch, in: 0...1, using: &generator)
            let labels = (0..<batch).map { _ in Int.random(in: 0..<10, using: &generator) }
            let target = try Matrix<Float>.oneHot(labels, classCount: 10)
            let loss = SoftmaxCrossEntropy<Float>()
            let tokens = (shape.side / shape.patch) * (shape.side / shape.patch)
            let size = "ViT \(shape.side)×\(shape.side), \(shape.patch)×\(shape.patch) patches (R = \(tokens)), "
                + "width 64, 4 heads, depth 2, batch \(batch), Float"
            func model() throws -> Sequential<Float> {
                var generator = Xoshiro256StarStar(seed: 1)
                return try ReferenceModels.visionTransformer(height: shape.side, width: shape.side, patchSize: shape.patch,
                                                             as: Float.self, using: &generator)
            }

            var captured = try model()
            try captured.computeGradients(input: input, target: target, loss: loss)
            let captures = try captured.parameterizedLayers.map {
                try LayerCapture(inputs: $0.inputs, outputGradientPasses: [$0.outputGradients], batchSize: $0.batchSize,
                                 sharedDimension: $0.sharedDimension)
            }
            func blocks(_ sharing: WeightSharingApproximation) throws -> [KFACBlock<Float>] {
                try captured.parameterizedLayers.map {
                    try KFACBlock(inputSize: $0.weight.columns, outputSize: $0.weight.rows,
                                  configuration: .init(options: .init(weightSharing: sharing)))
                }
            }
            var (reduceBlocks, expandBlocks) = (try blocks(.reduce), try blocks(.expand))
            try report.compare("K-FAC-reduce factor update, every layer", size: size, kernel: {
                for index in reduceBlocks.indices { try reduceBlocks[index].updateCurvature(with: captures[index]) }
            }, baseline: "K-FAC-expand factor update") {
                for index in expandBlocks.indices { try expandBlocks[index].updateCurvature(with: captures[index]) }
            }

            // The pooled rows â (mean) and ĝ (sum) of every capture, formed once outside the timing by
            // a GEMM with the b·R × b averaging matrix; an R = 1 capture of them is what reduce's syrks see.
            let pooledCaptures = try captures.map { capture in
                let r = capture.sharedDimension
                let sum = try Matrix<Float>(rows: capture.batchSize * r, columns: capture.batchSize) { i, j in
                    i / r == j ? 1 : 0
                }
                return try LayerCapture(
                    inputs: capture.inputs.multiplied(by: sum).scaled(by: 1 / Float(r)),
                    outputGradientPasses: capture.outputGradientPasses.map { try $0.multiplied(by: sum) },
                    batchSize: capture.batchSize, sharedDimension: 1)
            }
            var syrkBlocks = try blocks(.reduce)
            try report.compare("K-FAC-reduce factor update, every layer", size: size, kernel: {
                for index in reduceBlocks.indices { try reduceBlocks[index].updateCurvature(with: captures[index]) }
            }, baseline: "its syrks alone (rows pooled beforehand)") {
                for index in syrkBlocks.indices { try syrkBlocks[index].updateCurvature(with: pooledCaptures[index]) }
            }

            func optimizer(_ sharing: WeightSharingApproximation, _ model: Sequential<Float>) throws -> KFAC<Float> {
                try KFAC<Float>(model: model, options: .init(learningRate: 1e-3, factorUpdatePeriod: 1,
                                                             inverseUpdatePeriod: period),
                                configuration: .init(options: .init(weightSharing: sharing)))
            }
            var (reduceModel, expandModel) = (try model(), try model())
            var (reduce, expand) = (try optimizer(.reduce, reduceModel), try optimizer(.expand, expandModel))
            var periods = 0
            try report.compare("K-FAC-reduce step, \(period) steps (T_cov 1, T_inv \(period))", size: size, kernel: {
                for _ in 0..<period { _ = try reduce.step(&reduceModel, input: input, target: target, loss: loss) }
                periods += 1
            }, baseline: "K-FAC-expand, \(period) steps") {
                for _ in 0..<period { _ = try expand.step(&expandModel, input: input, target: target, loss: loss) }
            }
            for (name, timings) in [("reduce", reduce.timings), ("expand", expand.timings)] {
                print("    \(name) " + TrainingStepSection.phases(timings, steps: periods * period, refreshes: periods))
            }
        }
    }
}
