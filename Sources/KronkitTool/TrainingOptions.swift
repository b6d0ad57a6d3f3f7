import ArgumentParser
import CurvatureOptimizers
import DenseLinearAlgebra
import Foundation
import NeuralNetworks

/// The floating-point type a run computes in.
enum Precision: String, CaseIterable, Sendable, ExpressibleByArgument {
    case float32
    case float64
}

/// `--curvature`: which output gradients estimate K-FAC's factor G.
enum CurvatureChoice: String, CaseIterable, Sendable, ExpressibleByArgument {
    case monteCarlo = "monte-carlo"
    case empirical
    case exactGGN = "exact-ggn"

    var estimate: CurvatureEstimate {
        switch self {
        case .monteCarlo: return .monteCarlo
        case .empirical: return .empirical
        case .exactGGN: return .exactGGN
        }
    }
}

/// `--weight-sharing`: K-FAC-expand or -reduce for layers with shared weights.
enum WeightSharingChoice: String, CaseIterable, Sendable, ExpressibleByArgument {
    case expand
    case reduce

    var approximation: WeightSharingApproximation { self == .expand ? .expand : .reduce }
}

/// What `kronkit train` and `kronkit compare` share: the model, the data, the run
/// length, the methods' options, precision, seed and output folder.
struct TrainingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The network to train.", discussion: ModelKind.helpText))
    var model: ModelKind = .mlp

    @Option(help: "Hidden layer widths of the MLP, comma-separated.", transform: TrainingOptions.sizes)
    var hidden: [Int] = [256, 256]

    @OptionGroup var transformer: TransformerShape

    @Option(help: ArgumentHelp("Training data: \(DataSource.syntax); a bare .csv, .csv.gz or .npz path also works. "
                               + "(default: builtin)", valueName: "source"),
            transform: DataSource.init(parsing:))
    var data: DataSource = .builtIn

    @Option(help: ArgumentHelp("Test data in the same forms (default: a held-out part of --data; builtin has its own).",
                               valueName: "source"),
            transform: DataSource.init(parsing:))
    var testData: DataSource?

    @Flag(help: "The CSV files start with a header line (default: detected, a first line with a non-numeric field).")
    var csvHeader = false

    @Option(help: ArgumentHelp("The CSV column holding the integer class label: first, last, or its number N "
                               + "(1 = first). Default: a header column named label, class, target or y; else the "
                               + "first column if it holds class ids, else the last.", valueName: "column"),
            transform: TrainingOptions.labelColumn(parsing:))
    var labelColumn: CSVFormat.LabelColumn?

    @Option(help: ArgumentHelp("Number of classes (default: the largest label + 1, at most 10000).", valueName: "N"))
    var classes: Int?

    @Option(help: ArgumentHelp("Feature scaling fitted on the training data: none; unit (the training range onto "
                               + "[0, 1], e.g. 0…255 pixels ÷ 255); standard (per feature: mean 0, deviation 1). "
                               + "Default: unit for file data, none for builtin.", valueName: "none|unit|standard"),
            transform: TrainingOptions.normalization(parsing:))
    var normalize: NormalizationMethod?

    @Option(help: "Fraction of file data held out for testing when --test-data is not given.")
    var testFraction = 0.2

    @Option(help: "Training examples of the built-in data.")
    var trainCount = 10_000

    @Option(help: "Test examples of the built-in data.")
    var testCount = 2_000

    @Option(help: "Passes over the training data (ignored with --steps).")
    var epochs = 2

    @Option(help: "Optimizer steps to take (default: --epochs full passes).")
    var steps: Int?

    @Option(help: "Examples per batch.")
    var batchSize = 128

    @Option(help: ArgumentHelp("Learning rate for every method (0.1) or per method (sgd=0.1,adam=0.003); default: each "
                                   + "method's own (sgd 0.05, adam 0.001, K-FAC family 0.05).", valueName: "rate"),
            transform: LearningRates.init(parsing:))
    var learningRate: LearningRates?

    @Option(help: "Momentum of SGD and the K-FAC family (default 0.9).")
    var momentum: Double?

    @Option(help: "Weight decay (L2; decoupled for adamw).")
    var weightDecay = 0.0

    @Option(help: "Tikhonov damping λ of the K-FAC family (0.1: best of 1e-3…0.3 on the built-in data, Notes/RESULTS.md).")
    var damping = 0.1

    @Option(help: "Moving-average decay of the Kronecker factors.")
    var factorDecay = 0.95

    @Option(help: "Steps between Kronecker-factor updates (T_cov).")
    var factorUpdatePeriod = 10

    @Option(help: "Steps between refreshes of the factors' eigendecompositions or inverses (T_inv; 20 suits runs of a few hundred steps).")
    var inverseUpdatePeriod = 20

    @Option(help: "KL-clipping bound κ of the K-FAC family.")
    var klClip = 1e-3

    @Flag(help: "Turn KL clipping off.")
    var noKlClip = false

    @Option(help: "How the K-FAC family estimates G.")
    var curvature: CurvatureChoice = .monteCarlo

    @Option(help: "K-FAC-expand or -reduce for layers with weight sharing (cnn, patches, vit).")
    var weightSharing: WeightSharingChoice = .expand

    @Flag(help: "Split the damping evenly instead of by π (inverse routes).")
    var noPiDamping = false

    @Option(help: "Rank kept for each Kronecker factor by rs-kfac, sre-kfac and the b-kfac methods (capped at the factor's size).")
    var rank = 220

    @Option(help: ArgumentHelp("Structures of SINGD's K and C: K,C or one for both, each of "
                               + StructureChoice.allCases.map(\.rawValue).joined(separator: ", ")
                               + ". (default: \(SINGDStructures()))",
                               valueName: "structures"),
            transform: SINGDStructures.init(parsing:))
    var structures = SINGDStructures()

    @Option(help: "Learning-rate schedule: constant, cosine[:FLOOR] or step:EVERY:FACTOR.")
    var schedule = "constant"

    @Option(help: "Floating-point precision.")
    var precision: Precision = .float32

    @Option(help: "Seed of the initial weights, the batch order and the Monte-Carlo Fisher.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Runs per method, with the seeds --seed, --seed + 1, …; tables give the median and "
                               + "range, charts the median with a band.", valueName: "N"))
    var seeds = 1

    @Option(name: .shortAndLong, help: "Output folder (metrics.csv, report.svg, checkpoint.npz).")
    var output = "kronkit-output"

    @Option(help: "Steps between evaluations on the test set.")
    var evalEvery = 10

    func validate() throws {
        func positive(_ value: Int, _ flag: String) throws {
            guard value >= 1 else { throw ValidationError("\(flag) must be at least 1, got \(value)") }
        }
        try positive(epochs, "--epochs")
        if let steps { try positive(steps, "--steps") }
        try positive(batchSize, "--batch-size")
        try positive(trainCount, "--train-count")
        try positive(testCount, "--test-count")
        try positive(evalEvery, "--eval-every")
        try positive(factorUpdatePeriod, "--factor-update-period")
        try positive(inverseUpdatePeriod, "--inverse-update-period")
        try positive(rank, "--rank")
        try positive(seeds, "--seeds")
        guard testFraction > 0, testFraction < 1 else {
            throw ValidationError("--test-fraction must lie strictly between 0 and 1, got \(testFraction)")
        }
        guard !hidden.isEmpty else { throw ValidationError("--hidden needs at least one width") }
        if let classes {
            guard (2...TrainingData<Double>.maximumClassCount).contains(classes) else {
                throw ValidationError("--classes must lie in 2…\(TrainingData<Double>.maximumClassCount), got \(classes)")
            }
        }
        _ = try LearningRateSchedule(parsing: schedule, totalSteps: 1)
    }

    /// The methods' options for a run of `totalSteps` steps (the cosine schedule spans the run).
    func settings(totalSteps: Int) throws -> MethodSettings {
        MethodSettings(
            learningRates: learningRate ?? LearningRates(), momentum: momentum, weightDecay: weightDecay,
            damping: damping, factorDecay: factorDecay, factorUpdatePeriod: factorUpdatePeriod,
            inverseUpdatePeriod: inverseUpdatePeriod, klClip: noKlClip ? nil : klClip, curvature: curvature.estimate,
            weightSharing: weightSharing.approximation, piDamping: !noPiDamping,
            schedule: try LearningRateSchedule(parsing: schedule, totalSteps: totalSteps), rank: rank,
            structures: structures)
    }

    /// The training and test data in the run's precision, normalized and checked.
    /// - Throws: as ``TrainingData/load(_:test:settings:)``.
    func loadData<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws -> TrainingData<Scalar> {
        let settings = TrainingData<Scalar>.Settings(
            labelColumn: labelColumn, header: csvHeader ? .present : .automatic, classCount: classes,
            normalization: normalize, testFraction: testFraction, builtInCounts: (trainCount, testCount),
            usesLabels: model.task == .classification)
        return try TrainingData.load(data, test: testData, settings: settings)
    }

    /// Prints the data's warnings (standard error) and the model's layer sizes: what a user
    /// should see before a long run starts.
    /// - Throws: as ``ModelKind/summary(featureCount:classCount:hidden:transformer:)``.
    func announce<Scalar: LinearAlgebraScalar>(_ data: TrainingData<Scalar>, on console: Console) throws {
        for note in data.notes { console.print("Note: " + note) }
        for warning in data.warnings { console.printError("warning: " + warning) }
        console.print(try model.summary(featureCount: data.train.featureCount, classCount: data.train.classCount,
                                        hidden: hidden, transformer: transformer.shape))
    }

    /// The seeds of the runs of each method: `--seeds` of them from `--seed` on (wrapping past 2⁶⁴ − 1).
    var seedList: [UInt64] { (0..<seeds).map { seed &+ UInt64($0) } }

    /// The steps of the run: `--steps`, or `--epochs` passes of `batchesPerEpoch` batches.
    func totalSteps(batchesPerEpoch: Int) -> Int { steps ?? epochs * batchesPerEpoch }

    /// What fixes a run's trajectory, by flag, stored in its checkpoint and compared on resume:
    /// the model, the data and their preparation, the batch order, the precision, and every
    /// option the method reads (a K-FAC option is no part of SGD's identity). `--steps` and
    /// `--epochs` may grow on resume (to extend a run), except under a cosine schedule, which
    /// spans the run; `--eval-every` changes only which rows are recorded.
    func identity(method: Method, totalSteps: Int) -> [String: String] {
        let settings = (try? settings(totalSteps: totalSteps)) ?? MethodSettings()
        var identity = [
            "--optimizer": method.rawValue, "--model": model.rawValue,
            "--hidden": hidden.map(String.init).joined(separator: ","), "--data": data.description,
            "--test-data": testData?.description ?? "none", "--batch-size": "\(batchSize)", "--seed": "\(seed)",
            "--precision": precision.rawValue,
            "--normalize": (normalize ?? TrainingData<Double>.defaultNormalization(for: data)).rawValue,
            "--classes": classes.map(String.init) ?? "from the labels",
            "--learning-rate": settings.learningRates.rate(for: method).map { "\($0)" } ?? "the method's default",
            "--weight-decay": "\(weightDecay)", "--schedule": schedule,
        ]
        if data != .builtIn {
            identity["--test-fraction"] = testData == nil ? "\(testFraction)" : "unused"
        } else {
            identity["--train-count"] = "\(trainCount)"
            identity["--test-count"] = "\(testCount)"
        }
        if data.isCSV || testData?.isCSV == true {
            identity["--label-column"] = labelColumn?.description ?? "detected"
            identity["--csv-header"] = csvHeader ? "yes" : "detected"
        }
        if schedule.hasPrefix("cosine") { identity["--steps"] = "\(totalSteps)" }
        if model == .vit { identity.merge(transformer.shape.identity) { $1 } }
        if method != .adam && method != .adamw {
            identity["--momentum"] = momentum.map { "\($0)" } ?? "the method's default"
        }
        if !method.isFirstOrder {
            identity["--damping"] = "\(damping)"
            identity["--factor-update-period"] = "\(factorUpdatePeriod)"
            identity["--inverse-update-period"] = "\(inverseUpdatePeriod)"
            identity["--kl-clip"] = noKlClip ? "off" : "\(klClip)"
            identity["--curvature"] = curvature.rawValue
            identity["--weight-sharing"] = weightSharing.rawValue
        }
        switch method {
        case .rsKFAC, .sreKFAC, .bKFAC, .brKFAC, .bKFACc: identity["--rank"] = "\(rank)"
        case .singd, .ikfac: identity["--structures"] = "\(structures.input.rawValue),\(structures.output.rawValue)"
        default: break
        }
        switch method {
        case .kfac, .kfacInverse, .tkfac, .ekfac, .tekfac, .rsKFAC, .sreKFAC, .bKFAC, .brKFAC, .bKFACc:
            identity["--factor-decay"] = "\(factorDecay)"
            identity["--pi-damping"] = noPiDamping ? "off" : "on"
        default: break
        }
        return identity
    }

    /// Parses `first`, `last` or a 1-based column number.
    @Sendable static func labelColumn(parsing text: String) throws -> CSVFormat.LabelColumn {
        switch text {
        case "first": return .first
        case "last": return .last
        default:
            guard let number = Int(text), number >= 1 else {
                throw ValidationError("label column '\(text)' is not first, last or a column number ≥ 1")
            }
            return .index(number - 1)
        }
    }

    /// Parses `none`, `unit` or `standard`.
    @Sendable static func normalization(parsing text: String) throws -> NormalizationMethod {
        guard let method = NormalizationMethod(rawValue: text) else {
            throw ValidationError("unknown normalization '\(text)'; choose from "
                + NormalizationMethod.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return method
    }

    /// Parses `512,256` into widths ≥ 1.
    @Sendable static func sizes(_ text: String) throws -> [Int] {
        try text.split(separator: ",").map { field in
            guard let size = Int(field.trimmingCharacters(in: .whitespaces)), size >= 1 else {
                throw ValidationError("layer width '\(field)' is not a positive integer")
            }
            return size
        }
    }
}
