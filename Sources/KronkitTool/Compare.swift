import ArgumentParser
import CurvatureOptimizers
import DenseLinearAlgebra
import Foundation

/// `kronkit compare`: several methods on the same data, model and seeds, then a table and one report.
struct Compare: ToolCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run several optimizers on the same data, model and seeds; print a table and draw one report.svg.",
        discussion: "Methods (kronkit methods: options and papers):\n\(OptimizerMethod.helpText)")

    @Option(help: ArgumentHelp("Comma-separated methods, or 'all'.", valueName: "methods"),
            transform: OptimizerMethod.list(parsing:))
    var optimizers: [OptimizerMethod] = OptimizerMethod.compareDefault

    @OptionGroup var options: TrainingOptions

    /// `--target`'s default.
    static let defaultTarget = 0.9

    @Option(help: "Test accuracy to reach (classifiers), as a fraction (default: \(defaultTarget)).")
    var target: Double?

    /// `--target`, given or default.
    var accuracyTarget: Double { target ?? Self.defaultTarget }

    @Option(help: "Test loss to reach instead of an accuracy (the default for the autoencoder: 60% of the initial test loss).")
    var targetLoss: Double?

    func validate() throws {
        try options.methodOptions.requireUsed(by: optimizers)
        if let target, !(target > 0 && target <= 1) { throw ValidationError("--target must lie in (0, 1], got \(target)") }
        if let targetLoss, !(targetLoss > 0 && targetLoss.isFinite) {
            throw ValidationError("--target-loss must be positive, got \(targetLoss)")
        }
        // One target per comparison, and an accuracy only where there is one.
        if target != nil, targetLoss != nil {
            throw ValidationError("--target (an accuracy) and --target-loss contradict each other; give one")
        }
        if target != nil, options.model.task != .classification {
            throw ValidationError("--target is a test accuracy; --model \(options.model.rawValue) has none, give --target-loss")
        }
    }

    func execute(in context: CommandContext) throws {
        try options.requireBuiltCombination(processes: context.communicator.size)
        let folder = try OutputFolder(path: options.output, writes: context.communicator.isRoot)
        try folder.requireWritable(["metrics.csv", "report.svg"])
        switch options.precision {
        case .float32, .bfloat16, .float16: try compare(Float.self, folder: folder, context: context)
        case .float64: try compare(Double.self, folder: folder, context: context)
        }
    }

    private func compare<Scalar: LinearAlgebraScalar>(_: Scalar.Type, folder: OutputFolder, context: CommandContext)
        throws {
        let console = context.console
        let data = try options.loadData(Scalar.self)
        let methods = optimizers.map(\.rawValue).joined(separator: ", ")
        console.print("Comparing \(methods) on \(options.model.rawValue), \(options.data) data "
            + "(\(data.train.count) training, \(data.test.count) test examples), batch \(options.batchSize), "
            + "\(options.precision.rawValue), "
            + (options.seeds == 1 ? "seed \(options.seed)" : "seeds \(options.seed)…\(options.seedList.last ?? options.seed)"))
        try options.announce(data, on: console)
        var runner = Runner(options: options, console: console, shouldStop: context.shouldStop)
        runner.communicator = context.communicator
        runner.namesSeeds = options.seeds > 1
        let (targetLoss, target, task) = (targetLoss, accuracyTarget, options.model.task)
        runner.fineTarget = { initial in Self.target(loss: targetLoss, accuracy: target, task: task, initial: initial) }
        var records: [RunRecord] = []
        runs: for method in optimizers {
            for seed in options.seedList {
                do {
                    let record = try runner.run(method, data: data, seed: seed)
                    records.append(record)
                    if case .interrupted = record.outcome { break runs }
                } catch {
                    // One run's failure (a LAPACK error, a bad option for it) must not lose the others' runs.
                    let reason = Kronkit.toolMessage(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
                    console.printError("error: \(method.rawValue) failed: \(reason)")
                    records.append(RunRecord(method: method, rows: [], stateBytes: 0, totalSteps: 0, finalStep: 0,
                                             finalSeconds: 0, outcome: .failed(reason), seed: seed))
                }
                if runner.fineTarget != nil, let initial = records.lazy.compactMap(\.rows.first).first {
                    // Seeds start from different losses: every run aims at the first run's target (the
                    // autoencoder's depends on the initial loss), the one the table measures.
                    let fixed = Self.target(loss: targetLoss, accuracy: target, task: task, initial: initial)
                    runner.fineTarget = { _ in fixed }
                }
            }
        }
        try folder.write(Report.csv(records), to: "metrics.csv")
        let report = try folder.write(Report.svg(records, task: options.model.task, title: options.model.rawValue),
                                      to: "report.svg")
        console.print()
        if options.seeds == 1 {
            console.print(Report.comparisonTable(records, target: resolvedTarget(records)))
        } else {
            let target = resolvedTarget(records)
            console.print(Report.seedTable(SeedSummary.grouped(records, target: target), target: target))
        }
        console.print()
        console.print("Report: \(report) (metrics: \(folder.file("metrics.csv")))")
        if case .interrupted = records.last?.outcome {
            console.print("Interrupted; the report holds the runs so far.")
            throw ExitCode(130)
        }
        if records.allSatisfy({ if case .failed = $0.outcome { return true } else { return false } }) {
            throw ToolError.runFailed("every method failed; see the table above")
        }
    }

    /// `--target-loss`, else `--target` for classifiers, else 60 % of the autoencoder's initial test loss.
    func resolvedTarget(_ records: [RunRecord]) -> RunRecord.Target {
        let initial = records.lazy.compactMap(\.rows.first).first
        return Self.target(loss: targetLoss, accuracy: accuracyTarget, task: options.model.task, initial: initial)
    }

    /// The target of a run whose step-0 row is `initial` (the first run's, shared by every run of its seed).
    static func target(loss: Double?, accuracy: Double, task: ModelKind.Task, initial: MetricsRow?) -> RunRecord.Target {
        if let loss { return .loss(loss) }
        if task == .classification { return .accuracy(accuracy) }
        return .loss(0.6 * (initial?.testLoss ?? .infinity))
    }
}
