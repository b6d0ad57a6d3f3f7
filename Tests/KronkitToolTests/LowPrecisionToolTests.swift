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
    }
}
