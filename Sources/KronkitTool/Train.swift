import ArgumentParser
import CurvatureOptimizers
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

    @Option(help: ArgumentHelp("The training method (kronkit methods: options and papers).",
                               discussion: OptimizerMethod.helpText))
    var optimizer: OptimizerMethod = .kfac

    @OptionGroup var options: TrainingOptions

    @Option(help: "Write checkpoint.npz every N steps.")
    var checkpointEvery: Int?

    @Option(help: "Continue the run saved in this checkpoint (same flags as the run that wrote it).")
    var resume: String?

    func validate() throws {
        try options.methodOptions.requireUsed(by: [optimizer])
        if let checkpointEvery, checkpointEvery < 1 {
            throw ValidationError("--checkpoint-every must be at least 1, got \(checkpointEvery)")
        }
        if options.seeds > 1, resume != nil || checkpointEvery != nil {
            throw ValidationError("--seeds \(options.seeds) writes no checkpoint; --resume and --checkpoint-every "
                + "need a single run (--seeds 1)")
        }
    }

    func execute(in context: CommandContext) throws {
        try options.requireBuiltCombination(processes: context.communicator.size)
        let folder = try OutputFolder(path: options.output, writes: context.communicator.isRoot)
        if options.seeds > 1 {
            try folder.requireWritable(["metrics.csv", "report.svg"])
            switch options.precision {
            case .float32, .bfloat16, .float16: try trainSeeds(Float.self, folder: folder, context: context)
            case .float64: try trainSeeds(Double.self, folder: folder, context: context)
            }
            return
        }
        try folder.requireWritable(["metrics.csv", "report.svg", CheckpointFile.fileName])
        switch options.precision {
        case .float32, .bfloat16, .float16: try train(Float.self, folder: folder, context: context)
        case .float64: try train(Double.self, folder: folder, context: context)
        }
    }

    /// `--seeds N` with N > 1: one run per seed, no checkpoint; the SVG draws the median with a band,
    /// and one line per run and a median line summarise them.
    private func trainSeeds<Scalar: LinearAlgebraScalar>(_: Scalar.Type, folder: OutputFolder,
                                                         context: CommandContext) throws {
        let console = context.console
        let data = try options.loadData(Scalar.self)
        let seeds = options.seedList
        console.print("Training \(options.model.rawValue) with \(optimizer.rawValue) on \(options.data) "
            + "(\(data.train.count) training, \(data.test.count) test examples, \(options.precision.rawValue)), "
            + "seeds \(seeds[0])…\(seeds[seeds.count - 1])")
        try options.announce(data, on: console)
        var runner = Runner(options: options, console: console, shouldStop: context.shouldStop)
        runner.communicator = context.communicator
        runner.namesSeeds = true
        var records: [RunRecord] = []
        for seed in seeds {
            let record = try runner.run(optimizer, data: data, seed: seed)
            records.append(record)
            if let last = record.rows.last {
                var line = "seed \(seed): \(record.finalStep) steps in \(String(format: "%.2f", record.finalSeconds)) s, "
                    + "test loss \(Report.number(last.testLoss))"
                if let accuracy = last.testAccuracy { line += ", test accuracy \(Report.percent(accuracy))" }
                if let scaling = record.lossScaling { line += ", loss scaling: \(scaling.description)" }
                if case let .failed(reason) = record.outcome { line += " (failed: \(reason))" }
                console.print(line)
            }
            if case .interrupted = record.outcome { break }
        }
        let csv = try folder.write(Report.csv(records), to: "metrics.csv")
        let svg = try folder.write(Report.svg(records, task: options.model.task, title: options.model.rawValue),
                                   to: "report.svg")
        let lasts = records.compactMap(\.rows.last)
        if let loss = SeedSummary.median(lasts.map(\.testLoss)) {
            var summary = "\(optimizer.rawValue), median of \(records.count) runs: test loss \(Report.number(loss))"
            if let accuracy = SeedSummary.median(lasts.compactMap(\.testAccuracy)) {
                summary += ", test accuracy \(Report.percent(accuracy))"
            }
            if let perStep = SeedSummary.median(records.compactMap(\.secondsPerStep)) {
                summary += " (\(String(format: "%.1f", 1000 * perStep)) ms/step)"
            }
            console.print(summary)
        }
        console.print("Wrote \(csv) and \(svg)")
        if case .interrupted = records.last?.outcome {
            console.print("Interrupted; the report holds the runs so far (no checkpoint with --seeds).")
            throw ExitCode(130)
        }
        if records.allSatisfy({ if case .failed = $0.outcome { true } else { false } }) {
            throw ToolError.runFailed("every seed's run failed")
        }
    }

    private func train<Scalar: LinearAlgebraScalar>(_: Scalar.Type, folder: OutputFolder, context: CommandContext) throws {
        let console = context.console
        let data = try options.loadData(Scalar.self)
        console.print("Training \(options.model.rawValue) with \(optimizer.rawValue) on \(options.data) "
            + "(\(data.train.count) training, \(data.test.count) test examples, \(options.precision.rawValue))")
        try options.announce(data, on: console)
        var runner = Runner(options: options, console: console, shouldStop: context.shouldStop,
                            checkpointPath: folder.file(CheckpointFile.fileName), checkpointEvery: checkpointEvery,
                            resumePath: resume)
        runner.communicator = context.communicator
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
        if let scaling = record.lossScaling {
            console.print("Loss scaling: \(scaling.skippedSteps) steps skipped (scaled gradients overflowed), "
                + "final loss scale \(RunRecord.LossScalingOutcome.scaleText(scaling.finalScale))")
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
