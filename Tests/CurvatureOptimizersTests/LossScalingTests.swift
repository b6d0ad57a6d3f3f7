import DenseLinearAlgebra
import NeuralNetworks
import StructuredFactors
import Testing
@testable import CurvatureOptimizers

@Suite("Loss scaling and reported low-precision failures")
struct LossScalingTests {
    typealias Setup = LowPrecisionTrainingTests

    /// A dynamic scale far too large for float16 overflows the scaled gradients: the step is
    /// skipped (weights and state unchanged), and the scale halves until steps succeed.
    @Test func dynamicScalingSkipsOverflowingStepsAndRecovers() throws {
        let (start, input, target) = try Setup.setUp(.float16)
        var model = try start.storing(in: .float16)
        let scaling = LossScaling.dynamic(initial: 0x1p40, growthInterval: 3, factor: 2)
        var optimizer = try LowPrecisionOptimizer(Adam(model: model), precision: .float16, lossScaling: scaling)
        let loss = SoftmaxCrossEntropy<Float>()
        let before = model.parameters
        let first = try optimizer.step(&model, input: input, target: target, loss: loss)
        #expect(first.loss.isFinite)
        #expect(model.parameters == before, "a skipped step leaves the weights as they were")
        #expect(optimizer.scaler.skippedSteps == 1 && optimizer.scaler.scale == 0x1p39)
        #expect(optimizer.wrapped.stepCount == 0 && optimizer.stepCount == 1)
        var calls = 1
        while optimizer.wrapped.stepCount == 0 {
            _ = try optimizer.step(&model, input: input, target: target, loss: loss)
            calls += 1
        }
        #expect(optimizer.scaler.skippedSteps == calls - 1)
        #expect(optimizer.scaler.scale == 0x1p40 / Double(1 << (calls - 1)) && optimizer.scaler.scale >= 1)
        #expect(model.parameters != before)
    }

    /// Dynamic scaling grows after `growthInterval` good steps in a row; an overflow restarts the
    /// count; fixed and no scaling never change.
    @Test func scalerCounts() throws {
        var dynamic = try LossScaler(.dynamic(initial: 8, growthInterval: 3, factor: 2))
        for _ in 0..<2 { dynamic.recordGoodStep() }
        #expect(dynamic.scale == 8)
        #expect(dynamic.recordOverflow() && dynamic.scale == 4 && dynamic.goodSteps == 0)
        for _ in 0..<3 { dynamic.recordGoodStep() }
        #expect(dynamic.scale == 8 && dynamic.skippedSteps == 1)
        var fixed = try LossScaler(.fixed(128))
        #expect(!fixed.recordOverflow() && fixed.scale == 128)
        var none = try LossScaler(.none)
        for _ in 0..<5000 { none.recordGoodStep() }
        #expect(none.scale == 1)
    }

