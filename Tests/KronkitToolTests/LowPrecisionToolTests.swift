import CurvatureOptimizers
import DenseLinearAlgebra
import Foundation
import Testing
@testable import KronkitTool

@Suite("--precision bfloat16/float16 and --loss-scale")
struct LowPrecisionToolTests {
    @Test("K-FAC and Adam in bfloat16 resume bit for bit through the tool, their checkpoints hold bfloat16 values")
    func resumeInBFloat16() throws {
        try ResumeTests().compareTrajectories(LowPrecisionOptimizer<KFAC<Float>>.self, method: "kfac",
                                              precision: "bfloat16", stopStep: 3)
        try ResumeTests().compareTrajectories(LowPrecisionOptimizer<Adam<Float>>.self, method: "adam",
                                              precision: "bfloat16", stopStep: 2)
        let folder = temporaryFolder()
        let run = ToolHarness.run(["train", "--optimizer", "kfac", "--precision", "bfloat16", "--steps", "3",
                                   "-o", folder] + tinyRun)
        #expect(run.status == 0, "\(run.errors)")
        let checkpoint = try TrainingCheckpoint<LowPrecisionOptimizer<KFAC<Float>>>.read(from: folder + "/checkpoint.npz")
        #expect(checkpoint.optimizer.precision == .bfloat16 && checkpoint.optimizer.scaler.scaling == LossScaling.none)
        for parameter in checkpoint.parameters {
            parameter.withUnsafeBufferPointer { #expect(StoragePrecision.bfloat16.holdsOnlyStoredValues($0)) }
        }
        // Another precision is another run: resuming it as float32 or float16 is refused.
        for other in ["float32", "float16"] {
            let resumed = ToolHarness.run(["train", "--optimizer", "kfac", "--precision", other, "--steps", "4",
                                           "-o", temporaryFolder("resume-\(other)"),
                                           "--resume", folder + "/checkpoint.npz"] + tinyRun)
            #expect(resumed.status != 0 && resumed.errors.contains("cannot resume"), "\(resumed.errors)")
        }
    }

    @Test("float16 uses dynamic loss scaling by default, a fixed scale on request; float32 refuses --loss-scale")
    func lossScaleFlag() throws {
        #expect(try Train.parse(["--precision", "float16"]).options.lossScaling(for: .float16) == .dynamicDefault)
        #expect(try Train.parse(["--precision", "bfloat16"]).options.lossScaling(for: .bfloat16) == LossScaling.none)
        #expect(try Train.parse(["--precision", "float16", "--loss-scale", "1024"]).options.lossScale == .fixed(1024))
        #expect(try Train.parse(["--precision", "bfloat16", "--loss-scale", "dynamic"]).options.lossScale == .dynamicDefault)
        #expect(throws: (any Error).self) { try Train.parse(["--precision", "float32", "--loss-scale", "8"]) }
        #expect(throws: (any Error).self) { try Train.parse(["--precision", "float16", "--loss-scale", "-2"]) }
        let folder = temporaryFolder()
        let run = ToolHarness.run(["compare", "--optimizers", "sgd,singd", "--precision", "float16", "--steps", "3",
                                   "-o", folder] + tinyRun)
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("float16"))
        #expect(!run.errors.contains("second moments"), "\(run.errors)")
        // Adam's second moments underflow in float16 (measured: every seed blew up): said before it runs.
        let adam = ToolHarness.run(["train", "--optimizer", "adam", "--precision", "float16", "--steps", "1",
                                    "-o", folder + "/adam"] + tinyRun)
        #expect(adam.errors.contains("warning: adam stores its second moments in float16"), "\(adam.errors)")
    }

    @Test("train prints the steps dynamic loss scaling skipped and the final scale, as the checkpoint holds them; unscaled runs print none")
    func trainPrintsLossScaling() throws {
        let folder = temporaryFolder()
        let run = ToolHarness.run(["train", "--optimizer", "kfac", "--precision", "float16", "--steps", "3",
                                   "-o", folder] + tinyRun)
        #expect(run.status == 0, "\(run.errors)")
        let scaler = try TrainingCheckpoint<LowPrecisionOptimizer<KFAC<Float>>>.read(from: folder + "/checkpoint.npz")
            .optimizer.scaler
        #expect(run.output.contains("Loss scaling: \(scaler.skippedSteps) steps skipped (scaled gradients overflowed), "
            + "final loss scale \(RunRecord.LossScalingOutcome.scaleText(scaler.scale))"), "\(run.output)")
        let plain = ToolHarness.run(["train", "--optimizer", "kfac", "--steps", "2", "-o", temporaryFolder("plain")] + tinyRun)
        #expect(plain.status == 0 && !plain.output.contains("Loss scaling"))
        // bfloat16 runs unscaled by default: no scale to report.
        let unscaled = ToolHarness.run(["train", "--optimizer", "kfac", "--precision", "bfloat16", "--steps", "2",
                                        "-o", temporaryFolder("unscaled")] + tinyRun)
        #expect(unscaled.status == 0 && !unscaled.output.contains("Loss scaling"), "\(unscaled.output)")
    }

    @Test("compare's tables show skipped steps and the final loss scale of low-precision runs only")
    func tablesShowLossScaling() throws {
        func record(_ seed: UInt64, skipped: Int?, scale: Double) throws -> RunRecord {
            let row = MetricsRow(step: 10, epoch: 1, seconds: 1, trainLoss: 0.5, testLoss: 0.5, testAccuracy: 0.9,
                                 timings: PhaseTimings())
            var record = RunRecord(method: .kfac, rows: [row], stateBytes: 1000, totalSteps: 10, finalStep: 10,
                                   finalSeconds: 1, outcome: .finished, seed: seed)
            if let skipped {
                var scaler = try LossScaler(.dynamic(initial: scale * pow(2, Double(skipped)), growthInterval: 2000, factor: 2))
                for _ in 0..<skipped { _ = scaler.recordOverflow() }
                record.lossScaling = .init(scaler)
            }
            return record
        }
        let target = RunRecord.Target.accuracy(0.9)
        let scaled = Report.comparisonTable([try record(0, skipped: 3, scale: 16384)], target: target)
        #expect(scaled.contains("| loss scaling |") && scaled.contains("| 3 skipped, S = 16384 |"), "\(scaled)")
        let plain = Report.comparisonTable([try record(0, skipped: nil, scale: 1)], target: target)
        #expect(!plain.contains("loss scaling"))
        let seeds = Report.seedTable(SeedSummary.grouped([try record(0, skipped: 0, scale: 65536),
                                                          try record(1, skipped: 3, scale: 8192),
                                                          try record(2, skipped: 1, scale: 32768)], target: target),
                                     target: target)
        #expect(seeds.contains("| skipped steps | final loss scale |") && seeds.contains("| 0, 3, 1 | 65536, 8192, 32768 |"),
                "\(seeds)")
    }
}
