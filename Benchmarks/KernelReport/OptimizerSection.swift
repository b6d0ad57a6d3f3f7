import CurvatureOptimizers
import DenseLinearAlgebra
import NeuralNetworks
import StructuredFactors

/// CurvatureOptimizers rows: K-FAC's amortised step against SGD's on the MLP of
/// the issue, and how factor updates and inversions scale with layer width (the
/// numbers that B-KFAC and SINGD must beat).
enum OptimizerSection {
    static func run(_ report: inout KernelReport) throws {
        try stepTime(&report)
        try wideLayer(&report)
        try factorScaling(&report)
    }

    /// K-FAC training a float32 layer of width 4 096 (MLP 784-4096-10, batch 128): one inverse
    /// period of 20 steps, whose one inversion runs `ssyevd` on the 4 097 × 4 097 input factor of
    /// the second layer and the 4 096 × 4 096 output factor of the first. LAPACK 3.11 returned the
    /// workspace size of that `ssyevd` rounded down (issue 10); the row shows it trains. One
    /// repetition: a period takes seconds. The quick report uses width 1 024.
    static func wideLayer(_ report: inout KernelReport) throws {
        let width = report.quick ? 1024 : 4096
        let (batch, period) = (128, 20)
        let widths = [784, width, 10]
        var generator = Xoshiro256StarStar(seed: 4)
        let input = try Matrix<Float>.randomGaussian(rows: 784, columns: batch, using: &generator)
        let labels = (0..<batch).map { _ in Int.random(in: 0..<10, using: &generator) }
        let target = try Matrix<Float>.oneHot(labels, classCount: 10)
        let loss = SoftmaxCrossEntropy<Float>()
        for route in KroneckerBlockOptions.Route.allCases {
            var model = try mlp(widths, seed: 1)
            var kfac = try KFAC<Float>(
                model: model, options: .init(learningRate: 0.01, factorUpdatePeriod: 10, inverseUpdatePeriod: period),
                configuration: .init(options: .init(route: route)))
            var sgdModel = try mlp(widths, seed: 1)
            var sgd = try StochasticGradientDescent<Float>(model: sgdModel, options: .init(learningRate: 0.01))
            var losses: [Float] = []
            try report.compare(
                "K-FAC \(route) route on a \(width)-wide float32 layer, \(period) steps (T_cov 10, T_inv \(period))",
                size: "MLP \(widths.map(String.init).joined(separator: "-")), batch \(batch)", repetitions: 1,
                kernel: {
                    for _ in 0..<period {
                        losses.append(try kfac.step(&model, input: input, target: target, loss: loss).loss)
                    }
                },
                baseline: "SGD, \(period) steps") {
                for _ in 0..<period { _ = try sgd.step(&sgdModel, input: input, target: target, loss: loss) }
            }
            guard losses.allSatisfy(\.isFinite), let last = losses.last, let first = losses.first, last < first else {
                throw LinearAlgebraError.invalidArgument(
                    operation: "wide-layer K-FAC row", detail: "the loss did not decrease: \(losses)")
            }
            print("    loss \(first) → \(last) over \(period) steps")
        }
    }

    /// A ReLU MLP with the given widths.
    static func mlp(_ widths: [Int], seed: UInt64) throws -> Sequential<Float> {
        var generator = Xoshiro256StarStar(seed: seed)
        var layers: [any Layer<Float>] = []
        for (index, (input, output)) in zip(widths, widths.dropFirst()).enumerated() {
            layers.append(try Dense<Float>(inputSize: input, outputSize: output, using: &generator))
            if index < widths.count - 2 { layers.append(try Activation<Float>(.relu, size: output)) }
        }
        return try Sequential(layers)
    }

