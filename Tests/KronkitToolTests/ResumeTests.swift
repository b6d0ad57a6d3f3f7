import CurvatureOptimizers
import DenseLinearAlgebra
import Foundation
import Testing
@testable import KronkitTool

@Suite("Interrupt and resume")
struct ResumeTests {
    /// The loop state saved in a checkpoint's user info.
    func loopState<O: Optimizer>(_ checkpoint: TrainingCheckpoint<O>) throws -> LoopState {
        try LoopState(json: try #require(checkpoint.userInfo["loop"]))
    }

    /// Runs `method` for 8 steps straight, and again stopped after `stopStep` steps and resumed;
    /// both must end with bit-identical parameters, optimizer step count and metrics.
    func compareTrajectories<O: Optimizer>(_ type: O.Type, method: String, precision: String, stopStep: Int) throws {
        // Curvature methods refresh often in so short a run; first-order methods refuse the periods.
        let periods = try OptimizerMethod(named: method).isFirstOrder
            ? [] : ["--factor-update-period", "1", "--inverse-update-period", "2"]
        let base = ["train", "--optimizer", method, "--precision", precision, "--steps", "8"] + periods + tinyRun
        let straightFolder = temporaryFolder(), splitFolder = temporaryFolder()
        let straight = ToolHarness.run(base + ["-o", straightFolder])
        #expect(straight.status == 0, "\(straight.errors)")

        let interrupted = ToolHarness.run(base + ["-o", splitFolder], stop: { $0 >= stopStep })
        #expect(interrupted.status == 130)
        let checkpointPath = splitFolder + "/checkpoint.npz"
        #expect(interrupted.output.contains("Interrupted at step \(stopStep). Resume with: kronkit train"))
        #expect(interrupted.output.contains("--resume \(checkpointPath)"))
        let partial = try TrainingCheckpoint<O>.read(from: checkpointPath)
        #expect(try loopState(partial).step == stopStep)

        let resumed = ToolHarness.run(base + ["-o", splitFolder, "--resume", checkpointPath])
        #expect(resumed.status == 0, "\(resumed.errors)")
        #expect(resumed.output.contains("Resuming \(method) at step \(stopStep)"))

        let a = try TrainingCheckpoint<O>.read(from: straightFolder + "/checkpoint.npz")
        let b = try TrainingCheckpoint<O>.read(from: checkpointPath)
        #expect(a.parameters == b.parameters)
        #expect(a.optimizer.stepCount == 8 && b.optimizer.stepCount == 8)
        let (stateA, stateB) = (try loopState(a), try loopState(b))
        #expect(stateA.metrics.map(\.withoutTimes) == stateB.metrics.map(\.withoutTimes))
        #expect(stateA.epochStart == stateB.epochStart && stateA.batchIndex == stateB.batchIndex)
    }

    // 6 batches per epoch: stopping after 3 steps is mid-epoch, after 6 on the epoch boundary.
    @Test("K-FAC resumed mid-epoch and at an epoch boundary continues the same trajectory (float32)",
          arguments: [3, 6])
    func kfacFloat(stopStep: Int) throws {
        try compareTrajectories(KFAC<Float>.self, method: "kfac", precision: "float32", stopStep: stopStep)
    }

    @Test("EKFAC in float64 and Adam resume exactly")
    func otherMethods() throws {
        try compareTrajectories(EKFAC<Double>.self, method: "ekfac", precision: "float64", stopStep: 5)
        try compareTrajectories(Adam<Float>.self, method: "adam", precision: "float32", stopStep: 1)
    }

    @Test("periodic checkpoints are written every N steps")
    func periodicCheckpoint() throws {
        let folder = temporaryFolder()
        let run = ToolHarness.run(["train", "--optimizer", "sgd", "--steps", "5", "--checkpoint-every", "2", "-o", folder]
            + tinyRun, stop: { $0 >= 4 })
        #expect(run.status == 130)
        let checkpoint = try TrainingCheckpoint<StochasticGradientDescent<Float>>.read(from: folder + "/checkpoint.npz")
        #expect(checkpoint.optimizer.stepCount == 4)
    }

    @Test("the resume command keeps the flags, replaces an earlier --resume and quotes for the shell")
    func resumeCommand() throws {
        let train = try Train.parse([])
        let command = train.resumeCommand(["kronkit", "train", "--resume", "old.json", "-o", "my run"],
                                          checkpoint: "my run/checkpoint.npz")
        #expect(command == "kronkit train -o 'my run' --resume 'my run/checkpoint.npz'")
    }
}
