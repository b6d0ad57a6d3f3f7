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
        /// Detected: a column the header names as in ``labelNames``, whatever it holds; else whichever of the first and the
        /// last column holds class ids (integers ≥ 0, at least two distinct values, at most
        /// ``largestDetectedClassCount`` classes and not a sparse spread such as pixels 0…255:
        /// above ``sparseClassCount`` classes at least half of them present); else the first, whose
        /// values then give the error. When both ends hold class ids the file is refused: the
        /// column must be given.
        /// ``Contents/labelColumnReason`` says why when the column chosen is not the first.
        case automatic
        /// The first field.
        case first
        /// The last field.
        case last
        /// The field at this 0-based index.
        case index(Int)

        /// `first`, `last` or the 1-based column number, as a person counts columns.
        public var description: String {
            switch self {
            case .automatic: return "detected"
            case .first: return "first"
            case .last: return "last"
            case let .index(k): return "\(k + 1)"
            }
        }

        /// The 0-based index in a line of `fieldCount` fields; nil for `automatic`, which
        /// ``parse(_:as:labelColumn:header:path:)`` resolves to another case first.
        func resolved(fieldCount: Int) -> Int? {
            switch self {
            case .automatic: return nil
            case .first: return 0
            case .last: return fieldCount - 1
            case let .index(k): return k
            }
        }
    }

    /// Why ``LabelColumn/automatic`` chose a column other than the first; its description reads as a
    /// clause ("the header names it 'label'").
    public enum LabelColumnReason: Sendable, Equatable, CustomStringConvertible {
        /// The header names it (the name as written).
        case namedInHeader(String)
        /// The first column holds a value that is not an integer ≥ 0; the last holds class ids.
        case firstHoldsNonIntegers
        /// The first column's integers do not look like class ids (one value, or a sparse spread);
        /// the last's do.
        case firstHoldsNoClassIDs

        public var description: String {
            switch self {
            case let .namedInHeader(name): return "the header names it '\(name)'"
            case .firstHoldsNonIntegers: return "the first holds non-integers"
            case .firstHoldsNoClassIDs: return "the first does not hold class ids"
            }
        }
    }

    /// Header names that mark a column as the label (any case), for ``LabelColumn/automatic``.
    public static var labelNames: Set<String> { ["label", "labels", "class", "target", "y"] }

    /// The most classes ``LabelColumn/automatic`` accepts in a column: more is almost always a
    /// feature, or an id, read as the label.
    public static var largestDetectedClassCount: Int { 10_000 }

    /// Above this many classes, ``LabelColumn/automatic`` wants at least half of them present in a
    /// column: a sparser spread (pixels 0…255) is almost always a feature.
    public static var sparseClassCount: Int { 100 }

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
        /// Why ``LabelColumn/automatic`` chose ``labelColumn`` when it is not the first column; nil
        /// otherwise.
        public var labelColumnReason: LabelColumnReason?

        @usableFromInline
        init(features: Matrix<Scalar>, labels: [Int], header: [String]?, labelColumn: Int,
             labelColumnReason: LabelColumnReason?) {
            (self.features, self.labels, self.header) = (features, labels, header)
            (self.labelColumn, self.labelColumnReason) = (labelColumn, labelColumnReason)
        }
    }

    /// What one pass over the bytes finds, in `Double`: the field count, the feature values
    /// example by example, the labels, the header and the label's 0-based column.
    @usableFromInline
    typealias ParsedNumbers = (columns: Int, values: [Double], labels: [Int], header: [String]?, label: Int)

    /// Parses CSV `bytes` (already decompressed). `path` names the source in error messages.
    /// The label column is detected unless given (``LabelColumn/automatic``).
    /// - Complexity: one pass over the bytes given the label column, at most two to detect it.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/malformedFile(path:reason:)`` naming the line and column of a
    ///   field that is not a finite number (or overflows `Scalar`), a label that is not an integer
    ///   class id ≥ 0, a line with another field count than the first, a label column outside the
    ///   line, a file without data lines, or one that is not text (a NUL byte in its first 4 KiB); with ``LabelColumn/automatic``,
    ///   a file whose first and last columns both hold class ids.
    @inlinable
    public static func parse<Scalar: LinearAlgebraScalar>(
        _ bytes: [UInt8], as: Scalar.Type = Scalar.self, labelColumn: LabelColumn = .automatic,
        header: HeaderLine = .automatic, path: String
    ) throws -> Contents<Scalar> {
        let (parsed, reason) = try parseNumbers(bytes, labelColumn: labelColumn, header: header, path: path)
        let (columns, values, labels, header, label) = parsed
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
        return Contents(features: features, labels: labels, header: header, labelColumn: label, labelColumnReason: reason)
    }

    /// ``parseNumbers(_:labelColumn:header:path:)`` with `labelColumn` resolved by the rules of
    /// ``LabelColumn/automatic`` when it is that, and the reason a detected column is not the first.
    /// - Complexity: one pass over the bytes for a column the header names, else two (the first and
    ///   the last column).
    @usableFromInline
    static func parseNumbers(_ bytes: [UInt8], labelColumn: LabelColumn, header: HeaderLine, path: String)
        throws -> (ParsedNumbers, reason: LabelColumnReason?) {
        guard labelColumn == .automatic else {
            return (try parseNumbers(bytes, resolvedLabelColumn: labelColumn, header: header, path: path), nil)
        }
        func parsed(_ column: LabelColumn) throws -> ParsedNumbers {
            try parseNumbers(bytes, resolvedLabelColumn: column, header: header, path: path)
        }
        func holdsClassIDs(_ labels: [Int]) -> Bool {
            let distinct = Set(labels).count
            let classes = (labels.max() ?? -1) + 1
            return distinct >= 2 && classes <= largestDetectedClassCount
                && (classes <= sparseClassCount || 2 * distinct >= classes)
        }
        // A column the header names is the label, whatever it holds (its values are checked as labels).
        if let fields = firstLineFields(bytes), isHeader(fields, header),
           let named = fields.firstIndex(where: { labelNames.contains($0.lowercased()) }) {
            return (try parsed(.index(named)), named == 0 ? nil : .namedInHeader(fields[named]))
        }
        let first: ParsedNumbers
        do {
            first = try parsed(.first)
        } catch let LinearAlgebraError.malformedFile(_, reason) where reason.contains("not a class id") {
            guard let last = try? parsed(.last), holdsClassIDs(last.labels) else {
                // Neither end holds class ids: the first column's error says where.
                throw LinearAlgebraError.malformedFile(path: path, reason: reason)
            }
            return (last, .firstHoldsNonIntegers)
        }
        // The first column holds no class ids: a last column that fails as labels says where.
        guard holdsClassIDs(first.labels) else {
            let last = try parsed(.last)
            return holdsClassIDs(last.labels) ? (last, .firstHoldsNoClassIDs) : (first, nil)
        }
        // Both ends may hold class ids (an integer feature such as a count or a noisy pixel at one
        // of them): taking either would be a guess.
        guard let last = try? parsed(.last), holdsClassIDs(last.labels) else { return (first, nil) }
        let classes = { (labels: [Int]) in (labels.max() ?? -1) + 1 }
        throw LinearAlgebraError.malformedFile(
            path: path, reason: "has class ids in its first and its last column (\(classes(first.labels)) and "
                + "\(classes(last.labels)) classes), so its label column must be given")
    }

    /// The comma-separated fields of a line, trimmed of spaces.
    static func fields(of line: UnsafeBufferPointer<UInt8>) -> [String] {
        String(decoding: line, as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Whether a first line of `fields` is a header under `header`: always for `present`, never for
    /// `absent`, and for `automatic` when most fields are not numbers ("nan" and "inf" count as
    /// numbers, so that a data line holding them is reported as such).
    static func isHeader(_ fields: [String], _ header: HeaderLine) -> Bool {
        header == .present || (header == .automatic && 2 * fields.count(where: { Double($0) != nil }) < fields.count)
    }

    /// The fields of the first line that is not blank (trailing `\r`, spaces and tabs ignored), nil
    /// when there is none.
    static func firstLineFields(_ bytes: [UInt8]) -> [String]? {
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                let (lineEnd, contentEnd) = line(in: buffer, from: start, before: buffer.count)
                if contentEnd > start { return fields(of: UnsafeBufferPointer(rebasing: buffer[start..<contentEnd])) }
                start = lineEnd + 1
            }
            return nil
        }
    }

    /// The line of `buffer` starting at `start` (bytes before `end`): where it ends (its `\n`, or
    /// `end`) and where its content ends, trailing `\r`, spaces and tabs dropped (`start` for a blank line).
    static func line(in buffer: UnsafeBufferPointer<UInt8>, from start: Int, before end: Int)
        -> (lineEnd: Int, contentEnd: Int) {
        var lineEnd = start
        while lineEnd < end, buffer[lineEnd] != 0x0A { lineEnd += 1 }
        var contentEnd = lineEnd
        while contentEnd > start, buffer[contentEnd - 1] == 0x0D || buffer[contentEnd - 1] == 0x20
            || buffer[contentEnd - 1] == 0x09 { contentEnd -= 1 }
        return (lineEnd, contentEnd)
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

    /// The numbers of CSV `bytes` in `Double`, not generic (one specialised pass over the bytes),
    /// the label read from `labelColumn` (not ``LabelColumn/automatic``).
    static func parseNumbers(_ bytes: [UInt8], resolvedLabelColumn labelColumn: LabelColumn, header: HeaderLine,
                             path: String) throws -> ParsedNumbers {
        func fail(_ reason: String) -> LinearAlgebraError { .malformedFile(path: path, reason: reason) }
        // Text holds no NUL byte; a binary file (an .npy, an image) would otherwise fail on some field.
        if let zero = bytes.prefix(4096).firstIndex(of: 0) {
            throw fail("is not text (byte \(zero + 1) is 0), so not a CSV file of comma-separated numbers")
        }
        var text = bytes
        text.append(0)  // strtod stops at the terminator after the last field
        return try text.withUnsafeBufferPointer { buffer -> ParsedNumbers in
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
                let (lineEnd, contentEnd) = Self.line(in: buffer, from: position, before: end)
                defer { position = lineEnd + 1 }
                if contentEnd == position { continue }  // blank line
                if isFirstLine {
                    isFirstLine = false
                    let fields = Self.fields(of: UnsafeBufferPointer(rebasing: buffer[position..<contentEnd]))
                    if Self.isHeader(fields, header) {
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
                    guard row.count >= 2, let resolved = labelColumn.resolved(fieldCount: row.count),
                          (0..<row.count).contains(resolved) else {
                        let index = if case let .index(k) = labelColumn { " (0-based index \(k))" } else { "" }
                        throw fail("line \(lineNumber) has \(row.count) fields; the label column \(labelColumn)\(index) "
                            + "and at least one feature are needed")
                    }
                    label = resolved
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
        contentsOf path: String, as: Scalar.Type = Scalar.self, labelColumn: LabelColumn = .automatic,
        header: HeaderLine = .automatic
    ) throws -> Contents<Scalar> {
        try parse(try IDXFormat.contents(of: path), as: Scalar.self, labelColumn: labelColumn, header: header, path: path)
    }
}
