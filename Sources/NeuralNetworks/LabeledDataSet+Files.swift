import DenseLinearAlgebra
import Foundation

extension LabeledDataSet {
    /// Images and labels from a pair of IDX files (MNIST, Fashion-MNIST; raw or `.gz`).
    ///
    /// The images file is `N × H × W` (or any `N × …`), one item per column flattened
    /// row-major, each value times `scale` (default `1/255`, mapping bytes to `[0, 1]`).
    /// - Parameter classCount: the number of classes; nil takes `max(label) + 1`.
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

    /// Examples from a CSV file: one example per line, a label column and numeric features,
    /// separated by commas (surrounding spaces ignored, blank lines skipped).
    /// - Parameters:
    ///   - labelColumn: the 0-based column holding the integer class label.
    ///   - hasHeader: skip the first line.
    ///   - classCount: the number of classes; nil takes `max(label) + 1`.
    /// - Complexity: one pass over the file.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/malformedFile(path:reason:)`` naming the line and column of
    ///   a non-numeric or non-finite field (also one finite in `Double` that overflows `Scalar`),
    ///   a non-integer or negative label, or a line with a different number of fields than the first.
    public init(csvFile path: String, labelColumn: Int = 0, hasHeader: Bool = false, classCount: Int? = nil) throws {
        func fail(_ reason: String) -> LinearAlgebraError { .malformedFile(path: path, reason: reason) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw fail("cannot be read (missing or not readable)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw fail("is not UTF-8 text") }
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated()
            .filter { !$0.element.allSatisfy(\.isWhitespace) }
        if hasHeader, !lines.isEmpty { lines.removeFirst() }
        var columns: Int?
        var values: [Scalar] = []
        var labels: [Int] = []
        for (index, line) in lines {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            let expected = columns ?? fields.count
            guard fields.count == expected else {
                throw fail("line \(index + 1) has \(fields.count) fields, the first data line has \(expected)")
            }
            guard labelColumn >= 0, labelColumn < fields.count, fields.count >= 2 else {
                throw fail("line \(index + 1) has \(fields.count) fields; need label column \(labelColumn) and features")
            }
            columns = expected
            for (k, field) in fields.enumerated() {
                guard let value = Double(field), value.isFinite else {
                    throw fail("line \(index + 1), column \(k + 1): '\(field)' is not a finite number")
                }
                if k == labelColumn {
                    guard value >= 0, value == value.rounded(), value < Double(Int32.max) else {
                        throw fail("line \(index + 1), column \(k + 1): label '\(field)' is not a class index ≥ 0")
                    }
                    labels.append(Int(value))
                } else {
                    let converted = Scalar(value)
                    guard converted.isFinite else {
                        throw fail("line \(index + 1), column \(k + 1): '\(field)' overflows \(Scalar.self)")
                    }
                    values.append(converted)
                }
            }
        }
        guard let columns else { throw fail("holds no data lines") }
        let features = try Matrix<Scalar>(rows: columns - 1, columns: labels.count, columnMajor: values)
        try self.init(features: features, labels: labels, classCount: classCount ?? ((labels.max() ?? -1) + 1))
    }

    /// Examples from two `.npy` files as NumPy code writes them: features `N × d`
    /// (one example per row) and labels of length `N` (shape `(N,)`, `(N, 1)` or `(1, N)`,
    /// dtype float32 or float64 holding integers; see ``/DenseLinearAlgebra/NumPyFormat`` for the dtypes read).
    /// - Parameter classCount: the number of classes; nil takes `max(label) + 1`.
    /// - Complexity: one pass over each file and one transposition of the features.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/malformedFile(path:reason:)`` for a malformed file, a label
    ///   that is not a class index, or files that disagree on `N`.
    public init(numPyFeatures featuresPath: String, numPyLabels labelsPath: String, classCount: Int? = nil) throws {
        let rowsPerExample = try Matrix<Scalar>(contentsOfNumPyFile: featuresPath)
        let labelMatrix = try Matrix<Double>(contentsOfNumPyFile: labelsPath)
        guard labelMatrix.rows == 1 || labelMatrix.columns == 1 else {
            throw LinearAlgebraError.malformedFile(
                path: labelsPath, reason: "has shape \(labelMatrix.rows)×\(labelMatrix.columns); labels must be a vector")
        }
        let labels = try labelMatrix.elements.enumerated().map { k, value in
            guard value >= 0, value == value.rounded(), value < Double(Int32.max) else {
                throw LinearAlgebraError.malformedFile(path: labelsPath, reason: "label \(k) is \(value), not a class index ≥ 0")
            }
            return Int(value)
        }
        guard labels.count == rowsPerExample.rows else {
            throw LinearAlgebraError.malformedFile(
                path: labelsPath, reason: "holds \(labels.count) labels but \(featuresPath) holds \(rowsPerExample.rows) rows")
        }
        try self.init(features: rowsPerExample.transposed(), labels: labels,
                      classCount: classCount ?? ((labels.max() ?? -1) + 1))
    }
}
