import DenseLinearAlgebra
import Foundation

extension LabeledDataSet {
    /// Images and labels from a pair of IDX files (MNIST, Fashion-MNIST; raw or `.gz`).
    ///
    /// The images file is `N × H × W` (or any `N × …`), one item per column flattened
    /// row-major, each value times `scale` (default `1/255`, mapping bytes to `[0, 1]`).
    /// - Parameters:
    ///   - imagesPath: the images file, `N × …` unsigned bytes (or any IDX element type).
    ///   - labelsPath: the labels file, `N` class ids.
    ///   - classCount: the number of classes; nil takes `max(label) + 1`.
    ///   - scale: the factor applied to every image value.
    /// - Complexity: one pass over each file (plus decompression).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/malformedFile(path:reason:)`` for a malformed file or
    ///   when the two files hold different numbers of items; as ``init(features:labels:classCount:)``.
    public init(idxImages imagesPath: String, idxLabels labelsPath: String, classCount: Int? = nil,
                scale: Scalar = 1 / 255) throws {
        let images: Matrix<Scalar> = try IDXFormat.readMatrix(contentsOf: imagesPath, scale: scale)
        let labels = try IDXFormat.readLabels(contentsOf: labelsPath)
        guard labels.count == images.columns else {
            throw LinearAlgebraError.malformedFile(
                path: labelsPath, reason: "holds \(labels.count) labels but \(imagesPath) holds \(images.columns) items")
        }
        try self.init(features: images, labels: labels, classCount: classCount ?? ((labels.max() ?? -1) + 1))
    }

    /// Examples from a CSV file, raw or gzip-compressed (see ``CSVFormat``).
    /// - Parameters:
    ///   - path: the file.
    ///   - labelColumn: the field holding the integer class label; by default detected
    ///     (``CSVFormat/LabelColumn/automatic``: a column the header names `label`, else the first
    ///     or the last column, whichever holds class ids). Each file is detected on its own: read
    ///     a test file with the training file's column (``CSVFormat/Contents/labelColumn`` as
    ///     `.index`), since a test file of few classes may not look like it holds class ids.
    ///   - header: whether the first line names the columns (by default detected: a first line
    ///     most of whose fields are not numbers is a header).
    ///   - classCount: the number of classes; nil takes `max(label) + 1`.
    /// - Complexity: one pass over the file (plus decompression).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/malformedFile(path:reason:)`` naming the line and column of
    ///   a non-numeric or non-finite field (also one finite in `Double` that overflows `Scalar`),
    ///   a label that is not an integer class id ≥ 0, a line with a different number of fields
    ///   than the first, or a label not below `classCount`.
    @inlinable
    public init(csvFile path: String, labelColumn: CSVFormat.LabelColumn = .automatic,
                header: CSVFormat.HeaderLine = .automatic, classCount: Int? = nil) throws {
        let contents = try CSVFormat.read(contentsOf: path, as: Scalar.self, labelColumn: labelColumn, header: header)
        try self.init(contents, path: path, classCount: classCount)
    }

    /// Examples from a CSV file already parsed (see ``CSVFormat/read(contentsOf:as:labelColumn:header:)``).
    /// - Parameters:
    ///   - contents: the features and labels ``CSVFormat`` read.
    ///   - path: the file, named in error messages.
    ///   - classCount: the number of classes; nil takes `max(label) + 1`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/malformedFile(path:reason:)`` for a label not below `classCount`.
    public init(_ contents: CSVFormat.Contents<Scalar>, path: String, classCount: Int? = nil) throws {
        try self.init(features: contents.features, labels: contents.labels, classCount: classCount, path: path)
    }

    /// Examples from two `.npy` files as NumPy code writes them: features `N × d`
    /// (one example per row, float32 or float64) and labels of length `N` (shape `(N,)`,
    /// `(N, 1)` or `(1, N)`; any integer dtype, or floats holding integers — see
    /// ``/DenseLinearAlgebra/NumPyFormat/decodeIntegers(_:path:)``).
    /// - Parameters:
    ///   - featuresPath: the features file.
    ///   - labelsPath: the labels file.
    ///   - classCount: the number of classes; nil takes `max(label) + 1`.
    /// - Complexity: one pass over each file and one transposition of the features.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/malformedFile(path:reason:)`` for a malformed file, a label
    ///   that is not a class index, a NaN or infinite feature (naming its row and column), or files
    ///   that disagree on `N`.
    public init(numPyFeatures featuresPath: String, numPyLabels labelsPath: String, classCount: Int? = nil) throws {
        let rowsPerExample = try Matrix<Scalar>(contentsOfNumPyFile: featuresPath)
        guard let data = FileManager.default.contents(atPath: labelsPath) else {
            throw LinearAlgebraError.malformedFile(path: labelsPath, reason: "cannot be read (missing or not readable)")
        }
        let (shape, labels) = try NumPyFormat.decodeIntegers([UInt8](data), path: labelsPath)
        try self.init(examplesInRows: rowsPerExample, featuresPath: featuresPath, labels: labels, labelShape: shape,
                      labelsPath: labelsPath, classCount: classCount)
    }

