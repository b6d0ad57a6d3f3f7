import ArgumentParser
import BLASCoreSelection
import DenseLinearAlgebra
import Foundation

/// `kernel-report`: times every KronKit kernel against its dense BLAS/LAPACK
/// baseline in the same run and prints a markdown table (Notes/BENCHMARKS.md).
struct KernelReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel-report",
        abstract: "Time KronKit's kernels against their dense BLAS/LAPACK baselines.")

    /// The report's sections in order; each module adds one.
    static let sections: [(name: String, run: @Sendable (inout KernelReport) throws -> Void)] = [
        ("dense", DenseSection.run),
        ("eigen", EigenSection.run),
        ("kronecker", KroneckerSection.run),
        ("randomized", RandomizedRangeSection.run),
        ("online", OnlineEigenUpdatesSection.run),
        ("hierarchical", HierarchicalMatricesSection.run),
        ("operators", OperatorsSection.run),
        ("structured", StructuredFactorsSection.run),
        ("neural-networks", NeuralNetworkSection.run),
        ("optimizers", OptimizerSection.run),
        ("training-step", TrainingStepSection.run),
        ("peers", PeersSection.run),
        ("width", WidthSection.run),
        ("low-precision", LowPrecisionSection.run),
        ("transformer", TransformerSection.run),
    ]

    @Flag(help: "Small sizes and few repetitions: under a minute on 2 cores.")
    var quick = false

    @Option(help: "Also write the rows as JSON to this file.")
    var json: String?

    @Option(help: "Run only these sections (comma-separated): \(sections.map(\.name).joined(separator: ", ")).")
    var only: String?

    @Option(help: "The width section's widths (comma-separated, at least two for the exponents), instead of its defaults.")
    var widths: String?

    @Option(help: "The width section's methods: those whose name contains one of these (comma-separated, any case); SGD always runs (`sgd` alone: only SGD).")
    var widthMethods: String?

    @Option(help: "The width section's curvature periods T_cov/T_inv (steps between factor updates / refreshes), instead of 10/20.")
    var widthPeriods: String?

    func run() throws {
        let selected = only.map { Set($0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)) }
        if let selected, let unknown = selected.first(where: { name in !Self.sections.contains { $0.name == name } }) {
            throw ValidationError("unknown section '\(unknown)'")
        }
        if selected?.contains("width") == false, widths != nil || widthMethods != nil || widthPeriods != nil {
            throw ValidationError("--widths, --width-methods and --width-periods set the width section, which --only leaves out")
        }
        // The JSON is written at the end of a run that may take an hour: its path is checked first.
        if let json, !FileManager.default.createFile(atPath: json, contents: Data()) {
            throw ValidationError("--json \(json) cannot be written")
        }
        let widthList = try widths.map { text in
            let list = try text.split(separator: ",", omittingEmptySubsequences: false).map {
                guard let width = Int($0), width >= 1 else { throw ValidationError("width '\($0)' is not a positive integer") }
                return width
            }
            // The exponents are fitted in log w: a width given twice makes the fit meaningless.
            guard Set(list).count == list.count else { throw ValidationError("widths '\(text)' repeat a width") }
            return list
        }
        let periods = try widthPeriods.map { text in
            let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 2, let factor = parts[0], let inverse = parts[1], factor >= 1, inverse >= 1 else {
                throw ValidationError("width periods '\(text)' are not T_cov/T_inv, two positive integers such as 10/20")
            }
            return WidthSection.Periods(factor: factor, inverse: inverse)
        }
        let methodPatterns = widthMethods.map { $0.lowercased().split(separator: ",").map(String.init) }
        // A mistyped pattern would quietly measure fewer methods (SGD alone is `--width-methods sgd`).
        if let unmatched = methodPatterns?.first(where: { pattern in
            !WidthSection.methodNames.contains { $0.lowercased().contains(pattern) }
        }) {
            throw ValidationError("width method '\(unmatched)' is in no method's name: "
                + WidthSection.methodNames.joined(separator: ", "))
        }
        var report = KernelReport(quick: quick, widths: widthList, widthMethods: methodPatterns, widthPeriods: periods)
        for section in Self.sections where selected?.contains(section.name) ?? true {
            print("## \(section.name)")
            try section.run(&report)
        }
        let machine = [
            "cores": "\(ProcessInfo.processInfo.activeProcessorCount)",
            "blas": BLASConfiguration.configuration,
            "blasCore": BLASConfiguration.coreName,
            "blasCoreSelection": "\(CoreSelection.status(for: .current))",
            "blasThreads": "\(BLASConfiguration.threads)",
            "cpu": "\(BLASConfiguration.cpuCapabilities)",
            "fftw": BLASConfiguration.fftwVersion,
            "mode": quick ? "quick" : "full",
        ]
        print()
        print(report.markdown(machine: machine))
        if let json {
            try report.json(machine: machine).write(to: URL(fileURLWithPath: json))
            print("JSON written to \(json)")
        }
    }
}

// OpenBLAS's kernels are chosen as for `kronkit`, before any BLAS call (Notes/BLASCores.md).
CoreSelection.applyAtStartup(program: "kernel-report")
KernelReportCommand.main()
