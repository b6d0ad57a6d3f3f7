import CurvatureOptimizers
import Foundation

/// One evaluation point of a run: a row of `metrics.csv`.
struct MetricsRow: Codable, Equatable, Sendable {
    /// Optimizer steps taken.
    var step: Int
    /// The epoch the step belongs to (1-based; 0 before training).
    var epoch: Int
    /// Wall-clock seconds spent in training steps so far (evaluations and checkpoints excluded).
    var seconds: Double
    /// The mean batch loss over the steps since the previous row (nil at step 0).
    var trainLoss: Double?
    /// The loss on the whole test set.
    var testLoss: Double
    /// The test accuracy of a classifier (nil for the autoencoder).
    var testAccuracy: Double?
    /// The optimizer's cumulative seconds per phase.
    var timings: PhaseTimings

    /// The same row without its clock readings, for comparing two runs of one trajectory.
    var withoutTimes: MetricsRow {
        var row = self
        row.seconds = 0
        row.timings = PhaseTimings()
        return row
    }

    static let csvHeader = "method,step,epoch,seconds,train_loss,test_loss,test_accuracy,"
        + "forward_backward_seconds,factor_update_seconds,inversion_seconds,application_seconds,seed"

    /// The CSV line of this row for `method`'s run with `seed` (missing values empty).
    func csvLine(method: String, seed: UInt64) -> String {
        func value(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
        func time(_ x: Double) -> String { String(format: "%.6f", x) }
        return [method, "\(step)", "\(epoch)", time(seconds), value(trainLoss), value(testLoss), value(testAccuracy),
                time(timings.forwardBackward), time(timings.factorUpdate), time(timings.inversion),
                time(timings.application), "\(seed)"].joined(separator: ",")
    }
}
