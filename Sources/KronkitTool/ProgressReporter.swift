import Foundation

/// Training progress for a person watching: a live, redrawn bar on a terminal,
/// plain periodic lines when standard output is a file or a CI log.
struct ProgressReporter {
    /// What one update shows.
    struct Status {
        var run: String
        var epoch: Int
        var epochs: Int
        var step: Int
        var totalSteps: Int
        var loss: Double
        var accuracy: Double?
        var elapsed: Double
    }

    /// `true` draws a bar with carriage returns; `false` prints a line every `lineInterval` seconds.
    let interactive: Bool
    /// Seconds between plain lines in non-interactive mode.
    let lineInterval: Double
    private var lastLine = -Double.infinity
    private let write: (String) -> Void

    /// A reporter writing to `write` (standard output by default); interactive when stdout is a terminal.
    init(interactive: Bool = isatty(STDOUT_FILENO) == 1, lineInterval: Double = 5,
         write: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        self.interactive = interactive
        self.lineInterval = lineInterval
        self.write = write
    }

    /// Shows `status`: redraws the bar, or prints a line if `lineInterval` has passed (or `force`).
    mutating func update(_ status: Status, force: Bool = false) {
        if interactive {
            write("\r\u{1B}[2K" + Self.bar(status))
            if force { write("\n") }
        } else if force || status.elapsed - lastLine >= lineInterval {
            lastLine = status.elapsed
            write(Self.line(status) + "\n")
        }
    }

    /// `epoch 2/5 ███████░░░░░ step 120/300 loss 0.4312 acc 88.1% 41.3 steps/s ETA 4s`
    static func bar(_ status: Status, width: Int = 24) -> String {
        let fraction = status.totalSteps > 0 ? Double(status.step) / Double(status.totalSteps) : 0
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        return "\(status.run) epoch \(status.epoch)/\(status.epochs) \(bar) " + details(status)
    }

    /// `[sgd] epoch 2/5 step 120/300 loss 0.4312 acc 88.1% 41.3 steps/s ETA 4s`
    static func line(_ status: Status) -> String {
        "[\(status.run)] epoch \(status.epoch)/\(status.epochs) " + details(status)
    }

    static func details(_ status: Status) -> String {
        let rate = status.elapsed > 0 ? Double(status.step) / status.elapsed : 0
        let remaining = rate > 0 ? Double(status.totalSteps - status.step) / rate : 0
        var text = "step \(status.step)/\(status.totalSteps) loss \(String(format: "%.4f", status.loss))"
        if let accuracy = status.accuracy { text += " acc \(String(format: "%.1f", 100 * accuracy))%" }
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
