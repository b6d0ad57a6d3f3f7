import DenseLinearAlgebra
import Foundation

/// Reading labelled examples from CSV text, raw or gzip-compressed: one example per
/// line, comma-separated numeric fields (surrounding spaces ignored, blank lines and
/// `\r\n` endings accepted), one field the integer class label.
///
/// Numbers are parsed in place with the C library's `strtod` (the "C" locale, so the
/// decimal point is `.`), one pass over the bytes, no string per field.
public enum CSVFormat {
    /// Which field of a line holds the class label.
    public enum LabelColumn: Sendable, Equatable, CustomStringConvertible {
        /// The first field.
        case first
        /// The last field.
        case last
        /// The field at this 0-based index.
        case index(Int)

        /// `first`, `last` or the 1-based column number, as a person counts columns.
        public var description: String {
            switch self {
            case .first: return "first"
            case .last: return "last"
            case let .index(k): return "\(k + 1)"
            }
        }

        /// The 0-based index in a line of `fieldCount` fields.
        func resolved(fieldCount: Int) -> Int {
            switch self {
            case .first: return 0
            case .last: return fieldCount - 1
            case let .index(k): return k
            }
        }
    }

    /// Whether the first line names the columns.
    public enum HeaderLine: Sendable, Equatable {
        /// A header when most fields of the first non-blank line are not numbers (`nan` and `inf`
        /// count as numbers). A first line of numbers with a few other fields is data, so a bad
        /// field there is an error naming it, not a data line lost as a header.
        case automatic
        /// The first non-blank line is a header.
        case present
        /// Every line is data.
        case absent
    }

    /// What a CSV file holds: features (one example per column), labels, and the header if any.
    public struct Contents<Scalar: LinearAlgebraScalar>: Sendable {
        /// `featureCount × count`.
        public var features: Matrix<Scalar>
        /// One class label per example, each ≥ 0.
        public var labels: [Int]
        /// The header's fields, or nil when the file has none.
        public var header: [String]?
        /// The 0-based column the labels were read from.
        public var labelColumn: Int

        @usableFromInline
        init(features: Matrix<Scalar>, labels: [Int], header: [String]?, labelColumn: Int) {
            (self.features, self.labels, self.header, self.labelColumn) = (features, labels, header, labelColumn)
        }
    }

    /// Parses CSV `bytes` (already decompressed). `path` names the source in error messages.
    /// - Complexity: one pass over the bytes.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/malformedFile(path:reason:)`` naming the line and column of a
    ///   field that is not a finite number (or overflows `Scalar`), a label that is not an integer
    ///   class id ≥ 0, a line with another field count than the first, a label column outside the
    ///   line, or a file without data lines.
    @inlinable
    public static func parse<Scalar: LinearAlgebraScalar>(
        _ bytes: [UInt8], as: Scalar.Type = Scalar.self, labelColumn: LabelColumn = .first,
        header: HeaderLine = .automatic, path: String
    ) throws -> Contents<Scalar> {
        let (columns, values, labels, header, label) = try parseNumbers(bytes, labelColumn: labelColumn, header: header,
                                                                        path: path)
        // One conversion pass (inlinable, so specialised for the caller's Scalar); a value finite
        // in Double but not in Scalar is named by its position.
        var converted = [Scalar](repeating: 0, count: values.count)
        let overflow = converted.withUnsafeMutableBufferPointer { target in
            values.withUnsafeBufferPointer { source in
                for k in 0..<source.count { target[k] = Scalar(source[k]) }
                return target.firstIndex { !$0.isFinite }
            }
        }
        if let k = overflow {
            let (example, feature) = k.quotientAndRemainder(dividingBy: columns - 1)
            let column = feature >= label ? feature + 2 : feature + 1
            throw LinearAlgebraError.malformedFile(
                path: path, reason: "data line \(example + 1), column \(column): \(values[k]) overflows \(Scalar.self)")
        }
        let features = try Matrix<Scalar>(rows: columns - 1, columns: labels.count, columnMajor: converted)
        return Contents(features: features, labels: labels, header: header, labelColumn: label)
    }

    /// `strtod` on `buffer` from `offset` (the bytes end with a 0 terminator): the value and the
    /// offset where the number ends (`offset` when none starts there).
    private static func parseNumber(in buffer: UnsafeBufferPointer<UInt8>, from offset: Int) -> (value: Double, end: Int) {
        buffer.extracting(offset...).withMemoryRebound(to: CChar.self) { field in
            guard let start = field.baseAddress else { return (0, offset) }  // nothing left to parse
            var fieldEnd: UnsafeMutablePointer<CChar>?
            let value = strtod(start, &fieldEnd)
            guard let fieldEnd else { return (value, offset) }
            return (value, offset + (UnsafePointer(fieldEnd) - start))
        }
    }

