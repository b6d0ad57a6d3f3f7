import ArgumentParser
import DenseLinearAlgebra
import Foundation

/// `kronkit compare`: several methods on the same data, model and seed, then a table and one report.
struct Compare: ToolCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run several optimizers on the same data, model and seed; print a table and draw one report.svg.",
        discussion: "Methods: \(Method.helpText)")

    @Option(help: ArgumentHelp("Comma-separated methods, or 'all'.", valueName: "methods"),
            transform: Method.list(parsing:))
    var optimizers: [Method] = Method.compareDefault

    @OptionGroup var options: TrainingOptions

    @Option(help: "Test accuracy to reach (classifiers), as a fraction.")
    var target = 0.9

    @Option(help: "Test loss to reach instead of an accuracy (the default for the autoencoder: 60% of the initial test loss).")
    var targetLoss: Double?

    func validate() throws {
        guard target > 0, target <= 1 else { throw ValidationError("--target must lie in (0, 1], got \(target)") }
        if let targetLoss, !(targetLoss > 0 && targetLoss.isFinite) {
            throw ValidationError("--target-loss must be positive, got \(targetLoss)")
        }
    }

    func execute(in context: CommandContext) throws {
        let folder = try OutputFolder(path: options.output)
        switch options.precision {
        case .float32: try compare(Float.self, folder: folder, context: context)
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
            + "\(options.precision.rawValue), seed \(options.seed)")
        let runner = Runner(options: options, console: console, shouldStop: context.shouldStop)
        var records: [RunRecord] = []
        for method in optimizers {
            let record = try runner.run(method, data: data)
            records.append(record)
            if case .interrupted = record.outcome { break }
        }
        try folder.write(Report.csv(records), to: "metrics.csv")
        let report = try folder.write(Report.svg(records, task: options.model.task, title: options.model.rawValue),
                                      to: "report.svg")
        console.print()
        console.print(Report.comparisonTable(records, target: resolvedTarget(records)))
        console.print()
        console.print("Report: \(report) (metrics: \(folder.file("metrics.csv")))")
        if case .interrupted = records.last?.outcome {
            console.print("Interrupted; the report holds the runs so far.")
            throw ExitCode(130)
        }
    }

    /// `--target-loss`, else `--target` for classifiers, else 60 % of the autoencoder's initial test loss.
    func resolvedTarget(_ records: [RunRecord]) -> RunRecord.Target {
        if let targetLoss { return .loss(targetLoss) }
        if options.model.task == .classification { return .accuracy(target) }
        return .loss(0.6 * (records.first?.rows.first?.testLoss ?? .infinity))
    }
}
