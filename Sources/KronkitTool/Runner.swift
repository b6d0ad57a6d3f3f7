import CurvatureOptimizers
import DenseLinearAlgebra
import Distributed
import Foundation
import NeuralNetworks

/// Runs methods on one data set and model: what `kronkit train` and `kronkit compare` share.
///
/// The chain `run` → `run(model:loss:)` → `run(session:)` picks the loss from the
/// model's task, builds the optimizer as an existential and opens it, so the loop runs
/// with the concrete optimizer type (and can read a checkpoint of that type).
struct Runner {
    let options: TrainingOptions
    let console: Console
    /// Polled after every step with the steps done; `true` stops the run (Ctrl-C).
    let shouldStop: (Int) -> Bool
    /// Where `train` writes its checkpoint (periodically, when stopped, at the end); nil for `compare`.
    var checkpointPath: String?
    /// Steps between periodic checkpoints.
    var checkpointEvery: Int?
    /// A checkpoint to continue from.
    var resumePath: String?
    /// Seconds between plain progress lines when the console is not a terminal.
    var lineInterval = 5.0
    /// The target `compare` measures steps to, from a run's step-0 row: rows are then recorded
    /// at every step near it (see ``TrainingSession/fineTarget``).
    var fineTarget: (@Sendable (MetricsRow) -> RunRecord.Target)?
    /// Name progress lines `METHOD seed S` (runs of several seeds) instead of `METHOD`.
    var namesSeeds = false
    /// The processes of a data-parallel run (`mpirun -np P kronkit …`): each trains on its slice of
    /// every batch, and only rank 0 writes checkpoints. One process by default.
    var communicator: any Communicator = SingleProcessCommunicator()

    /// A training loss more than this many times the first step's draws a warning.
    static var divergenceFactor: Double { 10 }

    /// `, or more --damping` for a method with a damping option (K-FAC's or SINGD's), else nothing.
    static func dampingHint(_ method: OptimizerMethod) -> String {
        let damping = method.entry.options.first { $0 == .damping || $0 == .singdDamping }
        return damping.map { ", or more \($0.flag)" } ?? ""
    }

    /// Trains `method` on `data` from the seeded initial model (or the checkpoint) to the end of the run.
    /// - Parameter seed: the seed of the initial weights, the batch order and the Monte-Carlo Fisher
    ///   (default `--seed`).
    /// - Throws: errors of configuration and resume (before the first step); a run that diverges or
    ///   fails during training (an optimizer error, a checkpoint that cannot be written) returns a
    ///   failed record with its rows so far instead, so its results can still be written.
    func run<Scalar: LinearAlgebraScalar>(_ method: OptimizerMethod, data: TrainingData<Scalar>, seed: UInt64? = nil) throws
        -> RunRecord {
        let seed = seed ?? options.seed
        var generator = Xoshiro256StarStar(seed: seed)
        let model = try options.model.build(featureCount: data.train.featureCount, classCount: data.train.classCount,
                                            hidden: options.hiddenWidths, transformer: options.transformer.shape,
                                            as: Scalar.self, using: &generator)
        switch options.model.task {
        case .classification: return try run(method, model: model, loss: SoftmaxCrossEntropy<Scalar>(), data: data, seed: seed)
        case .reconstruction: return try run(method, model: model, loss: SquaredError<Scalar>(), data: data, seed: seed)
        }
    }

    private func run<L: Loss>(_ method: OptimizerMethod, model: Sequential<L.Scalar>, loss: L, data: TrainingData<L.Scalar>,
                              seed: UInt64) throws -> RunRecord {
        let batches = data.train.count / options.batchSize
        let totalSteps = options.totalSteps(batchesPerEpoch: max(batches, 1))
        let optimizer = try options.settings(totalSteps: totalSteps)
            .makeOptimizer(method, model: model, seed: seed ^ 0x6F70_7469_6D69_7A65)
        if let storage = options.precision.storage {
            if storage == .float16, method == .adam || method == .adamw {
                // Measured in Notes/RESULTS.md ("Low precision"): 3 of 3 seeds blew up within 4 steps.
                console.printError("warning: \(method.rawValue) stores its second moments in float16, where squared "
                    + "batch-mean gradients (≈ 1e-9 … 1e-13) underflow to 0 and its steps blow up within a few steps; "
                    + "bfloat16 keeps them (Notes/RESULTS.md, low precision)")
            }
            // bfloat16/float16: the model and the optimizer's state stored rounded, the data too.
            func stored<O: Optimizer>(_ optimizer: O) throws -> any Optimizer<L.Scalar> where O.Scalar == L.Scalar {
                try LowPrecisionOptimizer(optimizer, precision: storage, lossScaling: options.lossScaling(for: storage))
            }
            var rounded = data
            rounded.train = try LabeledDataSet(features: storage.rounded(data.train.features), labels: data.train.labels,
                                               classCount: data.train.classCount)
            rounded.test = try LabeledDataSet(features: storage.rounded(data.test.features), labels: data.test.labels,
                                              classCount: data.test.classCount)
            return try run(method, model: model.storing(in: storage), optimizer: stored(optimizer), loss: loss,
                           data: rounded, totalSteps: totalSteps, seed: seed)
        }
        return try run(method, model: model, optimizer: optimizer, loss: loss, data: data, totalSteps: totalSteps,
                       seed: seed)
    }

