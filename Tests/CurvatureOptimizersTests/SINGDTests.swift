@testable import CurvatureOptimizers
import DenseLinearAlgebra
import Foundation
import NeuralNetworks
import StructuredFactors
import Testing

/// SINGD's block against its update rules written out with dense matrices and the
/// structures' projections, for every structure; IKFAC's fixed point against K-FAC's
/// damped inverses.
@Suite("SINGD, INGD and IKFAC blocks")
struct SINGDTests {
    /// Random captures of a layer with `d_in = 7` inputs (bias folded in) and `d_out = 5` outputs.
    func captures(count: Int, seed: UInt64) throws -> [LayerCapture<Double>] {
        var generator = Xoshiro256StarStar(seed: seed)
        return try (0..<count).map { _ in
            try LayerCapture(inputs: Matrix<Double>.randomGaussian(rows: 7, columns: 6, using: &generator),
                             outputGradientPasses: [Matrix<Double>.randomGaussian(rows: 5, columns: 6, using: &generator)
                                 .scaled(by: 0.3)],
                             batchSize: 6, sharedDimension: 1)
        }
    }

    /// The update rules with dense matrices: `Π` applied to dense products through
    /// `projecting`, everything else dense.
    struct DenseReference<K: StructuredMatrixAlgebra, C: StructuredMatrixAlgebra> where K.Scalar == Double, C.Scalar == Double {
        // Fixed small sizes, far inside SizePolicy: these initializers cannot throw.
        var k = try! Matrix<Double>.identity(7), c = try! Matrix<Double>.identity(5)
        var mK = try! Matrix<Double>(rows: 7, columns: 7), mC = try! Matrix<Double>(rows: 5, columns: 5)
        let configuration: SINGDBlock<K, C>.Configuration

        mutating func update(_ capture: LayerCapture<Double>) throws {
            let rows = try capture.factorRows(configuration.weightSharing)
            let a = try rows.inputs.gram().scaled(by: rows.inputNormalization)
            let g = try rows.outputGradients.gram().scaled(by: rows.gradientScale)
            func project<S: StructuredMatrix>(_: S.Type, _ m: Matrix<Double>, _ layout: S.Layout) throws -> Matrix<Double>
                where S.Scalar == Double { try S.projecting(m, layout: layout).dense() }
            let hK = try project(K.self, try k.multiplied(by: a, transposingSelf: .transpose).multiplied(by: k),
                                 configuration.inputLayout)
            let hC = try project(C.self, try c.multiplied(by: g, transposingSelf: .transpose).multiplied(by: c),
                                 configuration.outputLayout)
            let kTk = try project(K.self, k.gram(.transpose), configuration.inputLayout)
            let cTc = try project(C.self, c.gram(.transpose), configuration.outputLayout)
            let coupled = !configuration.kfacLike
            let lambda = configuration.damping
            let alpha = configuration.kfacLike ? 0 : configuration.riemannianMomentum
            var stepK = try hK.scaled(by: coupled ? try hC.trace() / 5 : 1) + kTk.scaled(by: lambda * (coupled ? try cTc.trace() / 5 : 1))
            try stepK.addToDiagonal(-1)
            var stepC = try hC.scaled(by: coupled ? try hK.trace() / 7 : 1) + cTc.scaled(by: lambda * (coupled ? try kTk.trace() / 7 : 1))
            try stepC.addToDiagonal(-1)
            mK = try stepK.scaled(by: 0.5) + mK.scaled(by: alpha)
            mC = try stepC.scaled(by: 0.5) + mC.scaled(by: alpha)
            let beta = configuration.factorStepSize
            k = try k - k.multiplied(by: mK).scaled(by: beta)
            c = try c - c.multiplied(by: mC).scaled(by: beta)
        }
    }

    func followsTheDenseRules<K: StructuredMatrixAlgebra, C: StructuredMatrixAlgebra>(
        _: K.Type, _: C.Type, inputLayout: K.Layout = .init(), outputLayout: C.Layout = .init(), kfacLike: Bool = false
    ) throws where K.Scalar == Double, C.Scalar == Double {
        let configuration = SINGDBlock<K, C>.Configuration(damping: 1e-2, factorStepSize: 0.1, kfacLike: kfacLike,
                                                           inputLayout: inputLayout, outputLayout: outputLayout)
        var block = try SINGDBlock<K, C>(inputSize: 7, outputSize: 5, configuration: configuration)
        var reference = DenseReference<K, C>(configuration: configuration)
        for capture in try captures(count: 4, seed: 41) {
            try block.updateCurvature(with: capture)
            try reference.update(capture)
        }
        let name = "\(K.self), \(C.self)\(kfacLike ? ", IKFAC" : "")"
        #expect(try block.inputFactor.dense().relativeDistance(to: reference.k) <= 1e-12, "K: \(name)")
        #expect(try block.outputFactor.dense().relativeDistance(to: reference.c) <= 1e-12, "C: \(name)")
        #expect(try block.inputMomentum.dense().relativeDistance(to: reference.mK) <= 1e-12, "m_K: \(name)")
        // The preconditioned gradient is C·Cᵀ·∇W·K·Kᵀ, in the dense and the rank-m forms.
        var generator = Xoshiro256StarStar(seed: 42)
        let (g, a) = (try Matrix<Double>.randomGaussian(rows: 5, columns: 2, using: &generator),
                      try Matrix<Double>.randomGaussian(rows: 7, columns: 2, using: &generator))
        let gradient = try g.multiplied(by: a, transposingOther: .transpose)
        let expected = try reference.c.gram().multiplied(by: gradient).multiplied(by: reference.k.gram())
        #expect(try block.preconditioned(gradient).relativeDistance(to: expected) <= 1e-12, "V: \(name)")
        #expect(try block.preconditioned(gradient, factoredAs: g, times: a).relativeDistance(to: expected) <= 1e-12)
    }

