import ArgumentParser
import CurvatureOptimizers
import DenseLinearAlgebra
import Foundation
import NeuralNetworks

/// The floating-point type a run computes in, and the format it stores values in:
/// `bfloat16` and `float16` compute in Float and round every stored value
/// (`Notes/LowPrecision.md`).
enum Precision: String, CaseIterable, Sendable, ExpressibleByArgument {
    case bfloat16
    case float16
    case float32
    case float64

    /// The storage format of a low-precision run, nil for float32 and float64.
    var storage: StoragePrecision? {
        switch self {
        case .bfloat16: return .bfloat16
        case .float16: return .float16
        case .float32, .float64: return nil
        }
    }
}

/// What `kronkit train` and `kronkit compare` share: the model, the data, the run
/// length, the methods' options, precision, seed and output folder.
struct TrainingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The network to train.", discussion: ModelKind.helpText))
    var model: ModelKind = .mlp

    /// The defaults of the options that are optional so that "given" can be told from "default"
    /// (a model or data flag the run would not read is refused): one place for the help and the run.
    static let defaults = (hidden: [256, 256], testFraction: 0.2, trainCount: 10_000, testCount: 2_000)

    @Option(help: ArgumentHelp("Hidden layer widths of the MLP, comma-separated "
                               + "(default: \(defaults.hidden.map(String.init).joined(separator: ","))).", valueName: "widths"),
            transform: TrainingOptions.sizes)
    var hidden: [Int]?

    /// The MLP's hidden widths, given or default.
    var hiddenWidths: [Int] { hidden ?? Self.defaults.hidden }

    @OptionGroup var transformer: TransformerShape

    @Option(help: ArgumentHelp("Training data: \(DataSource.syntax); a bare .csv, .csv.gz or .npz path also works. "
                               + "(default: builtin)", valueName: "source"),
            transform: DataSource.init(parsing:))
    var data: DataSource = .builtIn

    @Option(help: ArgumentHelp("Test data in the same forms (default: a held-out part of --data; builtin has its own).",
                               valueName: "source"),
            transform: DataSource.init(parsing:))
    var testData: DataSource?

    @Flag(help: "The CSV files start with a header line (default: detected, a first line whose fields are mostly not numbers).")
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

    @Option(help: ArgumentHelp("Fraction of file data held out for testing when --test-data is not given "
                               + "(default: \(defaults.testFraction))."))
    var testFraction: Double?

    @Option(help: "Training examples of the built-in data (default: \(defaults.trainCount)).")
    var trainCount: Int?

    @Option(help: "Test examples of the built-in data (default: \(defaults.testCount)).")
    var testCount: Int?

    /// `--test-fraction`, `--train-count` and `--test-count`, given or default.
    var split: (testFraction: Double, trainCount: Int, testCount: Int) {
        (testFraction ?? Self.defaults.testFraction, trainCount ?? Self.defaults.trainCount,
         testCount ?? Self.defaults.testCount)
    }

    @Option(help: "Passes over the training data (ignored with --steps).")
    var epochs = 2

    @Option(help: "Optimizer steps to take (default: --epochs full passes).")
    var steps: Int?

    @Option(help: "Examples per batch.")
    var batchSize = 128

    @OptionGroup(title: "Method options (a method refuses one it does not read)")
    var methodOptions: MethodOptions

    @Option(help: ArgumentHelp("Floating-point precision: float32, float64, or bfloat16/float16 (values stored in "
                               + "16 bits, computed in Float; Notes/LowPrecision.md)."))
    var precision: Precision = .float32

    @Option(help: ArgumentHelp("Loss scaling of bfloat16/float16 runs: none, dynamic (halve on overflow and skip the "
                               + "step, double after 2000 good steps), or a fixed scale S. Default: dynamic for "
                               + "float16, none otherwise.", valueName: "none|dynamic|S"),
            transform: TrainingOptions.lossScaling(parsing:))
    var lossScale: LossScaling?

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
        if let trainCount { try positive(trainCount, "--train-count") }
        if let testCount { try positive(testCount, "--test-count") }
        try positive(evalEvery, "--eval-every")
        try positive(seeds, "--seeds")
        if let testFraction, !(testFraction > 0 && testFraction < 1) {
            throw ValidationError("--test-fraction must lie strictly between 0 and 1, got \(testFraction)")
        }
        guard !hiddenWidths.isEmpty else { throw ValidationError("--hidden needs at least one width") }
        if let classes {
            guard (2...TrainingData<Double>.maximumClassCount).contains(classes) else {
                throw ValidationError("--classes must lie in 2…\(TrainingData<Double>.maximumClassCount), got \(classes)")
            }
        }
        if lossScale != nil, precision.storage == nil {
            throw ValidationError("--loss-scale applies to --precision bfloat16 or float16, not \(precision.rawValue)")
        }
        try refuseUnreadFlags()
        try requireBuiltCombination(processes: 1)
    }

    /// Throws for the combinations of model, precision, `--adaptive` and process count that are
    /// not built yet, before any data is read (each names what is missing).
    /// - Throws: `ValidationError`.
    func requireBuiltCombination(processes: Int) throws {
        let adaptive = methodOptions.adaptive == true
        if let storage = precision.storage {
            if adaptive {
                throw ValidationError("--adaptive runs in float32 or float64: the exact GGN has no Jacobian-vector "
                    + "product through the \(storage) storage wrapper")
            }
            if processes > 1 {
                throw ValidationError("--precision \(precision.rawValue) runs in one process: the low-precision "
                    + "optimizer wrapper has no data-parallel step yet (run without mpirun, or in float32)")
            }
        }
        if adaptive, model == .vit {
            throw ValidationError("--adaptive needs the exact GGN, which has no Jacobian-vector product for the "
                + "transformer's LayerNorm, attention and position embeddings yet; use mlp, cnn, autoencoder or patches")
        }
        if adaptive, processes > 1 {
            throw ValidationError("--adaptive runs in one process: tuning-free K-FAC has no data-parallel step yet")
        }
    }

    /// Parses `none`, `dynamic` or a fixed positive scale.
    @Sendable static func lossScaling(parsing text: String) throws -> LossScaling {
        switch text {
        case "none": return LossScaling.none
        case "dynamic": return .dynamicDefault
        default:
            // The scale multiplies a Float loss: it must be a normal Float, not only a finite Double.
            guard let scale = Double(text), scale >= Double(Float.leastNormalMagnitude),
                  scale <= Double(Float.greatestFiniteMagnitude) else {
                throw ValidationError("loss scale '\(text)' is not none, dynamic or a positive number within "
                    + "Float's normal range (\(Float.leastNormalMagnitude)…\(Float.greatestFiniteMagnitude))")
            }
            return .fixed(scale)
        }
    }

    /// `scaling` as `--loss-scale` takes it (`none`, `dynamic`, `1024.0`), for the run identity and
    /// its messages; dynamic scaling other than the tool's own default is spelled out.
    static func commandLineText(of scaling: LossScaling) -> String {
        switch scaling {
        case .none: return "none"
        case let .fixed(scale): return "\(scale)"
        case .dynamic where scaling == .dynamicDefault: return "dynamic"
        case .dynamic: return "\(scaling)"
        }
    }

    /// The loss scaling of a low-precision run: `--loss-scale`, or the precision's usual one.
    func lossScaling(for storage: StoragePrecision) -> LossScaling { lossScale ?? .recommended(for: storage) }

    /// The methods' options for a run of `totalSteps` steps (the cosine schedule spans the run).
    /// - Throws: `ValidationError` for a schedule that does not parse.
    func settings(totalSteps: Int) throws -> MethodSettings { try methodOptions.settings(totalSteps: totalSteps) }

    /// The training and test data in the run's precision, normalized and checked.
    /// - Throws: as ``TrainingData/load(_:test:settings:)``.
    func loadData<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws -> TrainingData<Scalar> {
        let settings = TrainingData<Scalar>.Settings(
            labelColumn: labelColumn, header: csvHeader ? .present : .automatic, classCount: classes,
            normalization: normalize, testFraction: split.testFraction, builtInCounts: (split.trainCount, split.testCount),
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
                                        hidden: hiddenWidths, transformer: transformer.shape))
    }

    /// The seeds of the runs of each method: `--seeds` of them from `--seed` on (wrapping past 2⁶⁴ − 1).
    var seedList: [UInt64] { (0..<seeds).map { seed &+ UInt64($0) } }

    /// The steps of the run: `--steps`, or `--epochs` passes of `batchesPerEpoch` batches.
    func totalSteps(batchesPerEpoch: Int) -> Int { steps ?? epochs * batchesPerEpoch }

    /// What fixes a run's trajectory, by flag, stored in its checkpoint and compared on resume:
    /// the model, the data and their preparation, the batch order, the precision, and every
    /// option the method reads with its value (the catalogue's ``/CurvatureOptimizers/MethodSettings/identity(for:)``;
    /// a K-FAC option is no part of SGD's identity). `--steps` and `--epochs` may grow on resume
    /// (to extend a run), except under a cosine schedule, which spans the run; `--eval-every`
    /// changes only which rows are recorded.
    /// - Throws: `ValidationError` for a schedule that does not parse.
    func identity(method: OptimizerMethod, totalSteps: Int) throws -> [String: String] {
        let settings = try settings(totalSteps: totalSteps)
        var identity = settings.identity(for: method)
        identity.merge([
            "--optimizer": method.rawValue, "--model": model.rawValue,
            "--hidden": hiddenWidths.map(String.init).joined(separator: ","), "--data": data.description,
            "--test-data": testData?.description ?? "none", "--batch-size": "\(batchSize)", "--seed": "\(seed)",
            "--precision": precision.rawValue,
            "--normalize": (normalize ?? TrainingData<Double>.defaultNormalization(for: data)).rawValue,
            "--classes": classes.map(String.init) ?? "from the labels",
        ]) { method, _ in method }
        if data != .builtIn {
            identity["--test-fraction"] = testData == nil ? "\(split.testFraction)" : "unused"
        } else {
            identity["--train-count"] = "\(split.trainCount)"
            identity["--test-count"] = "\(split.testCount)"
        }
        if data.isCSV || testData?.isCSV == true {
            identity["--label-column"] = labelColumn?.description ?? "detected"
            identity["--csv-header"] = csvHeader ? "yes" : "detected"
        }
        if case .cosine = settings.schedule {
            identity["--steps"] = "\(totalSteps)"
        }
        if model == .vit {
            identity.merge(transformer.shape.identity) { $1 }
        }
        if let storage = precision.storage {
            identity["--loss-scale"] = Self.commandLineText(of: lossScaling(for: storage))
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

    /// Refuses a model or data flag that the chosen model or data would not read, as a method
    /// refuses a method option it does not read: a flag ignored without a word is a run the user
    /// did not ask for.
    /// - Throws: `ValidationError` naming the flag and what reads it.
    func refuseUnreadFlags() throws {
        if hidden != nil, model != .mlp {
            throw ValidationError("--hidden sets the MLP's widths; --model \(model.rawValue) does not read it")
        }
        if model != .vit, let flag = transformer.givenFlags.first {
            throw ValidationError("\(flag) shapes --model vit; --model \(model.rawValue) does not read it")
        }
        if data != .builtIn, let flag = [("--train-count", trainCount), ("--test-count", testCount)].first(where: { $0.1 != nil })?.0 {
            throw ValidationError("\(flag) sizes the built-in data; file data is split by --test-fraction or --test-data")
        }
        if testFraction != nil, data == .builtIn || testData != nil {
            throw ValidationError("--test-fraction holds out part of file data; "
                + (testData != nil ? "--test-data gives the test set here" : "the built-in data has --test-count"))
        }
        if labelColumn != nil || csvHeader, !data.isCSV, testData?.isCSV != true {
            throw ValidationError("\(labelColumn != nil ? "--label-column" : "--csv-header") describes CSV files; "
                + "--data \(data) is not one")
        }
    }

    /// Parses `512,256` into widths ≥ 1.
    @Sendable static func sizes(_ text: String) throws -> [Int] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { field in
            guard let size = Int(field.trimmingCharacters(in: .whitespaces)), size >= 1 else {
                throw ValidationError("layer width '\(field)' is not a positive integer")
            }
            return size
        }
    }
}
