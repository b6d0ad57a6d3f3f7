import ArgumentParser
import DenseLinearAlgebra
import Foundation

/// `kronkit train`: one method on one model, with checkpoints and resume.
struct Train: ToolCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model with one optimizer; write metrics.csv, report.svg and checkpoint.npz.",
        discussion: """
            Ctrl-C stops at the next step, writes checkpoint.npz into the output folder and prints the \
            command that resumes the run; the resumed run continues the same trajectory exactly.
            """)

    @Option(help: ArgumentHelp("The training method.", discussion: Method.helpText))
    var optimizer: Method = .kfac

    @OptionGroup var options: TrainingOptions

    @Option(help: "Write checkpoint.npz every N steps.")
    var checkpointEvery: Int?

    @Option(help: "Continue the run saved in this checkpoint (same flags as the run that wrote it).")
    var resume: String?

    func validate() throws {
        if let checkpointEvery, checkpointEvery < 1 {
            throw ValidationError("--checkpoint-every must be at least 1, got \(checkpointEvery)")
        }
    }

    func execute(in context: CommandContext) throws {
        let folder = try OutputFolder(path: options.output)
        try folder.requireWritable(["metrics.csv", "report.svg", CheckpointFile.fileName])
        switch options.precision {
        case .float32: try train(Float.self, folder: folder, context: context)
        case .float64: try train(Double.self, folder: folder, context: context)
        }
    }

    private func train<Scalar: LinearAlgebraScalar>(_: Scalar.Type, folder: OutputFolder, context: CommandContext) throws {
        let console = context.console
        let data = try options.loadData(Scalar.self)
        console.print("Training \(options.model.rawValue) with \(optimizer.rawValue) on \(options.data) "
            + "(\(data.train.count) training, \(data.test.count) test examples, \(options.precision.rawValue))")
        try options.announce(data, on: console)
        let runner = Runner(options: options, console: console, shouldStop: context.shouldStop,
                            checkpointPath: folder.file(CheckpointFile.fileName), checkpointEvery: checkpointEvery,
                            resumePath: resume)
        let record = try runner.run(optimizer, data: data)
        let csv = try folder.write(Report.csv([record]), to: "metrics.csv")
        let svg = try folder.write(Report.svg([record], task: options.model.task, title: options.model.rawValue),
                                   to: "report.svg")
        if let last = record.rows.last {
            var summary = "\(optimizer.rawValue): \(record.finalStep) steps in \(String(format: "%.2f", record.finalSeconds)) s"
            if let perStep = record.secondsPerStep { summary += " (\(String(format: "%.1f", 1000 * perStep)) ms/step)" }
            summary += ", test loss \(Report.number(last.testLoss)) (step \(last.step))"
            if let accuracy = last.testAccuracy { summary += ", test accuracy \(Report.percent(accuracy))" }
            console.print(summary)
        }
        if case .failed = record.outcome {
            console.print("Wrote \(csv) and \(svg)")
        } else {
            console.print("Wrote \(csv), \(svg) and \(folder.file(CheckpointFile.fileName))")
        }
        switch record.outcome {
        case .finished:
            return
        case let .failed(reason):
            throw ToolError.runFailed(reason)
        case let .interrupted(step, checkpoint):
            console.print("Interrupted at step \(step). Resume with: "
                + resumeCommand(context.invocation, checkpoint: checkpoint ?? folder.file(CheckpointFile.fileName)))
            throw ExitCode(130)
        }
    }

    /// The invocation with any `--resume` replaced by `--resume checkpoint`.
    func resumeCommand(_ invocation: [String], checkpoint: String) -> String {
        var arguments = Array(invocation.dropFirst())
        if let index = arguments.firstIndex(of: "--resume") {
            arguments.removeSubrange(index..<min(index + 2, arguments.count))
        }
        arguments.removeAll { $0.hasPrefix("--resume=") }
        if arguments.first != "train" { arguments.insert("train", at: 0) }
        return ([invocation.first ?? "kronkit"] + arguments + ["--resume", checkpoint]).map(Self.shellQuoted).joined(separator: " ")
    }

    /// `word` quoted for a POSIX shell when it holds anything but safe characters.
    static func shellQuoted(_ word: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,/:+@%")
        guard word.isEmpty || word.unicodeScalars.contains(where: { !safe.contains($0) }) else { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
