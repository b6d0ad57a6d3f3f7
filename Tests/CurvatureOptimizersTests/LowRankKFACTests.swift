@testable import CurvatureOptimizers
import Foundation
import DenseLinearAlgebra
import NeuralNetworks
import SymmetricEigen
import Testing

/// RS-KFAC, SRE-KFAC, B-KFAC, B-R-KFAC and B-KFAC-c: at full rank they are K-FAC; truncated,
/// their preconditioner is the damped inverse of the truncated factors, formed densely here.
@Suite("Low-rank K-FAC blocks against K-FAC and dense truncated factors")
struct LowRankKFACTests {
    typealias Method = LowRankKFACBlock<Double>.Method

    /// One step (factor update and refresh at step 0) of `method` on the tanh network.
    func stepped<Scalar: LinearAlgebraScalar>(
        _: Scalar.Type, method: LowRankKFACBlock<Scalar>.Method, rank: Int, route: KroneckerBlockOptions.Route,
        steps: Int = 1
    ) throws -> (LowRankKFAC<Scalar>, KFAC<Scalar>) {
        let loss = SoftmaxCrossEntropy<Scalar>()
        var lowRankModel = try TestModels.tanhNetwork(Scalar.self, inputs: 4, hidden: 5, outputs: 3, seed: 1)
        var kfacModel = lowRankModel
        let options = KroneckerOptimizerOptions(learningRate: 0.01, factorUpdatePeriod: 1, inverseUpdatePeriod: 1)
        let block = KroneckerBlockOptions(damping: 1e-2, route: route)
        var lowRank = try LowRankKFAC<Scalar>(model: lowRankModel, options: options,
                                              configuration: .init(options: block, method: method, rank: rank), seed: 3)
        var kfac = try KFAC<Scalar>(model: kfacModel, options: options, configuration: .init(options: block), seed: 3)
        for step in 0..<steps {
            let batch = try TestModels.classificationBatch(Scalar.self, features: 4, classes: 3, batch: 40,
                                                           seed: 2 + UInt64(step))
            _ = try lowRank.step(&lowRankModel, input: batch.input, target: batch.target, loss: loss)
            _ = try kfac.step(&kfacModel, input: batch.input, target: batch.target, loss: loss)
        }
        return (lowRank, kfac)
    }