    /// A fixed scale cannot skip: the overflow is reported with its step.
    @Test func fixedScaleOverflowIsReported() throws {
        let (start, input, target) = try Setup.setUp(.float16)
        var model = try start.storing(in: .float16)
        var optimizer = try LowPrecisionOptimizer(StochasticGradientDescent(model: model), precision: .float16,
                                                  lossScaling: .fixed(0x1p40))
        #expect(throws: LowPrecisionTrainingError(step: 1, precision: .float16, kind: .gradientOverflow(lossScale: 0x1p40))) {
            try optimizer.step(&model, input: input, target: target, loss: SoftmaxCrossEntropy<Float>())
        }
    }

    /// Inputs of size ~300 give K-FAC an input factor `A = ããᵀ/b` with entries ~9·10⁴, beyond
    /// float16's 65504: the overflow is reported at step 1 naming the factor, not stored as ∞.
    @Test func float16FactorOverflowIsReportedWithItsStep() throws {
        let (start, input, target) = try Setup.setUp(.float16, inputScale: 300)
        var model = try start.storing(in: .float16)
        var optimizer = try LowPrecisionOptimizer(
            KFAC(model: model, options: Setup.kfacOptions, configuration: .init(options: Setup.blockOptions)),
            precision: .float16)
        do {
            _ = try optimizer.step(&model, input: input, target: target, loss: SoftmaxCrossEntropy<Float>())
            Issue.record("expected a float16 overflow of the K-FAC input factor")
        } catch let error as LowPrecisionTrainingError {
            #expect(error.step == 1 && error.precision == .float16)
            guard case let .stateOverflow(tensor, largest) = error.kind else {
                Issue.record("expected a state overflow, got \(error)")
                return
            }
            #expect(tensor.contains("factors") && largest > 65504, "\(error)")
            #expect(error.description.contains("float16 step 1"))
        }
        // bfloat16 has Float's range: the same step stores the factor.
        let (startB, inputB, targetB) = try Setup.setUp(.bfloat16, inputScale: 300)
        var modelB = try startB.storing(in: .bfloat16)
        var optimizerB = try LowPrecisionOptimizer(
            KFAC(model: modelB, options: Setup.kfacOptions, configuration: .init(options: Setup.blockOptions)),
            precision: .bfloat16)
        _ = try optimizerB.step(&modelB, input: inputB, target: targetB, loss: SoftmaxCrossEntropy<Float>())
    }

    /// K-FAC's Fisher-trace average starts at `d_in·d_out` (90 300 here, beyond float16's
    /// 65504): a scalar statistic, kept in Float, so the setup and the steps succeed, while the
    /// factors themselves are stored in float16.
    @Test func scalarStatisticsStayInFloat() throws {
        var generator = Xoshiro256StarStar(seed: 43)
        var model = try Sequential<Float>([Dense(inputSize: 300, outputSize: 300, using: &generator)])
            .storing(in: .float16)
        let input = StoragePrecision.float16.rounded(try Matrix<Float>.randomGaussian(rows: 300, columns: 8,
                                                                                     using: &generator))
        var optimizer = try LowPrecisionOptimizer(
            KFAC(model: model, options: Setup.kfacOptions, configuration: .init(options: Setup.blockOptions)),
            precision: .float16)
        _ = try optimizer.step(&model, input: input, target: input.scaled(by: 0.5), loss: SquaredError<Float>())
        #expect(optimizer.wrapped.blocks[0].factors.fisherTrace.value[0, 0] == 90_300)
        optimizer.wrapped.blocks[0].factors.input.value.withUnsafeBufferPointer {
            #expect(StoragePrecision.float16.holdsOnlyStoredValues($0))
        }
    }

    @Test func errorsAreClassified() {
        if case .factorizationFailed = LowPrecisionTrainingError.kind(of: LinearAlgebraError.inContext(
            "K-FAC inverse: damped input factor A", underlying: .notPositiveDefinite(operation: "potrf", minor: 3))) {} else {
            Issue.record("a non-SPD factor is a factorisation failure")
        }
        if case .nonFiniteValues = LowPrecisionTrainingError.kind(
            of: LinearAlgebraError.nonFiniteInput(operation: "Dense.setWeight", argument: "weight")) {} else {
            Issue.record("NaN weights are non-finite values")
        }
        #expect(LowPrecisionTrainingError.kind(of: OptimizerError.invalidConfiguration("x")) == nil)
        #expect(LowPrecisionTrainingError.kind(
            of: LinearAlgebraError.dimensionMismatch(operation: "gemm", expected: "a", actual: "b")) == nil)
    }

    @Test func misuseIsRejected() throws {
        let (start, input, target) = try Setup.setUp(.bfloat16)
        var plain = start
        var optimizer = try LowPrecisionOptimizer(Adam(model: plain), precision: .bfloat16)
        #expect(throws: OptimizerError.self) {
            try optimizer.step(&plain, input: input, target: target, loss: SoftmaxCrossEntropy<Float>())
        }
        #expect(throws: OptimizerError.self) {
            try LowPrecisionOptimizer(Adam(model: plain), precision: .float16, lossScaling: .fixed(0))
        }
        #expect(throws: OptimizerError.self) {
            try LowPrecisionOptimizer(Adam(model: plain), precision: .float16,
                                      lossScaling: .dynamic(initial: 8, growthInterval: 0, factor: 2))
        }
        #expect(LossScaling.recommended(for: .float16) == .dynamicDefault)
        #expect(LossScaling.recommended(for: .bfloat16) == LossScaling.none)
    }
}
