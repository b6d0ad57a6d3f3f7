import DenseLinearAlgebra
import NeuralNetworks

/// The training and test examples of a run, and the warnings their loading raised.
struct TrainingData<Scalar: LinearAlgebraScalar>: Sendable {
    var train: LabeledDataSet<Scalar>
    var test: LabeledDataSet<Scalar>
    /// Facts about the data a user should see before training (one line each, no prefix).
    var warnings: [String] = []
    /// How the data were read where the tool chose (the label column), one line each.
    var notes: [String] = []

    /// How file data are read and prepared.
    struct Settings: Sendable {
        /// `--label-column`; nil detects it (``/NeuralNetworks/CSVFormat/LabelColumn/automatic``).
        var labelColumn: CSVFormat.LabelColumn?
        var header = CSVFormat.HeaderLine.automatic
        /// `--classes`; nil takes the largest label + 1.
        var classCount: Int?
        /// `--normalize`; nil is ``defaultNormalization(for:)``.
        var normalization: NormalizationMethod?
        var testFraction = 0.2
        var builtInCounts = (train: 10_000, test: 2_000)
        /// Whether the labels are trained on (classifiers) or ignored (the autoencoder).
        var usesLabels = true
    }

    /// The most classes a run accepts, from any file: a larger count is almost always a wrong label
    /// column, and its one-hot targets and output layer would not fit in memory.
    static var maximumClassCount: Int { 10_000 }

    /// Above this many classes (taken from the labels), fewer than half of them present is refused,
    /// as by the label column's detection: such labels are almost always a feature column (pixels
    /// 0…255) read as the label.
    static var sparseClassCount: Int { CSVFormat.sparseClassCount }

    /// Features whose magnitude exceeds this after normalization draw a warning.
    static var largeFeature: Double { 10 }

    /// `unit` for file data (so that 0…255 pixels become 0…1), `none` for the built-in glyphs
    /// (generated in [0, 1]).
    static func defaultNormalization(for source: DataSource) -> NormalizationMethod {
        source == .builtIn ? .none : .unit
    }

    /// Loads `source` (and `testSource`, or else a seeded held-out split of `settings.testFraction`),
    /// checks the labels and normalizes the features with a map fitted on the training examples.
    ///
    /// The built-in data are 10 000 + 2 000 glyphs by default (`builtInCounts` to change);
    /// they come from a fixed generator seed, so every run sees the same images.
    /// - Throws: the loaders' ``/DenseLinearAlgebra/LinearAlgebraError/malformedFile(path:reason:)``;
    ///   ``ToolError/incompatibleData(_:)`` when the test data have another feature count,
    ///   the split leaves no test example, a classifier's labels take one value only, or the
    ///   class count exceeds ``maximumClassCount``.
    static func load(_ source: DataSource, test testSource: DataSource?, settings: Settings) throws -> TrainingData {
        var data = try loadUnnormalized(source, test: testSource, settings: settings)
        if settings.usesLabels { try data.checkClasses(source: source, settings: settings) }
        let method = settings.normalization ?? defaultNormalization(for: source)
        let normalization = try FeatureNormalization(fitting: data.train.features, method: method)
        data.train = try normalization.apply(to: data.train)
        data.test = try normalization.apply(to: data.test)
        let largest = max(data.train.features.maximumMagnitude, data.test.features.maximumMagnitude)
        if Double(largest) > largeFeature {
            let advice = method == .standard
                ? "some features lie far outside their training spread (e.g. rarely lit pixels); --normalize unit suits images"
                : "networks train best on features of order 1 (--normalize unit or standard)"
            data.warnings.append("features reach \(Report.number(Double(largest))) after --normalize \(method.rawValue); "
                + advice)
        }
        return data
    }

    /// The examples as the files hold them, with one class count for training and test data.
    private static func loadUnnormalized(_ source: DataSource, test testSource: DataSource?, settings: Settings) throws
        -> TrainingData {
        if source == .builtIn {
            if let testSource, testSource != .builtIn {
                throw ToolError.invalidDataSource("--test-data \(testSource) needs file training data, not builtin")
            }
            let (train, test) = try SyntheticGlyphs.trainAndTest(
                seed: 0, trainCount: settings.builtInCounts.train, testCount: settings.builtInCounts.test,
                as: Scalar.self)
            return TrainingData(train: train, test: test)
        }
        var notes: [String] = []
        // A test file is read with the training file's label column, detected or given: detected on
        // its own, a test file of one class would take another column.
        var trainingLabelColumn: CSVFormat.LabelColumn?
        func read(_ source: DataSource) throws -> LabeledDataSet<Scalar> {
            let (examples, note, column) = try source.loadFile(
                Scalar.self, labelColumn: settings.labelColumn ?? trainingLabelColumn ?? .automatic,
                header: settings.header, classCount: settings.classCount)
            if let note { notes.append(note) }
            if trainingLabelColumn == nil { trainingLabelColumn = column }
            return examples
        }
        var data = try split(try read(source), test: testSource, settings: settings, read: read)
        data.notes = notes
        return data
    }