    private func run<O: Optimizer, L: Loss>(_ method: OptimizerMethod, model: Sequential<O.Scalar>, optimizer: O, loss: L,
                                            data: TrainingData<O.Scalar>, totalSteps: Int, seed: UInt64) throws
        -> RunRecord where L.Scalar == O.Scalar {
        // The shuffle stream is the initialisation stream after a jump: independent of it.
        var shuffle = Xoshiro256StarStar(seed: seed)
        shuffle.jump()
        var session = try TrainingSession(model: model, optimizer: optimizer, loss: loss, data: data,
                                          task: options.model.task, batchSize: options.batchSize,
                                          evaluationPeriod: options.evalEvery, shuffle: shuffle,
                                          communicator: communicator)
        session.fineTarget = fineTarget
        var identity = try options.identity(method: method, totalSteps: totalSteps)
        identity["--seed"] = "\(seed)"
        let name = namesSeeds ? "\(method.rawValue) seed \(seed)" : method.rawValue
        if let resumePath {
            let saved = try CheckpointFile.identity(at: resumePath)
            // The method first: another method's checkpoint differs in its options too.
            let keys = ["--optimizer"] + identity.keys.sorted().filter { $0 != "--optimizer" }
            for key in keys where saved[key] != identity[key] {
                throw ToolError.resumeMismatch(
                    path: resumePath, reason: "it was written with \(key) \(saved[key] ?? "unset"), this run has "
                        + "\(key) \(identity[key] ?? "unset"); resume with the flags of the run that wrote it")
            }
            try session.restore(from: try CheckpointFile.read(TrainingCheckpoint<O>.self, from: resumePath),
                                path: resumePath, totalSteps: totalSteps)
            console.print("Resuming \(method.rawValue) at step \(session.state.step) from \(resumePath)")
        }
        let epochs = (totalSteps + session.batchesPerEpoch - 1) / session.batchesPerEpoch
        var reporter = ProgressReporter(console: console, lineInterval: lineInterval)
        func status(_ session: TrainingSession<O, L>) -> ProgressReporter.Status {
            let last = session.state.metrics.last
            return .init(run: name, epoch: session.state.epoch, epochs: epochs, step: session.state.step,
                         totalSteps: totalSteps, loss: session.state.trainLoss,
                         accuracy: last?.testAccuracy, elapsed: session.state.elapsed)
        }
        let outcome: RunRecord.Outcome
        do {
            var warned = false
            let finished = try session.run(totalSteps: totalSteps, shouldStop: shouldStop) { session in
                reporter.update(status(session))
                if !warned, let first = session.state.initialLoss, let loss = session.state.recentLosses.last,
                   loss > Self.divergenceFactor * first {
                    warned = true
                    console.printError("warning: \(method.rawValue): the training loss \(Report.number(loss)) at step "
                        + "\(session.state.step) is more than \(Int(Self.divergenceFactor))× the first step's "
                        + "\(Report.number(first)); the run may be diverging (a smaller --learning-rate"
                        + Self.dampingHint(method) + ")")
                }
                if let checkpointPath, let checkpointEvery, session.state.step % checkpointEvery == 0, communicator.isRoot {
                    try CheckpointFile.write(session.checkpoint(userInfo: identity), to: checkpointPath)
                }
            }
            if let checkpointPath, communicator.isRoot {
                try CheckpointFile.write(session.checkpoint(userInfo: identity), to: checkpointPath)
            }
            outcome = finished ? .finished : .interrupted(step: session.state.step, checkpoint: checkpointPath)
        } catch let error as ToolError {
            if case .diverged = error {
                outcome = .failed(error.description)
            } else {
                outcome = .failed("\(method.rawValue) stopped after \(session.state.step) steps: \(error.description)")
            }
        } catch {
            // A LAPACK error, an unwritable checkpoint…: the rows so far are kept for the report.
            outcome = .failed("\(method.rawValue) stopped after \(session.state.step) steps: "
                + Kronkit.oneLine(Kronkit.toolMessage(for: error)))
        }
        reporter.update(status(session), final: true)
        return RunRecord(method: method, rows: session.state.metrics,
                         stateBytes: session.optimizer.stateSize
                             * (options.precision.storage?.bytesPerValue ?? MemoryLayout<O.Scalar>.size),
                         totalSteps: totalSteps, finalStep: session.state.step, finalSeconds: session.state.elapsed,
                         outcome: outcome, seed: seed,
                         lossScaling: (session.optimizer as? any LossScaledOptimizer).flatMap {
                             // Unscaled runs (bfloat16's default) have nothing to report.
                             $0.scaler.scaling == .none ? nil : .init($0.scaler)
                         })
    }
}