    /// The numbers of CSV `bytes` in `Double`, not generic (one specialised pass over the bytes):
    /// the field count, the feature values example by example, the labels, the header and the
    /// label's column index.
    @usableFromInline
    static func parseNumbers(_ bytes: [UInt8], labelColumn: LabelColumn, header: HeaderLine, path: String)
        throws -> (Int, [Double], [Int], [String]?, Int) {
        func fail(_ reason: String) -> LinearAlgebraError { .malformedFile(path: path, reason: reason) }
        var text = bytes
        text.append(0)  // strtod stops at the terminator after the last field
        return try text.withUnsafeBufferPointer { buffer -> (Int, [Double], [Int], [String]?, Int) in
            let end = buffer.count - 1
            var position = 0
            var lineNumber = 0
            var headerFields: [String]?
            var columns: Int?
            var label = 0
            var values: [Double] = []
            values.reserveCapacity(bytes.count / 4)
            var labels: [Int] = []
            var row: [Double] = []
            var isFirstLine = true
            // The first line when detection read it as data (a bad field there may be a header's).
            var detectedDataLine: Int?
            while position < end {
                lineNumber += 1
                var lineEnd = position
                while lineEnd < end, buffer[lineEnd] != 0x0A { lineEnd += 1 }
                defer { position = lineEnd + 1 }
                var contentEnd = lineEnd
                while contentEnd > position, buffer[contentEnd - 1] == 0x0D || buffer[contentEnd - 1] == 0x20
                    || buffer[contentEnd - 1] == 0x09 { contentEnd -= 1 }
                if contentEnd == position { continue }  // blank line
                if isFirstLine {
                    isFirstLine = false
                    let fields = String(decoding: UnsafeBufferPointer(rebasing: buffer[position..<contentEnd]), as: UTF8.self)
                        .split(separator: ",", omittingEmptySubsequences: false)
                        .map { $0.trimmingCharacters(in: .whitespaces) }
                    // "nan" and "inf" count as numbers here: a data line with them is reported as such.
                    let numbers = fields.count(where: { Double($0) != nil })
                    if header == .present || (header == .automatic && 2 * numbers < fields.count) {
                        headerFields = fields
                        continue
                    }
                    if header == .automatic { detectedDataLine = lineNumber }
                }
                row.removeAll(keepingCapacity: true)
                var cursor = position
                while true {
                    let (value, parsedEnd) = parseNumber(in: buffer, from: cursor)
                    // strtod skips leading white space, newlines included: a parse that ends past
                    // this line's content read from the next line and is no number of this field.
                    var next = parsedEnd
                    while next < contentEnd, buffer[next] == 0x20 || buffer[next] == 0x09 { next += 1 }
                    let isNumber = parsedEnd > cursor && parsedEnd <= contentEnd
                        && (next == contentEnd || buffer[next] == 0x2C) && value.isFinite
                    if !isNumber {
                        var stop = cursor
                        while stop < contentEnd, buffer[stop] != 0x2C { stop += 1 }
                        let field = String(decoding: UnsafeBufferPointer(rebasing: buffer[cursor..<stop]), as: UTF8.self)
                            .trimmingCharacters(in: .whitespaces)
                        let first = lineNumber == detectedDataLine
                            ? " (this first line is mostly numbers, so it was read as data, not as a header)" : ""
                        // A line without commas (another separator, or not text) is shown in part.
                        let shown = field.count > 40 ? field.prefix(40) + "…" : field
                        let separator = row.isEmpty && stop == contentEnd && field.contains(where: { $0 == ";" || $0 == "\t" })
                            ? " (fields are separated by commas, and this line has none)" : ""
                        throw fail("line \(lineNumber), column \(row.count + 1): '\(shown)' is not a finite number\(first)\(separator)")
                    }
                    row.append(value)
                    if next == contentEnd { break }
                    cursor = next + 1
                }
                if let columns {
                    guard row.count == columns else {
                        throw fail("line \(lineNumber) has \(row.count) fields, the first data line has \(columns)")
                    }
                } else {
                    label = labelColumn.resolved(fieldCount: row.count)
                    guard row.count >= 2, label >= 0, label < row.count else {
                        throw fail("line \(lineNumber) has \(row.count) fields; the label column \(labelColumn) "
                            + "and at least one feature are needed")
                    }
                    columns = row.count
                }
                for (k, value) in row.enumerated() {
                    if k == label {
                        guard value >= 0, value == value.rounded(), value < Double(Int32.max) else {
                            throw fail("line \(lineNumber), column \(k + 1): label \(value) is not a class id "
                                + "(an integer ≥ 0); is the label in another column?")
                        }
                        labels.append(Int(value))
                    } else {
                        values.append(value)
                    }
                }
            }
            guard let columns else {
                throw fail("holds no data lines" + (headerFields == nil ? "" : " (its one line was read as a header)"))
            }
            if let headerFields, headerFields.count != columns {
                throw fail("the header has \(headerFields.count) fields, the data lines \(columns)")
            }
            return (columns, values, labels, headerFields, label)
        }
    }

    /// Reads a CSV file, raw or gzip-compressed (recognised by its magic bytes, not its name).
    /// - Throws: as ``parse(_:as:labelColumn:header:path:)``; also for a missing file or corrupt gzip.
    @inlinable
    public static func read<Scalar: LinearAlgebraScalar>(
        contentsOf path: String, as: Scalar.Type = Scalar.self, labelColumn: LabelColumn = .first,
        header: HeaderLine = .automatic
    ) throws -> Contents<Scalar> {
        try parse(try IDXFormat.contents(of: path), as: Scalar.self, labelColumn: labelColumn, header: header, path: path)
    }
}
