import CurvatureOptimizers
import DenseLinearAlgebra
import NeuralNetworks
import StructuredFactors

/// Low-precision rows (Notes/LowPrecision.md): the bf16/fp16 GEMM — widen the operands, one
/// sgemm, round the product back — against sgemm on the same Float operands (the conversion
/// overhead); a bfloat16 training step against the same step in float32 (the rounding of the
/// model, the batch and the whole optimizer state); and the optimizer state's bytes per method
/// and precision on the MLP of the results (784-256-256-10), printed as a table.
enum LowPrecisionSection {
    static func run(_ report: inout KernelReport) throws {
        try gemm(&report)
        try trainingStep(&report)
        try stateBytes()
    }

    static func gemm(_ report: inout KernelReport) throws {
        var generator = Xoshiro256StarStar(seed: 17)
        for n in report.quick ? [256, 512] : [256, 512, 1024, 2048] {
            let a = try Matrix<Float>.randomGaussian(rows: n, columns: n, using: &generator)
            let b = try Matrix<Float>.randomGaussian(rows: n, columns: n, using: &generator)
            var product = try Matrix<Float>(rows: n, columns: n)
            for precision in [StoragePrecision.bfloat16, .float16] {
                let (a16, b16) = (try LowPrecisionMatrix(a, precision: precision), try LowPrecisionMatrix(b, precision: precision))
                var c16 = try LowPrecisionMatrix(product, precision: precision)
                try report.compare("\(precision.rawValue) GEMM (widen, sgemm, round on store)", size: "\(n)×\(n)×\(n)",
                                   flops: 2 * Double(n * n * n),
                                   kernel: { try LowPrecisionMatrix.multiply(a16, b16, into: &c16) },
                                   baseline: "sgemm on Float") {
                    try Matrix.multiply(a, b, into: &product)
                }
            }
            try report.compare("bfloat16 rounding policy: sgemm then round the product in place", size: "\(n)×\(n)×\(n)",
                               flops: 2 * Double(n * n * n),
                               kernel: {
                                   try Matrix.multiply(a, b, into: &product)
                                   StoragePrecision.bfloat16.round(&product)
                               },
                               baseline: "sgemm on Float") {
                try Matrix.multiply(a, b, into: &product)
            }
        }
    }

    /// One inverse period of steps (T_cov = T_inv = 10) of K-FAC and of SINGD (dense), bfloat16
    /// against float32, on the results' MLP with batch 128.
    static func trainingStep(_ report: inout KernelReport) throws {
        let widths = report.quick ? [784, 128, 128, 10] : [784, 256, 256, 10]
        let (batch, steps) = (128, 10)
        var generator = Xoshiro256StarStar(seed: 18)
        let input = try Matrix<Float>.randomGaussian(rows: 784, columns: batch, using: &generator)
        let labels = (0..<batch).map { _ in Int.random(in: 0..<10, using: &generator) }
        let target = try Matrix<Float>.oneHot(labels, classCount: 10)
        let loss = SoftmaxCrossEntropy<Float>()
        let options = KroneckerOptimizerOptions(learningRate: 0.01, factorUpdatePeriod: 10, inverseUpdatePeriod: 10)
        func compare<O: Optimizer<Float>>(_ name: String, _ make: (Sequential<Float>) throws -> O) throws {
            var model = try OptimizerSection.mlp(widths, seed: 2)
            var optimizer = try make(model)
            var stored = try model.storing(in: .bfloat16)
            var low = try LowPrecisionOptimizer(make(stored), precision: .bfloat16)
            try report.compare("\(name) in bfloat16 (model, batch and state rounded), \(steps) steps",
                               size: "MLP \(widths.map(String.init).joined(separator: "-")), batch \(batch)",
                               repetitions: report.quick ? 1 : 3,
                               kernel: {
                                   for _ in 0..<steps { _ = try low.step(&stored, input: input, target: target, loss: loss) }
                               },
                               baseline: "float32, \(steps) steps") {
                for _ in 0..<steps { _ = try optimizer.step(&model, input: input, target: target, loss: loss) }
            }
            print("    state rounding: \(String(format: "%.1f", 1000 * low.roundingSeconds)) ms in "
                + "\(low.stepCount) steps (\(low.stateSize) values)")
        }
        try compare("K-FAC") { try KFAC<Float>(model: $0, options: options, configuration: .init()) }
        try compare("SINGD dense") {
            try SINGD<DenseFactor<Float>, DenseFactor<Float>>(model: $0, options: options, configuration: .init())
        }
        try compare("AdamW") { try Adam<Float>(model: $0, options: .init(decoupledWeightDecay: true)) }
    }