    @Test func everyStructureFollowsTheDenseUpdateRules() throws {
        try followsTheDenseRules(DenseFactor<Double>.self, DenseFactor<Double>.self)
        try followsTheDenseRules(DiagonalMatrix<Double>.self, DenseFactor<Double>.self)
        try followsTheDenseRules(BlockDiagonalMatrix<Double>.self, DiagonalMatrix<Double>.self,
                                 inputLayout: .init(blockSize: 3))
        try followsTheDenseRules(LowerTriangularToeplitz<Double>.self, UpperTriangularToeplitz<Double>.self)
        try followsTheDenseRules(HierarchicalFactor<Double>.self, HierarchicalFactor<Double>.self,
                                 inputLayout: .init(topLeftOrder: 2, bottomRightOrder: 2),
                                 outputLayout: .init(topLeftOrder: 1, bottomRightOrder: 2))
        try followsTheDenseRules(DenseFactor<Double>.self, BlockDiagonalMatrix<Double>.self,
                                 outputLayout: .init(blockSize: 2), kfacLike: true)
    }

    /// IKFAC's fixed point: with `A`, `G` held fixed, `Kᵀ(A + λI)K = I`, so `K·Kᵀ → (A + λI)⁻¹`,
    /// the damped factor inverses of K-FAC with λ on each factor [Lin et al. 2023, Thm. 1].
    @Test func ikfacConvergesToKFACsDampedInverses() throws {
        let capture = try captures(count: 1, seed: 43)[0]
        let configuration = SINGDBlock<DenseFactor<Double>, DenseFactor<Double>>.Configuration(
            damping: 0.1, factorStepSize: 0.2, kfacLike: true)
        var block = try SINGDBlock<DenseFactor<Double>, DenseFactor<Double>>(inputSize: 7, outputSize: 5,
                                                                            configuration: configuration)
        for _ in 0..<400 { try block.updateCurvature(with: capture) }
        let rows = try capture.factorRows(.expand)
        var a = try rows.inputs.gram().scaled(by: rows.inputNormalization)
        var g = try rows.outputGradients.gram().scaled(by: rows.gradientScale)
        try a.addToDiagonal(0.1)
        try g.addToDiagonal(0.1)
        #expect(try block.inputFactor.dense().gram().relativeDistance(to: LUFactorization(a).solve(.identity(7))) <= 1e-8)
        #expect(try block.outputFactor.dense().gram().relativeDistance(to: LUFactorization(g).solve(.identity(5))) <= 1e-8)
    }

    @Test func singdTrainsAndResumes() throws {
        // A few steps on the tanh network decrease the loss, in Float with Toeplitz factors.
        let loss = SoftmaxCrossEntropy<Float>()
        var model = try TestModels.tanhNetwork(Float.self, inputs: 4, hidden: 6, outputs: 3, seed: 5)
        var optimizer = try SINGD<LowerTriangularToeplitz<Float>, DiagonalMatrix<Float>>(
            model: model, options: .init(learningRate: 0.05, klClip: nil, factorUpdatePeriod: 1),
            configuration: .init(damping: 1e-2, factorStepSize: 0.05))
        let batch = try TestModels.classificationBatch(Float.self, features: 4, classes: 3, batch: 32, seed: 6)
        let first = try optimizer.step(&model, input: batch.input, target: batch.target, loss: loss).loss
        var last = first
        for _ in 0..<30 { last = try optimizer.step(&model, input: batch.input, target: batch.target, loss: loss).loss }
        #expect(last < first * 0.8)
        #expect(optimizer.name == "singd")
        #expect(optimizer.stateSize < 3 * (5 * 5 + 6 * 6 + 7 * 7), "structured factors store less than dense ones")
    }

    @Test func badConfigurationsAndCorruptStateThrow() throws {
        let model = try TestModels.tanhNetwork(Double.self, inputs: 2, hidden: 3, outputs: 2, seed: 1)
        typealias Block = SINGDBlock<DiagonalMatrix<Double>, DenseFactor<Double>>
        for configuration in [Block.Configuration(damping: 0), .init(riemannianMomentum: 1), .init(factorStepSize: -1),
                              .init(factorStepSize: .nan)] {
            #expect(throws: OptimizerError.self) {
                try SINGD<DiagonalMatrix<Double>, DenseFactor<Double>>(model: model, configuration: configuration)
            }
        }
        let block = try Block(inputSize: 3, outputSize: 2, configuration: .init())
        var json = try JSONCoding.object(block)
        #expect(throws: Never.self) { try JSONCoding.decode(Block.self, from: json) }
        json["inputMomentum"] = json["outputMomentum"]
        #expect(throws: DecodingError.self) { try JSONCoding.decode(Block.self, from: json) }
    }
}
