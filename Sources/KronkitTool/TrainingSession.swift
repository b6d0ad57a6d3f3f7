import CurvatureOptimizers
import DenseLinearAlgebra
import Distributed
import Foundation
import NeuralNetworks

/// One training run: a model with its optimizer and loss, the data, and the loop's
/// position (``LoopState``). Written once, generic over the precision (`O.Scalar`),
/// the optimizer and the loss.
///
/// Each epoch draws a fresh batch order from a seeded generator (Fisher–Yates, full
/// batches only, so every K-FAC statistic has the same batch size); a metrics row
/// (test loss and accuracy on the whole test set) is recorded at step 0, every
/// `evaluationPeriod` steps and at the end, and at every step while a ``fineTarget`` is
/// close but not yet reached (so the step that reaches it is known exactly).
struct TrainingSession<O: Optimizer, L: Loss> where L.Scalar == O.Scalar {
    typealias Scalar = O.Scalar

    var model: Sequential<Scalar>
    var optimizer: O
    let loss: L
    let data: TrainingData<Scalar>
    let task: ModelKind.Task
    let batchSize: Int
    let evaluationPeriod: Int
    private(set) var state: LoopState
    /// The live shuffle generator (after the current epoch's shuffle).
    private var generator: Xoshiro256StarStar
    /// The current epoch's example order, nil before the first epoch.
    private var order: [Int]?
    private let testTarget: Matrix<Scalar>
    /// The target a comparison measures steps to, from the run's step-0 row; nil for none.
    var fineTarget: (@Sendable (MetricsRow) -> RunRecord.Target)?
    /// The processes of a data-parallel run: every one draws the same batch order and steps on its
    /// slice of each batch (``/Distributed/Communicator/shard(of:)``).
    let communicator: any Communicator

    /// - Parameters:
    ///   - shuffle: draws each epoch's batch order.
    ///   - communicator: the processes that share each batch (one by default).
    /// - Throws: ``ToolError/incompatibleData(_:)`` when there are fewer training examples than a batch, or
    ///   a batch that does not split into equal slices, one per process.
    init(model: Sequential<Scalar>, optimizer: O, loss: L, data: TrainingData<Scalar>, task: ModelKind.Task,
         batchSize: Int, evaluationPeriod: Int, shuffle: Xoshiro256StarStar,
         communicator: any Communicator = SingleProcessCommunicator()) throws {
        guard data.train.count >= batchSize else {
            throw ToolError.incompatibleData("\(data.train.count) training examples do not fill one batch of \(batchSize)")
        }
        guard batchSize % communicator.size == 0 else {
            throw ToolError.incompatibleData("--batch-size \(batchSize) does not split into \(communicator.size) equal "
                + "slices, one per process; choose a multiple of \(communicator.size)")
        }
        self.communicator = communicator
        (self.model, self.optimizer, self.loss, self.data, self.task) = (model, optimizer, loss, data, task)
        self.batchSize = batchSize
        self.evaluationPeriod = evaluationPeriod
        state = LoopState(shuffle: shuffle)
        generator = state.epochStart
        testTarget = task == .classification ? try data.test.oneHotLabels : data.test.features
    }

    /// Full batches per pass over the training data.
    var batchesPerEpoch: Int { data.train.count / batchSize }

    /// The model, optimizer and loop position saved with `userInfo` (the run's identity)
    /// under the key `"loop"` for the loop state.
    func checkpoint(userInfo: [String: String]) throws -> TrainingCheckpoint<O> {
        var info = userInfo
        info["loop"] = try state.json()
        return TrainingCheckpoint(model: model, optimizer: optimizer, userInfo: info)
    }

    /// Continues from `checkpoint`: parameters, optimizer state and loop position.
    /// - Throws: ``ToolError/resumeMismatch(path:reason:)`` when it holds no loop state or one that
    ///   does not fit this run of `totalSteps` steps (see ``LoopState/inconsistency(batchesPerEpoch:totalSteps:optimizerSteps:)``);
    ///   ``OptimizerError/modelMismatch(_:)`` for another model.
    mutating func restore(from checkpoint: TrainingCheckpoint<O>, path: String, totalSteps: Int) throws {
        guard let text = checkpoint.userInfo["loop"] else {
            throw ToolError.resumeMismatch(path: path, reason: "it holds no kronkit training-loop state")
        }
        let restored: LoopState
        do {
            restored = try LoopState(json: text)
        } catch {
            throw ToolError.resumeMismatch(path: path, reason: "its training-loop state is malformed (\(Self.describe(error)))")
        }
        if let problem = restored.inconsistency(batchesPerEpoch: batchesPerEpoch, totalSteps: totalSteps,
                                                optimizerSteps: checkpoint.optimizer.stepCount) {
            throw ToolError.resumeMismatch(path: path, reason: problem)
        }
        try checkpoint.restore(into: &model)
        optimizer = checkpoint.optimizer
        state = restored
        generator = state.epochStart
        order = state.epoch > 0 ? try shuffledOrder() : nil
    }