    /// `all` split into training and test data, or `all` and `testSource` (read with `read`).
    private static func split(_ all: LabeledDataSet<Scalar>, test testSource: DataSource?, settings: Settings,
                              read: (DataSource) throws -> LabeledDataSet<Scalar>) throws -> TrainingData {
        if let testSource {
            guard testSource != .builtIn else {
                throw ToolError.invalidDataSource("--test-data builtin needs --data builtin")
            }
            var test = try read(testSource)
            guard test.featureCount == all.featureCount else {
                throw ToolError.incompatibleData(
                    "training examples have \(all.featureCount) features, test examples \(test.featureCount)")
            }
            let classes = max(all.classCount, test.classCount)
            var train = all
            if train.classCount != classes {
                train = try LabeledDataSet(features: train.features, labels: train.labels, classCount: classes)
            }
            if test.classCount != classes {
                test = try LabeledDataSet(features: test.features, labels: test.labels, classCount: classes)
            }
            return TrainingData(train: train, test: test)
        }
        // A fixed seed: every run of the same file holds out the same examples.
        var generator = Xoshiro256StarStar(seed: 0x5EED)
        do {
            let (train, test) = try all.split(testFraction: settings.testFraction, using: &generator)
            return TrainingData(train: train, test: test)
        } catch let LinearAlgebraError.invalidArgument(_, detail) {
            throw ToolError.incompatibleData(detail + "; give --test-data or another --test-fraction")
        }
    }

    /// Refuses a class count that cannot be meant (one class, or beyond ``maximumClassCount``)
    /// and warns about classes without a training example.
    private mutating func checkClasses(source: DataSource, settings: Settings) throws {
        let classes = train.classCount
        let labelPlace = source.isCSV ? " (label column \(settings.labelColumn?.description ?? "detected"))" : ""
        guard classes <= Self.maximumClassCount else {
            throw ToolError.incompatibleData(
                "the labels of \(source.labelFile)\(labelPlace) go up to \(classes - 1): \(classes) classes is more "
                    + "than \(Self.maximumClassCount); check the label column, or give --classes")
        }
        var counts = [Int](repeating: 0, count: classes)
        for label in train.labels { counts[label] += 1 }
        let present = counts.indices.filter { counts[$0] > 0 }
        guard present.count >= 2 else {
            let hint = source.isCSV ? "; is the label in another column? (--label-column first|last|N)" : ""
            throw ToolError.incompatibleData(
                "every training label of \(source.labelFile)\(labelPlace) is \(present.first ?? 0): a classifier needs "
                    + "at least 2 classes\(hint)")
        }
        let hint = source.isCSV ? "choose the label column with --label-column first|last|N, or " : ""
        if settings.classCount == nil, classes > Self.sparseClassCount, 2 * present.count < classes {
            throw ToolError.incompatibleData(
                "the labels of \(source.labelFile)\(labelPlace) take \(present.count) of the values 0…\(classes - 1): "
                    + "that looks like a feature, not class ids; \(hint)give --classes \(classes) if the classes "
                    + "are that sparse")
        }
        let empty = counts.indices.filter { counts[$0] == 0 }
        if !empty.isEmpty {
            let listed = empty.prefix(10).map(String.init).joined(separator: ", ") + (empty.count > 10 ? ", …" : "")
            warnings.append("\(empty.count) of \(classes) classes have no training example (\(listed))"
                + (settings.classCount == nil ? "; the class count is the largest label + 1, or --classes" : ""))
        }
    }
}

extension DataSource {
    /// Whether the source is a CSV file (which has a label column to choose).
    var isCSV: Bool {
        if case .csv = self { return true }
        return false
    }
}

extension Matrix {
    /// The largest `|x|` of the elements (0 for an empty matrix).
    var maximumMagnitude: Scalar {
        withUnsafeBufferPointer { $0.reduce(0) { Swift.max($0, Swift.abs($1)) } }
    }
}
