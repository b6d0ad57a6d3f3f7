@testable import CurvatureOptimizers
import DenseLinearAlgebra
import KronKitTestSupport
import NeuralNetworks
import StructuredFactors
import Testing

@Suite("K-FAC family on transformer layers")
struct TransformerCurvatureTests: WeightSharingExactnessChecks {
    /// A deep linear network with weight sharing shaped like a transformer without its
    /// nonlinearities: position embeddings, a shared embedding layer, two residual blocks of
    /// shared dense layers, then (pooled) the mean over positions and a dense head or (not
    /// pooled) a shared dense output per position.
    static func linearTransformer<Scalar: LinearAlgebraScalar>(_: Scalar.Type, pooled: Bool, seed: UInt64) throws
        -> Sequential<Scalar> {
        let (inputs, width, outputs, positions) = (3, 4, 2, 3)
        var generator = Xoshiro256StarStar(seed: seed)
        func shared(_ a: Int, _ b: Int) throws -> Dense<Scalar> {
            try Dense(inputSize: a, outputSize: b, sharedDimension: positions, initialization: .glorotUniform,
                      using: &generator)
        }
        var layers: [any Layer<Scalar>] = [
            try PositionEmbedding<Scalar>(features: inputs, positions: positions, deviation: 1, using: &generator),
            try shared(inputs, width),
            try Residual<Scalar>([try shared(width, width)]),
            try Residual<Scalar>([try shared(width, 2 * width), try shared(2 * width, width)]),
        ]
        if pooled {
            layers.append(try MeanPool<Scalar>(sharedDimension: positions, features: width))
            layers.append(try Dense<Scalar>(inputSize: width, outputSize: outputs, initialization: .glorotUniform,
                                            using: &generator))
        } else {
            layers.append(try shared(width, outputs))
        }
        return try Sequential(layers)
    }

