import DenseLinearAlgebra
import NeuralNetworks

/// Where the training (or test) examples come from, as written after `--data`:
///
/// - `builtin`: ``SyntheticGlyphs``, 16 × 16 grey seven-segment digits, 10 classes;
/// - `idx:IMAGES,LABELS`: a pair of IDX files (MNIST layout, raw or `.gz`), bytes scaled to [0, 1];
/// - `csv:PATH`: one example per line, the label in the first column, numeric features after it;
/// - `npy:FEATURES,LABELS`: features `N × d` and labels of length `N` as NumPy writes them.
enum DataSource: Equatable, Sendable, CustomStringConvertible {
    case builtIn
    case idx(images: String, labels: String)
    case csv(path: String)
    case numPy(features: String, labels: String)

    /// The forms accepted, for `--help` and error messages.
    static let syntax = "builtin, idx:IMAGES,LABELS, csv:PATH or npy:FEATURES,LABELS"

    /// Parses a `--data` value.
    /// - Throws: ``ToolError/invalidDataSource(_:)`` naming the value and the accepted forms.
    init(parsing text: String) throws {
        if text == "builtin" || text == "built-in" {
            self = .builtIn
            return
        }
        guard let colon = text.firstIndex(of: ":") else {
            throw ToolError.invalidDataSource("'\(text)' is not one of \(Self.syntax)")
        }
        let kind = text[..<colon]
        let paths = text[text.index(after: colon)...].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        func pair() throws -> (String, String) {
            guard paths.count == 2, !paths[0].isEmpty, !paths[1].isEmpty else {
                throw ToolError.invalidDataSource("'\(text)' needs two comma-separated paths after '\(kind):'")
            }
            return (paths[0], paths[1])
        }
        switch kind {
        case "idx":
            let (images, labels) = try pair()
            self = .idx(images: images, labels: labels)
        case "npy":
            let (features, labels) = try pair()
            self = .numPy(features: features, labels: labels)
        case "csv":
            guard paths.count == 1, !paths[0].isEmpty else {
                throw ToolError.invalidDataSource("'\(text)' needs one path after 'csv:'")
            }
            self = .csv(path: paths[0])
        default:
            throw ToolError.invalidDataSource("unknown kind '\(kind)' in '\(text)'; use \(Self.syntax)")
        }
    }

    var description: String {
        switch self {
        case .builtIn: return "builtin"
        case let .idx(images, labels): return "idx:\(images),\(labels)"
        case let .csv(path): return "csv:\(path)"
        case let .numPy(features, labels): return "npy:\(features),\(labels)"
        }
    }

    /// Reads a file source (not ``builtIn``).
    /// - Parameters:
    ///   - csvHeader: the CSV file's first line is a header.
    ///   - classCount: the number of classes; nil takes the largest label + 1.
    /// - Throws: ``LinearAlgebraError/malformedFile(path:reason:)`` for a missing or malformed file.
    func loadFile<Scalar: LinearAlgebraScalar>(_: Scalar.Type, csvHeader: Bool, classCount: Int? = nil) throws
        -> LabeledDataSet<Scalar> {
        switch self {
        case .builtIn:
            preconditionFailure("the built-in data are generated, not read")
        case let .idx(images, labels):
            return try LabeledDataSet(idxImages: images, idxLabels: labels, classCount: classCount)
        case let .csv(path):
            return try LabeledDataSet(csvFile: path, labelColumn: 0, hasHeader: csvHeader, classCount: classCount)
        case let .numPy(features, labels):
            return try LabeledDataSet(numPyFeatures: features, numPyLabels: labels, classCount: classCount)
        }
    }
}

/// The training and test examples of a run.
struct TrainingData<Scalar: LinearAlgebraScalar>: Sendable {
    var train: LabeledDataSet<Scalar>
    var test: LabeledDataSet<Scalar>

    /// Loads `source` (and `testSource`, or else a seeded held-out split of `testFraction`).
    ///
    /// The built-in data are 10 000 + 2 000 glyphs by default (`builtInCounts` to change);
    /// they come from a fixed generator seed, so every run sees the same images.
    /// - Throws: the loaders' ``LinearAlgebraError/malformedFile(path:reason:)``;
    ///   ``ToolError/incompatibleData(_:)`` when the test data have another feature count,
    ///   or the split leaves no test example.
    static func load(_ source: DataSource, test testSource: DataSource?, csvHeader: Bool, testFraction: Double,
                     builtInCounts: (train: Int, test: Int)) throws -> TrainingData {
        if source == .builtIn {
            if let testSource, testSource != .builtIn {
                throw ToolError.invalidDataSource("--test-data \(testSource) needs file training data, not builtin")
            }
            let (train, test) = try SyntheticGlyphs.trainAndTest(
                seed: 0, trainCount: builtInCounts.train, testCount: builtInCounts.test, as: Scalar.self)
            return TrainingData(train: train, test: test)
        }
        let all = try source.loadFile(Scalar.self, csvHeader: csvHeader)
        if let testSource {
            guard testSource != .builtIn else {
                throw ToolError.invalidDataSource("--test-data builtin needs --data builtin")
            }
            var test = try testSource.loadFile(Scalar.self, csvHeader: csvHeader)
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
        let testCount = Int((Double(all.count) * testFraction).rounded())
        guard testCount >= 1, testCount < all.count else {
            throw ToolError.incompatibleData(
                "holding out \(testFraction) of \(all.count) examples leaves \(testCount) test and "
                    + "\(all.count - testCount) training examples; give --test-data or another --test-fraction")
        }
        // A seeded shuffle, so the split does not follow the file's order (often sorted by class).
        var generator = Xoshiro256StarStar(seed: 0x5EED)
        let order = try all.miniBatches(size: all.count, using: &generator).order
        return TrainingData(train: try all.subset(Array(order[testCount...])),
                            test: try all.subset(Array(order[..<testCount])))
    }
}