    /// Trains until `totalSteps` steps are done or `shouldStop(step)` holds after a step.
    /// - Parameters:
    ///   - afterStep: called after every step (progress display, periodic checkpoints).
    /// - Returns: `true` when `totalSteps` was reached, `false` when stopped early.
    /// - Throws: ``ToolError/diverged(method:step:)`` for a non-finite loss; the optimizer's errors.
    mutating func run(totalSteps: Int, shouldStop: (Int) -> Bool, afterStep: (Self) throws -> Void) throws -> Bool {
        if state.metrics.isEmpty { try record() }
        while state.step < totalSteps {
            let batch = try nextBatch()
            let target = task == .classification ? try batch.oneHotLabels : batch.features
            let start = ContinuousClock.now
            let value: Double
            do {
                value = Double(try optimizer.step(&model, input: batch.features, target: target, loss: loss,
                                                  communicator: communicator).loss)
            } catch let error as LinearAlgebraError {
                // Weights or activations overflowed (possibly inside a curvature block, so the
                // error may carry its context): the run diverged within this step.
                guard case .nonFiniteInput = error.rootCause else { throw error }
                throw ToolError.diverged(method: optimizer.name, step: state.step + 1)
            }
            state.elapsed += Self.seconds(since: start)
            state.step += 1
            guard value.isFinite else { throw ToolError.diverged(method: optimizer.name, step: state.step) }
            state.recordLoss(value)
            if state.step % evaluationPeriod == 0 || state.step == totalSteps {
                try record()
            } else if isApproachingTarget {
                state.approachRows += 1
                try record()
            }
            try afterStep(self)
            if state.step < totalSteps, shouldStop(state.step) { return false }
        }
        return true
    }

    /// The test loss and, for a classifier, the test accuracy of the current model.
    func evaluate() throws -> (loss: Double, accuracy: Double?) {
        let output = try model.predict(data.test.features)
        let value = Double(try loss.value(output: output, target: testTarget))
        guard task == .classification else { return (value, nil) }
        return (value, try SoftmaxCrossEntropy<Scalar>.accuracy(logits: output, labels: data.test.labels))
    }

    /// Appends a metrics row for the current step.
    private mutating func record() throws {
        let (testLoss, accuracy) = try evaluate()
        state.metrics.append(MetricsRow(step: state.step, epoch: state.epoch, seconds: state.elapsed,
                                        trainLoss: state.trainLoss, testLoss: testLoss, testAccuracy: accuracy,
                                        timings: optimizer.timings))
    }

    /// Whether the last row is close to ``fineTarget``, no row has reached it yet, and fewer than
    /// ``RunRecord/approachRowLimit`` rows were recorded for it (a run on a plateau just short of
    /// the target would otherwise be evaluated at every step to its end).
    private var isApproachingTarget: Bool {
        guard let fineTarget, state.approachRows < RunRecord.approachRowLimit, let first = state.metrics.first,
              let last = state.metrics.last else { return false }
        let target = fineTarget(first)
        guard !state.metrics.contains(where: target.isReached) else { return false }
        switch target {
        case let .accuracy(threshold): return (last.testAccuracy ?? 0) >= threshold - RunRecord.approachMargin
        case let .loss(threshold): return last.testLoss <= threshold * (1 + RunRecord.approachMargin)
        }
    }

    /// The next full batch, starting a new epoch (and shuffle) when the current one is used up.
    private mutating func nextBatch() throws -> LabeledDataSet<Scalar> {
        let order: [Int]
        if let current = self.order, state.batchIndex < batchesPerEpoch {
            order = current
        } else {
            state.epochStart = generator
            state.epoch += 1
            state.batchIndex = 0
            order = try shuffledOrder()
            self.order = order
        }
        let start = state.batchIndex * batchSize
        state.batchIndex += 1
        // This process's slice of the batch (all of it in one process).
        let slice = try communicator.shard(of: batchSize)
        return try data.train.subset(Array(order[start + slice.lowerBound..<start + slice.upperBound]))
    }

    /// Draws the current epoch's order from `generator`, which must be at `state.epochStart`.
    private mutating func shuffledOrder() throws -> [Int] {
        try data.train.miniBatches(size: batchSize, dropLast: true, using: &generator).order
    }

    /// A decoding error in a few words: the field at fault and what went wrong.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case let .keyNotFound(key, context): return "no \((path(context).isEmpty ? "" : path(context) + ".") + key.stringValue)"
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