    /// `A ⊗ G` of every Kronecker block after one K-FAC step with the exact GGN's `G`, and the
    /// brute-force GGN block of the same layer (`(1/b) Σₙ Jₙᵀ Jₙ` from per-example Jacobians).
    func compare<Scalar: LinearAlgebraScalar>(_: Scalar.Type, pooled: Bool, approximation: WeightSharingApproximation)
        throws -> [(kfac: Matrix<Scalar>, ggn: Matrix<Scalar>)] {
        let model = try Self.linearTransformer(Scalar.self, pooled: pooled, seed: 31)
        let optimizer = try KFAC<Scalar>(model: model, configuration: .init())
        #expect(optimizer.blocks.count == model.trainableLayerCount - 1 && optimizer.diagonalBlocks.count == 1,
                "a Kronecker block for every layer but the position table")
        return try BruteForceCurvature.kfacAgainstGaussNewton(model, approximation: approximation, seed: 32)
    }

    /// The longer chains of this network: `b·R = 15` Gram terms plus 5 layers of width ≤ 2·4 + 1
    /// (and the residual additions) in each forward or backward product, `n = 15 + 5·9 = 60`:
    /// a bound of 4·10⁻¹³ in Double and 2.1·10⁻⁴ in Float.
    static let chainLength = 60

    @Test func expandIsExactWithALossTermPerPositionInDouble() throws {
        try expandIsExactWithALossTermPerPosition(Double.self)
    }

    @Test func expandIsExactWithALossTermPerPositionInFloat() throws {
        try expandIsExactWithALossTermPerPosition(Float.self)
    }

    @Test func reduceIsExactWhenPositionsArePooledInDouble() throws {
        try reduceIsExactWhenPositionsArePooled(Double.self)
    }

    @Test func reduceIsExactWhenPositionsArePooledInFloat() throws {
        try reduceIsExactWhenPositionsArePooled(Float.self)
    }

    @Test func eachApproximationMissesTheOtherSetting() throws {
        let reduceOnPerPosition = try compare(Double.self, pooled: false, approximation: .reduce).dropLast()
        #expect(reduceOnPerPosition.contains { (try? $0.kfac.relativeDistance(to: $0.ggn)) ?? 0 > 1e-2 })
        let expandOnPooled = try compare(Double.self, pooled: true, approximation: .expand).dropLast()
        #expect(expandOnPooled.contains { (try? $0.kfac.relativeDistance(to: $0.ggn)) ?? 0 > 1e-2 })
    }

    @Test func diagonalPreconditionerIsBiasCorrectedRMSprop() throws {
        var preconditioner = try DiagonalPreconditioner<Double>(rows: 2, columns: 1, decay: 0.9, epsilon: 1e-8)
        let first = try Matrix<Double>(rowsOf: [[2], [-0.5]])
        let second = try Matrix<Double>(rowsOf: [[1], [0.25]])
        // t = 1: v = 0.1 g², v̂ = g², direction g/|g| (+ε).
        let d1 = try preconditioner.preconditioned(first)
        #expect(abs(d1[0, 0] - 1) <= 1e-8 && abs(d1[1, 0] + 1) <= 1e-7)
        // t = 2: v = 0.09 g₁² + 0.1 g₂², v̂ = v / 0.19.
        let d2 = try preconditioner.preconditioned(second)
        for (i, (g1, g2)) in [(2.0, 1.0), (-0.5, 0.25)].enumerated() {
            let expected = g2 / (((0.09 * g1 * g1 + 0.1 * g2 * g2) / 0.19).squareRoot() + 1e-8)
            #expect(abs(d2[i, 0] - expected) <= 1e-14)
        }
        #expect(throws: OptimizerError.self) { try DiagonalPreconditioner<Double>(rows: 1, columns: 1, decay: 1) }
        #expect(throws: LinearAlgebraError.self) { try preconditioner.preconditioned(Matrix(rowsOf: [[Double.nan], [0]])) }
        #expect(throws: LinearAlgebraError.self) { try preconditioner.preconditioned(Matrix(rows: 1, columns: 1)) }
    }

    /// A small vision transformer on 4 × 4 inputs (4 tokens) and a fixed batch of 24.
    static func transformerProblem<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws
        -> (model: Sequential<Scalar>, input: Matrix<Scalar>, target: Matrix<Scalar>) {
        var generator = Xoshiro256StarStar(seed: 33)
        let model = try ReferenceModels.visionTransformer(height: 4, width: 4, patchSize: 2, width: 8, depth: 1,
                                                          heads: 2, classCount: 3, as: Scalar.self, using: &generator)
        let batch = try TestModels.classificationBatch(Scalar.self, features: 16, classes: 3, batch: 24, seed: 34)
        return (model, batch.input, batch.target)
    }

    /// Mean loss of the first and last of `steps` steps on the same batch.
    static func firstAndLastLoss<O: Optimizer>(_ make: (Sequential<O.Scalar>) throws -> O, steps: Int = 12) throws
        -> (first: Double, last: Double) {
        var (model, input, target) = try transformerProblem(O.Scalar.self)
        var optimizer = try make(model)
        var losses: [Double] = []
        for _ in 0..<steps {
            losses.append(Double(try optimizer.step(&model, input: input, target: target,
                                                    loss: SoftmaxCrossEntropy<O.Scalar>()).loss))
        }
        return (losses[0], losses[steps - 1])
    }

    func everyMethodTrainsTheTransformer<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let options = KroneckerOptimizerOptions(learningRate: 0.05, factorUpdatePeriod: 1, inverseUpdatePeriod: 2)
        for sharing in WeightSharingApproximation.allCases {
            let block = KroneckerBlockOptions(damping: 1e-2, weightSharing: sharing)
            let results = [
                ("kfac", try Self.firstAndLastLoss { try KFAC<Scalar>(model: $0, options: options, configuration: .init(options: block)) }),
                ("tkfac", try Self.firstAndLastLoss {
                    try KFAC<Scalar>(model: $0, options: options, configuration: .init(options: block, estimate: .traceRestricted))
                }),
                ("ekfac", try Self.firstAndLastLoss { try EKFAC<Scalar>(model: $0, options: options, configuration: .init(options: block)) }),
                ("sre-kfac", try Self.firstAndLastLoss {
                    try LowRankKFAC<Scalar>(model: $0, options: options, configuration: .init(options: block, rank: 4))
                }),
                ("b-kfac", try Self.firstAndLastLoss {
                    try LowRankKFAC<Scalar>(model: $0, options: options,
                                            configuration: .init(options: block, method: .brand, rank: 4))
                }),
                ("singd", try Self.firstAndLastLoss {
                    try SINGD<DiagonalMatrix<Scalar>, DenseFactor<Scalar>>(
                        model: $0, options: options, configuration: .init(damping: 1e-2, weightSharing: sharing))
                }),
            ]
            for (name, (first, last)) in results {
                #expect(last < 0.9 * first, "\(name) with \(sharing): loss \(first) → \(last)")
            }
        }
    }

    @Test func everyKFACFamilyMethodTrainsTheTransformerInDouble() throws {
        try everyMethodTrainsTheTransformer(Double.self)
    }

    @Test func everyKFACFamilyMethodTrainsTheTransformerInFloat() throws {
        try everyMethodTrainsTheTransformer(Float.self)
    }

    @Test func blocksMatchTheModelsLayers() throws {
        let (model, _, _) = try Self.transformerProblem(Double.self)
        let optimizer = try KFAC<Double>(model: model, configuration: .init())
        // Embedding, 4 projections, 2 MLP layers, head; position table, 2 block LayerNorms, final LayerNorm.
        #expect(optimizer.blocks.count == 8 && optimizer.diagonalBlocks.count == 4)
        var generator = Xoshiro256StarStar(seed: 35)
        var other = try Sequential<Double>([Dense(inputSize: 16, outputSize: 3, using: &generator)])
        var mismatched = optimizer
        #expect(throws: OptimizerError.self) {
            try mismatched.step(&other, input: Matrix(rows: 16, columns: 2), target: Matrix(rows: 3, columns: 2),
                                loss: SoftmaxCrossEntropy<Double>())
        }
    }
}