    /// Seconds per step averaged over one inverse period (T_inv = 20, T_cov = 10, Monte-Carlo Fisher).
    static func stepTime(_ report: inout KernelReport) throws {
        // The MLP; the quick mode halves every width and the batch.
        let widths = report.quick ? [256, 256, 256, 10] : [256, 512, 512, 10]
        let batch = report.quick ? 128 : 256
        var generator = Xoshiro256StarStar(seed: 3)
        let input = try Matrix<Float>.randomGaussian(rows: 256, columns: batch, using: &generator)
        let labels = (0..<batch).map { _ in Int.random(in: 0..<10, using: &generator) }
        let target = try Matrix<Float>.oneHot(labels, classCount: 10)
        let loss = SoftmaxCrossEntropy<Float>()
        let period = 20
        // Forward+backward flops of the MLP: 6 · Σ d_in·d_out · batch.
        let flops = 6 * Double(zip(widths, widths.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 }) * Double(batch) * Double(period)
        let size = "MLP \(widths.map(String.init).joined(separator: "-")), batch \(batch)"
        // `period` steps of `optimizer` against as many SGD steps, each on its own copy of the MLP.
        func compareWithSGD(_ name: String, _ make: (Sequential<Float>) throws -> some Optimizer<Float>) throws {
            var model = try mlp(widths, seed: 1)
            var optimizer = try make(model)
            var sgdModel = try mlp(widths, seed: 1)
            var sgd = try StochasticGradientDescent<Float>(model: sgdModel, options: .init(learningRate: 0.01))
            try report.compare(
                name, size: size, flops: flops,
                kernel: { for _ in 0..<period { _ = try optimizer.step(&model, input: input, target: target, loss: loss) } },
                baseline: "SGD, \(period) steps") {
                for _ in 0..<period { _ = try sgd.step(&sgdModel, input: input, target: target, loss: loss) }
            }
        }
        for route in KroneckerBlockOptions.Route.allCases {
            try compareWithSGD("K-FAC \(route) route, \(period) steps (T_cov 10, T_inv \(period)) Float") {
                try KFAC<Float>(model: $0, options: .init(learningRate: 0.01, factorUpdatePeriod: 10, inverseUpdatePeriod: period),
                                configuration: .init(options: .init(route: route)))
            }
        }
        // The low-rank K-FACs at rank 64 (the layers are 257 and 513 wide): randomized refreshes
        // (SRE-KFAC) and Brand factor updates (B-KFAC), both on the eigen route.
        for method in [LowRankKFACBlock<Float>.Method.randomizedEVD, .brand] {
            try compareWithSGD("\(method.rawValue) rank 64, \(period) steps (T_cov 10, T_inv \(period)) Float") {
                try LowRankKFAC<Float>(model: $0, options: .init(learningRate: 0.01, factorUpdatePeriod: 10,
                                                                 inverseUpdatePeriod: period),
                                       configuration: .init(method: method, rank: 64))
            }
        }
        // SINGD is inverse-free: one Riemannian step of K and C per factor update, four structured
        // products per step; dense (INGD) and diagonal factors.
        try compareWithSGD("SINGD dense (INGD), \(period) steps (T 10) Float") {
            try SINGD<DenseFactor<Float>, DenseFactor<Float>>(
                model: $0, options: .init(learningRate: 0.01, klClip: nil, factorUpdatePeriod: 10), configuration: .init())
        }
        try compareWithSGD("SINGD diagonal, \(period) steps (T 10) Float") {
            try SINGD<DiagonalMatrix<Float>, DiagonalMatrix<Float>>(
                model: $0, options: .init(learningRate: 0.01, klClip: nil, factorUpdatePeriod: 10), configuration: .init())
        }
        // Adam's per-entry update is one fused, specialised pass: it should cost a few percent of SGD's step.
        try compareWithSGD("Adam, \(period) steps Float") { try Adam<Float>(model: $0, options: .init(learningRate: 1e-3)) }
    }

    /// Factor update (two `syrk`s of width × 256 captures) and inversion (two `syevd`s)
    /// of a square width × width layer, against width.
    static func factorScaling(_ report: inout KernelReport) throws {
        let widths = report.quick ? [128, 256, 512] : [256, 512, 1024, 2048, 4096]
        let batch = 256
        var generator = Xoshiro256StarStar(seed: 5)
        var captures: [Int: LayerCapture<Double>] = [:]
        var updated: [Int: KroneckerFactors<Double>] = [:]
        for width in widths {
            let capture = try LayerCapture(
                inputs: Matrix<Double>.randomGaussian(rows: width, columns: batch, using: &generator),
                outputGradientPasses: [Matrix<Double>.randomGaussian(rows: width, columns: batch, using: &generator)],
                batchSize: batch, sharedDimension: 1)
            var factors = try KroneckerFactors<Double>(inputSize: width, outputSize: width, estimate: .standard,
                                                   weightSharing: .expand, decay: 0.95)
            try factors.update(with: capture)
            captures[width] = capture
            updated[width] = factors
        }
        // In place on the stored factors: a `var` copy would time a copy-on-write of both factors.
        try report.scale("K-FAC factor update of A and G (syrk), width × width layer, b = 256, Double", sizes: widths) { width in
            try updated[width]!.update(with: captures[width]!)
        }
        try report.scale("K-FAC inversion: syevd of A and G, width × width layer, Double", sizes: widths) { width in
            _ = try updated[width]!.eigendecompositions()
        }
    }
}
