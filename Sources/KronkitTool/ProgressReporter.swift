import Foundation

/// Training progress for a person watching: a live bar redrawn in place on a
/// terminal, plain periodic lines when standard output is a file or a CI log.
struct ProgressReporter {
    /// What one update shows.
    struct Status: Equatable {
        var run: String
        var epoch: Int
        var epochs: Int
        var step: Int
        var totalSteps: Int
        /// The training loss (the mean over the last steps), nil before the first.
        var loss: Double?
        /// The test accuracy at the last evaluation, nil before it or for a regression.
        var accuracy: Double?
        var elapsed: Double
    }

    /// `true` redraws a bar with carriage returns; `false` prints a line every `lineInterval` seconds.
    let interactive: Bool
    /// Seconds of training between plain lines in non-interactive mode.
    let lineInterval: Double
    /// Seconds of training between redraws of the bar.
    let redrawInterval: Double
    private var lastUpdate = -Double.infinity
    private let console: Console

    /// A reporter on `console`: interactive when it is a terminal.
    init(console: Console, lineInterval: Double = 5, redrawInterval: Double = 0.1) {
        interactive = console.isTerminal
        self.lineInterval = lineInterval
        self.redrawInterval = redrawInterval
        self.console = console
    }

    /// Shows `status` if the redraw or line interval has passed since the last update, or if `final`
    /// (the run's last update, which also ends the bar's line).
    mutating func update(_ status: Status, final: Bool = false) {
        let interval = interactive ? redrawInterval : lineInterval
        guard final || status.elapsed - lastUpdate >= interval else { return }
        lastUpdate = status.elapsed
        if interactive {
            console.write("\r\u{1B}[2K" + Self.bar(status) + (final ? "\n" : ""))
        } else {
            console.print(Self.line(status))
        }
    }

    /// `kfac epoch 2/5 ███████░░░░░ step 120/300 train loss 0.4312 test acc 88.1% 41.3 steps/s ETA 4s`
    static func bar(_ status: Status, width: Int = 24) -> String {
        let fraction = status.totalSteps > 0 ? min(1, Double(status.step) / Double(status.totalSteps)) : 0
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        return "\(status.run) epoch \(status.epoch)/\(status.epochs) \(bar) " + details(status)
    }

    /// `[kfac] epoch 2/5 step 120/300 train loss 0.4312 test acc 88.1% 41.3 steps/s ETA 4s`
    static func line(_ status: Status) -> String {
        "[\(status.run)] epoch \(status.epoch)/\(status.epochs) " + details(status)
    }

    /// The step, loss, accuracy, rate and time-to-go part of a status.
    static func details(_ status: Status) -> String {
        let rate = status.elapsed > 0 ? Double(status.step) / status.elapsed : 0
        let remaining = rate > 0 ? Double(status.totalSteps - status.step) / rate : 0
        var text = "step \(status.step)/\(status.totalSteps)"
        if let loss = status.loss { text += " train loss \(Report.number(loss))" }
        if let accuracy = status.accuracy { text += " test acc \(String(format: "%.1f", 100 * accuracy))%" }
        return text + " \(String(format: "%.1f", rate)) steps/s ETA \(duration(remaining))"
    }

    /// `42s`, `3m05s`, `1h02m`.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
        return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
    }
}
