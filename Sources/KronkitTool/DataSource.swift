import DenseLinearAlgebra
import NeuralNetworks

/// Where the training (or test) examples come from, as written after `--data`:
///
/// - `builtin`: ``SyntheticGlyphs``, 16 × 16 grey seven-segment digits, 10 classes;
/// - `idx:IMAGES,LABELS`: a pair of IDX files (MNIST layout, raw or `.gz`), bytes scaled to [0, 1];
/// - `csv:PATH`: one example per line (raw or gzip), numeric features and an integer label column
///   (`--label-column`), an optional header line;
/// - `npy:FEATURES,LABELS`: features `N × d` and labels of length `N` (any integer dtype) as NumPy writes them;
/// - `npz:PATH[,X,Y]`: the same two arrays in one `.npz` archive (found by their usual names, or named).
enum DataSource: Equatable, Sendable, CustomStringConvertible {
    case builtIn
    case idx(images: String, labels: String)
    case csv(path: String)
    case numPy(features: String, labels: String)
    /// A NumPy `.npz` archive; the arrays' names, or nil to find them.
    case numPyArchive(path: String, features: String?, labels: String?)

    /// The forms accepted, for `--help` and error messages.
    static let syntax = "builtin, idx:IMAGES,LABELS, csv:PATH, npy:FEATURES,LABELS or npz:PATH[,X,Y]"

    /// Parses a `--data` value; a bare path ending in `.csv`, `.csv.gz` or `.npz` is read as that kind.
    /// - Throws: ``ToolError/invalidDataSource(_:)`` naming the value and the accepted forms.
    init(parsing text: String) throws {
        if text == "builtin" || text == "built-in" {
            self = .builtIn
            return
        }
        guard let colon = text.firstIndex(of: ":") else {
            // A bare path: the kind from its extension, where that is unambiguous.
            let name = text.lowercased()
            if name.hasSuffix(".csv") || name.hasSuffix(".csv.gz") {
                self = .csv(path: text)
                return
            }
            if name.hasSuffix(".npz") {
                self = .numPyArchive(path: text, features: nil, labels: nil)
                return
            }
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
        case "npz":
            guard paths.count == 1 || paths.count == 3, paths.allSatisfy({ !$0.isEmpty }) else {
                throw ToolError.invalidDataSource("'\(text)' needs a path after 'npz:', optionally with the features' "
                    + "and the labels' array names (npz:PATH,X,Y)")
            }
            self = .numPyArchive(path: paths[0], features: paths.count == 3 ? paths[1] : nil,
                                 labels: paths.count == 3 ? paths[2] : nil)
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
        case let .numPyArchive(path, features, labels):
            return "npz:\(path)" + (features.map { ",\($0),\(labels ?? "")" } ?? "")
        }
    }

    /// Reads a file source (not ``builtIn``), with a note saying which column holds a CSV file's
    /// labels when its detection chose one other than the first, and the column read (CSV only).
    /// - Parameters:
    ///   - labelColumn, header: how a CSV file is laid out.
    ///   - classCount: the number of classes; nil takes the largest label + 1.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/malformedFile(path:reason:)`` for a missing or malformed file;
    ///   ``ToolError/invalidDataSource(_:)`` for ``builtIn``.
    func loadFile<Scalar: LinearAlgebraScalar>(_: Scalar.Type, labelColumn: CSVFormat.LabelColumn,
                                               header: CSVFormat.HeaderLine, classCount: Int?) throws
        -> (LabeledDataSet<Scalar>, note: String?, labelColumn: CSVFormat.LabelColumn?) {
        switch self {
        case .builtIn:
            throw ToolError.invalidDataSource("builtin names the generated glyphs, not a file to read")
        case let .idx(images, labels):
            return (try LabeledDataSet(idxImages: images, idxLabels: labels, classCount: classCount), nil, nil)
        case let .csv(path):
            let contents: CSVFormat.Contents<Scalar>
            do {
                contents = try CSVFormat.read(contentsOf: path, as: Scalar.self, labelColumn: labelColumn, header: header)
            } catch let LinearAlgebraError.malformedFile(path, reason) where reason.hasSuffix("must be given") {
                // Both ends of the lines hold class ids: the detection asks for the column.
                throw LinearAlgebraError.malformedFile(path: path, reason: reason + " (--label-column first|last|N)")
            }
            let note = contents.labelColumnReason.map { reason in
                let column = contents.labelColumn + 1
                let place = column == contents.features.rows + 1 ? "the last column (\(column))" : "column \(column)"
                return "labels from \(place) of \(path): \(reason); --label-column to choose"
            }
            return (try LabeledDataSet(contents, path: path, classCount: classCount), note, .index(contents.labelColumn))
        case let .numPy(features, labels):
            return (try LabeledDataSet(numPyFeatures: features, numPyLabels: labels, classCount: classCount), nil, nil)
        case let .numPyArchive(path, features, labels):
            return (try LabeledDataSet(numPyArchive: path, featuresKey: features, labelsKey: labels,
                                       classCount: classCount), nil, nil)
        }
    }

    /// The file holding the labels, for messages.
    var labelFile: String {
        switch self {
        case .builtIn: return "builtin"
        case let .idx(_, labels), let .numPy(_, labels): return labels
        case let .csv(path), let .numPyArchive(path, _, _): return path
        }
    }
}