    /// Examples from a NumPy `.npz` archive (`np.savez` or `np.savez_compressed`) holding features
    /// `N × d` (float32 or float64) and labels of length `N` (any integer dtype), as the two
    /// `.npy` files of ``init(numPyFeatures:numPyLabels:classCount:)``.
    /// - Parameters:
    ///   - path: the archive.
    ///   - featuresKey: the features array's name (without `.npy`); nil looks for the usual names
    ///     (`x`, `X`, `features`, `data`, `images`, `inputs`), or takes the 2-D one of the archive's
    ///     only two arrays.
    ///   - labelsKey: the labels array's name; nil looks for `y`, `labels`, `label`, `target`,
    ///     `targets`, or takes the other of the archive's only two arrays.
    ///   - classCount: the number of classes; nil takes `max(label) + 1`.
    /// - Complexity: one pass over the archive (plus decompression) and one transposition.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/malformedFile(path:reason:)`` for a malformed archive, a missing
    ///   or ambiguous array (naming the arrays it holds), or as the `.npy` pair.
    public init(numPyArchive path: String, featuresKey: String? = nil, labelsKey: String? = nil,
                classCount: Int? = nil) throws {
        func fail(_ reason: String) -> LinearAlgebraError { .malformedFile(path: path, reason: reason) }
        let entries = try NumPyArchive.read(contentsOf: path)
        var arrays: [String: [UInt8]] = [:]
        for entry in entries where entry.name.hasSuffix(".npy") { arrays[String(entry.name.dropLast(4))] = entry.contents }
        let names = arrays.keys.sorted().joined(separator: ", ")
        func pick(_ given: String?, _ usual: [String], _ role: String) throws -> String {
            if let given {
                guard arrays[given] != nil else { throw fail("has no array '\(given)' (it holds \(names))") }
                return given
            }
            if let found = usual.first(where: { arrays[$0] != nil }) { return found }
            throw fail("has no \(role) array named \(usual.joined(separator: ", ")) (it holds \(names)); name it")
        }
        var featuresName = featuresKey, labelsName = labelsKey
        if featuresName == nil, labelsName == nil, arrays.count == 2 {
            // Two arrays: the one with two dimensions holds the features.
            let ordered = arrays.keys.sorted()
            let isFirstFeatures = Self.numPyDimensions(arrays[ordered[0]]!) == 2
            (featuresName, labelsName) = isFirstFeatures ? (ordered[0], ordered[1]) : (ordered[1], ordered[0])
        }
        let featuresArray = try pick(featuresName, ["x", "X", "features", "data", "images", "inputs"], "features")
        let labelsArray = try pick(labelsName, ["y", "labels", "label", "target", "targets"], "labels")
        let featuresPath = "\(path) (\(featuresArray))", labelsPath = "\(path) (\(labelsArray))"
        let rowsPerExample = try NumPyFormat.decode(arrays[featuresArray]!, as: Scalar.self, path: featuresPath)
        let (shape, labels) = try NumPyFormat.decodeIntegers(arrays[labelsArray]!, path: labelsPath)
        try self.init(examplesInRows: rowsPerExample, featuresPath: featuresPath, labels: labels, labelShape: shape,
                      labelsPath: labelsPath, classCount: classCount)
    }

    /// The number of dimensions an `.npy` image's header declares (its shape tuple's entries), or nil.
    static func numPyDimensions(_ bytes: [UInt8]) -> Int? {
        let header = String(decoding: bytes.prefix(512), as: UTF8.self)
        guard let start = header.range(of: "'shape': (")?.upperBound,
              let end = header[start...].firstIndex(of: ")") else { return nil }
        return header[start..<end].split(separator: ",").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count
    }

    /// Examples from `N × d` features (one example per row) and `N` labels of shape `labelShape`
    /// read from files, checked against each other.
    init(examplesInRows rowsPerExample: Matrix<Scalar>, featuresPath: String, labels: [Int], labelShape: [Int],
         labelsPath: String, classCount: Int?) throws {
        guard labelShape.count <= 1 || (labelShape.count == 2 && labelShape.contains(1)) else {
            throw LinearAlgebraError.malformedFile(
                path: labelsPath, reason: "has shape \(labelShape); labels must be a vector")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 }) {
            throw LinearAlgebraError.malformedFile(path: labelsPath, reason: "label \(bad) is \(labels[bad]), not a class index ≥ 0")
        }
        guard labels.count == rowsPerExample.rows else {
            throw LinearAlgebraError.malformedFile(
                path: labelsPath, reason: "holds \(labels.count) labels but \(featuresPath) holds \(rowsPerExample.rows) rows")
        }
        try self.init(features: rowsPerExample.transposed(), labels: labels, classCount: classCount, path: featuresPath)
    }

    /// A data set read from `path`: a NaN or infinite feature or a label beyond `classCount`
    /// is reported against the file.
    init(features: Matrix<Scalar>, labels: [Int], classCount: Int?, path: String) throws {
        let classes = classCount ?? ((labels.max() ?? -1) + 1)
        if let bad = labels.firstIndex(where: { $0 >= classes }) {
            throw LinearAlgebraError.malformedFile(
                path: path, reason: "example \(bad + 1) has label \(labels[bad]), not below the class count \(classes)")
        }
        do {
            try self.init(features: features, labels: labels, classCount: classes)
        } catch LinearAlgebraError.nonFiniteInput {
            // Located only on failure: the data set's own check is the one pass on good data.
            let elements = features.elements
            let found = elements.firstIndex { !$0.isFinite } ?? 0
            let (example, feature) = found.quotientAndRemainder(dividingBy: max(features.rows, 1))
            throw LinearAlgebraError.malformedFile(
                path: path, reason: "example \(example + 1), feature \(feature + 1) is \(elements[found])")
        }
    }
}
