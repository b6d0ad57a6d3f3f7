import DenseLinearAlgebra
import Foundation

/// Where a training loop stands, saved in a checkpoint's manifest so that a resumed run
/// continues the same trajectory bit for bit.
struct LoopState: Codable, Equatable, Sendable {
    /// Optimizer steps taken.
    var step = 0
    /// Epochs begun (1-based index of the current epoch; 0 before the first batch).
    var epoch = 0
    /// Batches of the current epoch already used.
    var batchIndex = 0
    /// The shuffle generator as it was before the current epoch's shuffle: the
    /// epoch's batch order is recomputed from it on resume.
    var epochStart: Xoshiro256StarStar
    /// The last (at most ``trainLossWindow``) batch losses, oldest first.
    var recentLosses: [Double] = []
    /// The first step's batch loss, the reference of the divergence warning.
    var initialLoss: Double?
    /// Wall-clock seconds spent in training steps.
    var elapsed = 0.0
    /// Every metrics row so far.
    var metrics: [MetricsRow] = []
    /// Rows recorded between evaluation periods because a comparison's target was near.
    var approachRows = 0

    /// Batch losses averaged into a row's `train_loss`: a fixed trailing window, so the value
    /// at a step does not depend on how often rows are recorded (`--eval-every`).
    static var trainLossWindow: Int { 20 }

    /// The state as the JSON text stored in a checkpoint's user info (NaN and ±∞, possible in a
    /// test loss, as the strings `nan`, `inf`, `-inf`).
    /// - Throws: `EncodingError` only for a value JSON cannot hold.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                      nan: "nan")
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The state from the text written by ``json()``.
    /// - Throws: `DecodingError` for text that does not hold a loop state.
    init(json text: String) throws {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                        nan: "nan")
        self = try decoder.decode(LoopState.self, from: Data(text.utf8))
    }

    /// The state before the first step, the batch order to be drawn from `shuffle`.
    init(shuffle: Xoshiro256StarStar) {
        epochStart = shuffle
    }

    /// The mean of the last ``trainLossWindow`` batch losses, or nil before the first step.
    var trainLoss: Double? {
        recentLosses.isEmpty ? nil : recentLosses.reduce(0, +) / Double(recentLosses.count)
    }

    /// Appends a step's batch loss to the window.
    mutating func recordLoss(_ value: Double) {
        if initialLoss == nil { initialLoss = value }
        recentLosses.append(value)
        if recentLosses.count > Self.trainLossWindow { recentLosses.removeFirst(recentLosses.count - Self.trainLossWindow) }
    }

    /// Why this state cannot belong to a run of `totalSteps` steps over `batchesPerEpoch` batches
    /// per epoch whose optimizer has taken `optimizerSteps` steps, or nil when it can: every
    /// index and counter is bounded and consistent with the others (a hand-edited or corrupt
    /// checkpoint is refused before it can index out of range).
    func inconsistency(batchesPerEpoch: Int, totalSteps: Int, optimizerSteps: Int) -> String? {
        guard step >= 0, epoch >= 0, batchIndex >= 0 else {
            return "negative counters (step \(step), epoch \(epoch), batch \(batchIndex))"
        }
        guard step <= totalSteps else {
            return "it is at step \(step), beyond this run's \(totalSteps) steps (give --steps or --epochs to cover it)"
        }
        guard epoch <= totalSteps + 1 else { return "it is in epoch \(epoch), beyond this run's \(totalSteps) steps" }
        guard batchIndex <= batchesPerEpoch else {
            return "batch index \(batchIndex) exceeds the \(batchesPerEpoch) batches of an epoch"
        }
        let expectedStep = epoch == 0 ? 0 : (epoch - 1) * batchesPerEpoch + batchIndex
        guard step == expectedStep, epoch > 0 || batchIndex == 0 else {
            return "step \(step) does not match epoch \(epoch), batch \(batchIndex) of \(batchesPerEpoch) per epoch"
        }
        guard optimizerSteps == step else {
            return "the optimizer has taken \(optimizerSteps) steps, the training loop \(step)"
        }
        guard recentLosses.count <= min(step, Self.trainLossWindow), recentLosses.allSatisfy(\.isFinite),
              initialLoss.map(\.isFinite) ?? (step == 0) else {
            return "its recorded training losses do not fit step \(step)"
        }
        guard approachRows >= 0, approachRows <= metrics.count else {
            return "its count of rows near the target (\(approachRows)) exceeds its \(metrics.count) rows"
        }
        guard elapsed.isFinite, elapsed >= 0 else { return "elapsed time \(elapsed) is not a duration" }
        let steps = metrics.map(\.step)
        guard zip(steps, steps.dropFirst()).allSatisfy({ $0 < $1 }), (steps.last ?? 0) <= step,
              (steps.first ?? 0) >= 0 else {
            return "its metrics rows are not at increasing steps up to \(step)"
        }
        return nil
    }
}