    /// Optimizer state bytes on the MLP 784-256-256-10 after one step, per method and precision.
    static func stateBytes() throws {
        let widths = [784, 256, 256, 10]
        let model = try OptimizerSection.mlp(widths, seed: 3)
        var generator = Xoshiro256StarStar(seed: 19)
        let input = try Matrix<Float>.randomGaussian(rows: 784, columns: 32, using: &generator)
        let target = try Matrix<Float>.oneHot((0..<32).map { $0 % 10 }, classCount: 10)
        let options = KroneckerOptimizerOptions(factorUpdatePeriod: 1, inverseUpdatePeriod: 1)
        func size<O: Optimizer<Float>>(_ optimizer: O) throws -> Int {
            var (copy, trained) = (optimizer, model)
            _ = try copy.step(&trained, input: input, target: target, loss: SoftmaxCrossEntropy<Float>())
            return copy.stateSize
        }
        let parameters = model.parameters.reduce(0) { $0 + $1.elements.count }
        let methods: [(String, Int)] = [
            ("SGD (momentum)", try size(StochasticGradientDescent<Float>(model: model))),
            ("AdamW", try size(Adam<Float>(model: model, options: .init(decoupledWeightDecay: true)))),
            ("K-FAC (eigen)", try size(KFAC<Float>(model: model, options: options, configuration: .init()))),
            ("K-FAC-inverse", try size(KFAC<Float>(model: model, options: options,
                                                   configuration: .init(options: .init(route: .inverse))))),
            ("SINGD dense", try size(SINGD<DenseFactor<Float>, DenseFactor<Float>>(
                model: model, options: options, configuration: .init()))),
            ("SINGD block-diagonal", try size(SINGD<BlockDiagonalMatrix<Float>, BlockDiagonalMatrix<Float>>(
                model: model, options: options, configuration: .init()))),
            ("SINGD hierarchical", try size(SINGD<HierarchicalFactor<Float>, HierarchicalFactor<Float>>(
                model: model, options: options, configuration: .init()))),
            ("SINGD Toeplitz", try size(SINGD<LowerTriangularToeplitz<Float>, UpperTriangularToeplitz<Float>>(
                model: model, options: options, configuration: .init()))),
            ("SINGD diagonal", try size(SINGD<DiagonalMatrix<Float>, DiagonalMatrix<Float>>(
                model: model, options: options, configuration: .init()))),
            ("IKFAC (dense)", try size(SINGD<DenseFactor<Float>, DenseFactor<Float>>(
                model: model, options: options, configuration: .init(kfacLike: true)))),
        ]
        let adam = methods[1].1
        print("\n  Optimizer state on MLP \(widths.map(String.init).joined(separator: "-")) "
            + "(\(parameters) parameters), after one step:\n")
        print("  | method | values | float32 bytes | bfloat16/float16 bytes | ÷ AdamW's |")
        print("  |---|---:|---:|---:|---:|")
        for (name, values) in methods {
            print("  | \(name) | \(values) | \(4 * values) | \(2 * values) | "
                + "\(String(format: "%.2f", Double(values) / Double(adam))) |")
        }
    }
}
