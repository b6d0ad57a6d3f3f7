import DenseLinearAlgebra

/// Where a training loop stands, saved in a checkpoint's `userInfo` so that a
/// resumed run continues the same trajectory bit for bit.
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
    /// Sum and number of batch losses since the last metrics row.
    var lossSum = 0.0
    var lossCount = 0
    /// Wall-clock seconds spent in training steps.
    var elapsed = 0.0
    /// Every metrics row so far.
    var metrics: [MetricsRow] = []

    /// The state before the first step, the batch order to be drawn from `shuffle`.
    init(shuffle: Xoshiro256StarStar) {
        epochStart = shuffle
    }

    /// The mean batch loss since the last row, or nil when no step was taken since.
    var runningLoss: Double? { lossCount > 0 ? lossSum / Double(lossCount) : nil }
}