    func fullRank<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 4)
        for method in LowRankKFACBlock<Scalar>.Method.allCases {
            for route in KroneckerBlockOptions.Route.allCases {
                let (lowRank, kfac) = try stepped(Scalar.self, method: method, rank: 10, route: route)
                for (block, reference) in zip(lowRank.blocks, kfac.blocks) {
                    let gradient = try Matrix<Scalar>.randomGaussian(rows: block.outputDecomposition.order,
                                                                 columns: block.inputDecomposition.order, using: &generator)
                    let expected = try reference.preconditioned(gradient)
                    // cond(A⊗G + λI) ≲ 1e3 at λ = 1e-2: 100·cond·n·eps, n ≤ 36.
                    let bound = Scalar(1e5 * 36) * Scalar.ulpOfOne * Swift.max(1, expected.maxAbsoluteEntry)
                    #expect(try block.preconditioned(gradient).relativeDistance(to: expected) <= bound,
                            "\(method.rawValue), \(route)")
                }
            }
        }
    }

    @Test func atFullRankEveryMethodIsKFAC() throws {
        try fullRank(Float.self)
        try fullRank(Double.self)
    }

    /// B-KFAC's state at widths `n_A`, `n_G` and rank `r`: two `n × r` bases and their `r`
    /// eigenvalues, `r·(n_A + n_G + 2)` scalars after every update and refresh, no dense factor.
    func bKFACState<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 12)
        let rank = 3
        for (inputs, outputs) in [(12, 8), (24, 16), (48, 32)] {
            var block = try LowRankKFACBlock<Scalar>(inputSize: inputs, outputSize: outputs,
                                                     configuration: .init(method: .brand, rank: rank))
            #expect(block.factors == nil && block.stateSize == 0)
            for _ in 0..<4 {
                // Batches of 5 > r columns: every update must truncate back to the rank.
                let capture = try LayerCapture(
                    inputs: Matrix<Scalar>.randomGaussian(rows: inputs, columns: 5, using: &generator),
                    outputGradientPasses: [Matrix<Scalar>.randomGaussian(rows: outputs, columns: 5, using: &generator)],
                    batchSize: 5, sharedDimension: 1)
                try block.updateCurvature(with: capture)
                try block.refreshInverse()
                #expect(block.factors == nil)
                for (decomposition, order) in [(block.inputDecomposition, inputs), (block.outputDecomposition, outputs)] {
                    #expect(decomposition.eigenvectors.rows == order && decomposition.eigenvectors.columns == rank)
                    #expect(decomposition.eigenvalues.count == rank)
                }
                #expect(block.stateSize == rank * (inputs + outputs + 2), "\(inputs)×\(outputs)")
            }
        }
    }

    @Test func bKFACStateIsLinearInTheWidth() throws {
        try bKFACState(Float.self)
        try bKFACState(Double.self)
    }

    /// The Brand methods' factors are K-FAC's moving averages, warm-up included.
    @Test func brandUpdatesFollowTheDenseMovingAverage() throws {
        var generator = Xoshiro256StarStar(seed: 9)
        var block = try LowRankKFACBlock<Double>(inputSize: 6, outputSize: 4,
                                                 configuration: .init(method: .brandWithCorrection, rank: 6))
        for _ in 0..<6 {
            let capture = try LayerCapture(
                inputs: Matrix<Double>.randomGaussian(rows: 6, columns: 5, using: &generator),
                outputGradientPasses: [Matrix<Double>.randomGaussian(rows: 4, columns: 5, using: &generator)],
                batchSize: 5, sharedDimension: 1)
            try block.updateCurvature(with: capture)
        }
        let factors = try #require(block.factors)
        #expect(try block.inputDecomposition.reconstructed().relativeDistance(to: factors.input.value) <= 1e-13)
        #expect(try block.outputDecomposition.reconstructed().relativeDistance(to: factors.output.value) <= 1e-13)
    }

    func truncated<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 5)
        let lambda = Scalar(1e-2)
        for method in LowRankKFACBlock<Scalar>.Method.allCases {
            for route in KroneckerBlockOptions.Route.allCases {
                let (lowRank, _) = try stepped(Scalar.self, method: method, rank: 2, route: route, steps: 3)
                for block in lowRank.blocks {
                    let (input, output) = (block.inputDecomposition, block.outputDecomposition)
                    #expect(input.eigenvalues.count == 2 && output.eigenvalues.count == 2)
                    let a = try input.reconstructed(), g = try output.reconstructed()
                    let gradient = try Matrix<Scalar>.randomGaussian(rows: g.rows, columns: a.rows, using: &generator)
                    let dampedCurvature: Matrix<Scalar>
                    switch route {
                    case .eigen:
                        var dense = try BruteForceCurvature.kronecker(a, g)
                        try dense.addToDiagonal(lambda)
                        dampedCurvature = dense
                    case .inverse:
                        // π from the dense factors where kept, else from the truncated ones.
                        let (traceA, traceG) = try block.factors.map {
                            (try $0.input.value.trace(), try $0.output.value.trace())
                        } ?? (try a.trace(), try g.trace())
                        let pi = ((traceA / Scalar(a.rows)) / (traceG / Scalar(g.rows))).squareRoot()
                        var dampedA = a, dampedG = g
                        try dampedA.addToDiagonal(pi * lambda.squareRoot())
                        try dampedG.addToDiagonal(lambda.squareRoot() / pi)
                        dampedCurvature = try BruteForceCurvature.kronecker(dampedA, dampedG)
                    }
                    let expected = try BruteForceCurvature.solve(dampedCurvature, gradient)
                    // The truncated factors' damped inverse has cond ≤ (‖A‖‖G‖ + λ)/λ ≈ 1e3.
                    let bound = Scalar(1e5 * 36) * Scalar.ulpOfOne * Swift.max(1, expected.maxAbsoluteEntry)
                    #expect(try block.preconditioned(gradient).relativeDistance(to: expected) <= bound,
                            "\(method.rawValue), \(route)")
                    // A rank-2 gradient g·aᵀ through its factors (the rank-m forms; 2 columns are
                    // narrow enough for every layer here to prefer them), same bound.
                    let outputGradients = try Matrix<Scalar>.randomGaussian(rows: g.rows, columns: 2, using: &generator)
                    let inputs = try Matrix<Scalar>.randomGaussian(rows: a.rows, columns: 2, using: &generator)
                    #expect(LowRankKFACBlock<Scalar>.prefersFactoredForm(outputs: g.rows, inputs: a.rows, columns: 2))
                    let product = try outputGradients.multiplied(by: inputs, transposingOther: .transpose)
                    let expectedProduct = try BruteForceCurvature.solve(dampedCurvature, product)
                    let productBound = Scalar(1e5 * 36) * Scalar.ulpOfOne * Swift.max(1, expectedProduct.maxAbsoluteEntry)
                    #expect(try block.preconditioned(product, factoredAs: outputGradients, times: inputs)
                        .relativeDistance(to: expectedProduct) <= productBound, "\(method.rawValue), \(route), factored")
                }
            }
        }
    }

    @Test func truncatedFactorsArePreconditionedExactly() throws {
        try truncated(Float.self)
        try truncated(Double.self)
    }

    /// The randomized methods keep the top eigenpairs of the dense factor; B-KFAC-c's
    /// correction makes its basis Ritz pairs of it (`UᵀAU` diagonal).
    @Test func refreshesTrackTheDenseFactor() throws {
        for method in [Method.randomizedSVD, .randomizedEVD, .brandWithRandomizedRefresh, .brandWithCorrection] {
            let (lowRank, _) = try stepped(Double.self, method: method, rank: 3, route: .eigen, steps: 3)
            for block in lowRank.blocks {
                let factors = try #require(block.factors)
                for (decomposition, dense) in [(block.inputDecomposition, factors.input.value),
                                               (block.outputDecomposition, factors.output.value)] {
                    let projected = try decomposition.eigenvectors.multiplied(by: dense, transposingSelf: .transpose)
                        .multiplied(by: decomposition.eigenvectors)
                    // Brand keeps fewer pairs when the data has lower rank (G of the softmax layer: 2).
                    let k = decomposition.eigenvalues.count
                    var diagonal = try Matrix<Double>(rows: k, columns: k)
                    for i in 0..<k { diagonal[i, i] = decomposition.eigenvalues[i] }
                    #expect(try (projected - diagonal).maxAbsoluteEntry <= 1e-10 * dense.maxAbsoluteEntry, "\(method.rawValue)")
                    if method != .brandWithCorrection {
                        let top = try SymmetricEigendecomposition.largest(k, of: dense).eigenvalues
                        #expect(zip(top, decomposition.eigenvalues).allSatisfy { abs($0 - $1) <= 1e-8 * top[0] },
                                "\(method.rawValue): the top eigenvalues")
                    }
                }
            }
        }
    }

    /// A gradient of the transposed shape throws on both routes (its entry count matches), and a
    /// capture with NaN throws before any state changes.
    @Test func badGradientsAndCapturesThrowWithoutChangingTheBlock() throws {
        var generator = Xoshiro256StarStar(seed: 12)
        func capture(poisoned: Bool) throws -> LayerCapture<Double> {
            var gradients = try Matrix<Double>.randomGaussian(rows: 2, columns: 4, using: &generator)
            if poisoned { gradients[1, 2] = .nan }
            return try LayerCapture(inputs: Matrix<Double>.randomGaussian(rows: 3, columns: 4, using: &generator),
                                    outputGradientPasses: [gradients], batchSize: 4, sharedDimension: 1)
        }
        for method in Method.allCases {
            for route in KroneckerBlockOptions.Route.allCases {
                var block = try LowRankKFACBlock<Double>(
                    inputSize: 3, outputSize: 2, configuration: .init(options: .init(route: route), method: method, rank: 2))
                try block.updateCurvature(with: capture(poisoned: false))
                try block.refreshInverse()
                #expect(throws: LinearAlgebraError.self) { try block.preconditioned(Matrix(rows: 3, columns: 2)) }
                let before = try JSONCoding.encoder.encode(block)
                #expect(throws: LinearAlgebraError.self) { try block.updateCurvature(with: capture(poisoned: true)) }
                #expect(try JSONCoding.encoder.encode(block) == before, "\(method.rawValue): unchanged after a NaN capture")
            }
        }
        // The same for K-FAC's own block, whose factor averages would keep a NaN for good.
        var kfac = try KFACBlock<Double>(inputSize: 3, outputSize: 2, configuration: .init())
        try kfac.updateCurvature(with: capture(poisoned: false))
        let before = try JSONCoding.encoder.encode(kfac)
        #expect(throws: LinearAlgebraError.self) { try kfac.updateCurvature(with: capture(poisoned: true)) }
        #expect(try JSONCoding.encoder.encode(kfac) == before)
    }

    @Test func badConfigurationsAndCorruptStateThrow() throws {
        let model = try TestModels.tanhNetwork(Double.self, inputs: 2, hidden: 3, outputs: 2, seed: 1)
        for configuration in [LowRankKFACBlock<Double>.Configuration(rank: 0), .init(oversampling: -1),
                              .init(oversampling: .max), .init(powerIterations: -1), .init(powerIterations: .max),
                              .init(rank: .max), .init(correctionColumns: 0), .init(options: .init(damping: 0))] {
            #expect(throws: OptimizerError.self) { try LowRankKFAC<Double>(model: model, configuration: configuration) }
        }
        let block = try LowRankKFACBlock<Double>(inputSize: 3, outputSize: 2, configuration: .init(method: .brand))
        #expect(throws: OptimizerError.self) { try block.preconditioned(Matrix(rows: 2, columns: 3)) }
        // A B-KFAC block decoded with dense factors, or a decomposition of the wrong order, is corrupt.
        var json = try JSONCoding.object(block)
        #expect(throws: Never.self) { try JSONCoding.decode(LowRankKFACBlock<Double>.self, from: json) }
        var configuration = try #require(json["configuration"] as? [String: Any])
        configuration["method"] = "rs-kfac"
        json["configuration"] = configuration
        #expect(throws: DecodingError.self) { try JSONCoding.decode(LowRankKFACBlock<Double>.self, from: json) }
        configuration["rank"] = -3
        json["configuration"] = configuration
        #expect(throws: DecodingError.self) { try JSONCoding.decode(LowRankKFACBlock<Double>.self, from: json) }
    }
}
