import Foundation

/// Reading and writing NumPy `.npy` files (format versions 1.0, 2.0 and 3.0).
///
/// Supported: dtypes `float32` and `float64` in either byte order, C or Fortran
/// order, 1-D arrays (read as `n × 1` column vectors) and 2-D arrays; integer
/// dtypes (`int8`…`int64`, `uint8`…`uint64`) through ``decodeIntegers(_:path:)``. Anything
/// else, and any file whose header disagrees with its contents, is rejected
/// with ``LinearAlgebraError/malformedFile(path:reason:)``.
///
/// A `float32` file read as `Matrix<Double>` is widened exactly; a `float64`
/// file read as `Matrix<Float>` is refused, since it would lose precision silently.
///
/// Reference: NumPy Enhancement Proposal 1, "A simple file format for NumPy arrays".
public enum NumPyFormat {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// The parsed header of an `.npy` file.
    struct Header {
        var descriptor: String
        var fortranOrder: Bool
        var shape: [Int]
        var dataOffset: Int
    }

    /// Decodes an `.npy` image. `path` names the source in error messages.
    public static func decode<Scalar: LinearAlgebraScalar>(
        _ bytes: [UInt8], as: Scalar.Type = Scalar.self, path: String = "<memory>"
    ) throws -> Matrix<Scalar> {
        func fail(_ reason: String) -> LinearAlgebraError { .malformedFile(path: path, reason: reason) }
        let header = try parseHeader(bytes, fail: fail)
        guard header.shape.count <= 2 else {
            throw fail("has \(header.shape.count) dimensions \(header.shape); only 1-D and 2-D arrays are supported")
        }
        let rows = header.shape.first ?? 1
        let columns = header.shape.count == 2 ? header.shape[1] : 1
        let (width, bigEndian) = try elementFormat(header.descriptor, fail: fail)
        if width == 8 && Scalar.self == Float.self {
            throw fail("holds float64 data; read it as Matrix<Double> (reading it as Float would lose precision)")
        }
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow else { throw fail("has shape \(header.shape), too large to hold") }
        try requirePayload(bytes, header, count: count, width: width, fail: fail)
        var values = [Scalar](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            let data = UnsafeRawBufferPointer(rebasing: raw[header.dataOffset...])
            for k in 0..<count {
                let offset = k * width
                if width == 4 {
                    var bits = data.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
                    bits = bigEndian ? UInt32(bigEndian: bits) : UInt32(littleEndian: bits)
                    values[k] = Scalar(Float(bitPattern: bits))
                } else {
                    var bits = data.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    bits = bigEndian ? UInt64(bigEndian: bits) : UInt64(littleEndian: bits)
                    values[k] = Scalar(Double(bitPattern: bits))
                }
            }
        }
        if header.fortranOrder || columns <= 1 || rows <= 1 {
            return try Matrix(rows: rows, columns: columns, columnMajor: values)
        }
        return try Matrix(rows: columns, columns: rows, columnMajor: values).transposed()
    }

    /// Checks that exactly `count` elements of `width` bytes follow the header: a truncated
    /// file or trailing bytes are a malformed file, as is a byte count beyond `Int`.
    static func requirePayload(_ bytes: [UInt8], _ header: Header, count: Int, width: Int,
                               fail: (String) -> LinearAlgebraError) throws {
        let (expectedBytes, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow else { throw fail("has shape \(header.shape), too large to hold") }
        let available = bytes.count - header.dataOffset
        guard available == expectedBytes else {
            throw fail(available < expectedBytes
                ? "is truncated: the header promises \(expectedBytes) data bytes but only \(available) follow"
                : "has \(available - expectedBytes) bytes beyond the \(expectedBytes) its header declares")
        }
    }

    /// Decodes an `.npy` image of integers (`int8`…`int64`, `uint8`…`uint64`, either byte
    /// order) or of floats that all hold integers, as class labels or indices are stored.
    /// `path` names the source in error messages.
    /// - Returns: the shape and the values in C (row-major) order.
    /// - Complexity: one pass over the data.
    /// - Throws: ``LinearAlgebraError/malformedFile(path:reason:)`` for a malformed image, another
    ///   dtype, a float value that is not an integer, or a value beyond `Int`'s range.
    public static func decodeIntegers(_ bytes: [UInt8], path: String = "<memory>") throws -> (shape: [Int], values: [Int]) {
        func fail(_ reason: String) -> LinearAlgebraError { .malformedFile(path: path, reason: reason) }
        let header = try parseHeader(bytes, fail: fail)
        if (try? elementFormat(header.descriptor, fail: fail)) != nil {
            let matrix: Matrix<Double> = try decode(bytes, path: path)
            let values = try matrix.transposed().elements.enumerated().map { k, value in
                guard value == value.rounded(), abs(value) < 0x1p62 else {
                    throw fail("value \(k) is \(value), not an integer (dtype \(header.descriptor))")
                }
                return Int(value)
            }
            return (header.shape, values)
        }
        let (width, signed, bigEndian) = try integerFormat(header.descriptor, fail: fail)
        let count = try header.shape.reduce(1) { product, dimension in
            let (result, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw fail("has shape \(header.shape), too large to hold") }
            return result
        }
        try requirePayload(bytes, header, count: count, width: width, fail: fail)
        var values = [Int](repeating: 0, count: count)
        var tooLarge: Int?
        bytes.withUnsafeBytes { raw in
            let data = UnsafeRawBufferPointer(rebasing: raw[header.dataOffset...])
            for k in 0..<count {
                var bits: UInt64 = 0
                for b in 0..<width {
                    let byte = UInt64(data[k * width + (bigEndian ? width - 1 - b : b)])
                    bits |= byte << (8 * UInt64(b))
                }
                if signed {
                    let shift = UInt64(64 - 8 * width)
                    values[k] = Int(Int64(bitPattern: bits << shift) >> Int64(shift))
                } else if bits > UInt64(Int.max) {
                    if tooLarge == nil { tooLarge = k }
                } else {
                    values[k] = Int(bits)
                }
            }
        }
        if let tooLarge { throw fail("value \(tooLarge) exceeds the largest Int") }
        return (header.shape, header.fortranOrder && header.shape.count == 2 ? transposedOrder(values, header.shape) : values)
    }

    /// Column-major `values` of a 2-D `shape` in row-major order.
    static func transposedOrder(_ values: [Int], _ shape: [Int]) -> [Int] {
        let (rows, columns) = (shape[0], shape[1])
        var result = values
        for i in 0..<rows {
            for j in 0..<columns { result[i * columns + j] = values[j * rows + i] }
        }
        return result
    }

    /// Width in bytes, signedness and byte order of an integer dtype descriptor.
    static func integerFormat(_ descriptor: String, fail: (String) -> LinearAlgebraError) throws -> (Int, Bool, Bool) {
        var text = Substring(descriptor)
        var bigEndian = false
        if let order = text.first, "<>=|".contains(order) {
            bigEndian = order == ">"
            text = text.dropFirst()
        }
        guard let kind = text.first, kind == "i" || kind == "u", let width = Int(text.dropFirst()),
              [1, 2, 4, 8].contains(width) else {
            throw fail("has dtype '\(descriptor)'; integer labels must be int8…int64 or uint8…uint64 "
                + "(or floats holding integers)")
        }
        return (width, kind == "i", bigEndian)
    }

    /// Encodes `matrix` as a version 1.0 `.npy` image in Fortran order with the
    /// scalar's own dtype. With `asVector`, a single column is written as a 1-D array.
    public static func encode<Scalar: LinearAlgebraScalar>(_ matrix: Matrix<Scalar>, asVector: Bool = false) -> [UInt8] {
        let shape = asVector && matrix.columns == 1 ? "(\(matrix.rows),)" : "(\(matrix.rows), \(matrix.columns))"
        var text = "{'descr': '\(Scalar.numpyDescriptor)', 'fortran_order': True, 'shape': \(shape), }"
        let unpadded = magic.count + 2 + 2 + text.utf8.count + 1
        text += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes = magic + [1, 0]
        let length = UInt16(text.utf8.count)
        bytes += [UInt8(length & 0xFF), UInt8(length >> 8)]
        bytes += Array(text.utf8)
        bytes.reserveCapacity(bytes.count + matrix.elements.count * MemoryLayout<Scalar>.size)
        for value in matrix.elements {
            if let single = value as? Float {
                withUnsafeBytes(of: single.bitPattern.littleEndian) { bytes += $0 }
            } else {
                withUnsafeBytes(of: Double(value).bitPattern.littleEndian) { bytes += $0 }
            }
        }
        return bytes
    }

    /// Splits the magic string, version, header length and header dictionary.
    static func parseHeader(_ bytes: [UInt8], fail: (String) -> LinearAlgebraError) throws -> Header {
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw fail("is not a NumPy .npy file (bad magic string)")
        }
        let major = bytes[6]
        let headerLength: Int
        let start: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            start = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("is truncated inside its header length") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            start = 12
        default:
            throw fail("uses .npy format version \(major).\(bytes[7]), which is not supported (1.0, 2.0, 3.0 are)")
        }
        guard bytes.count >= start + headerLength else {
            throw fail("is truncated: the header declares \(headerLength) bytes but the file ends first")
        }
        guard let text = String(bytes: bytes[start..<(start + headerLength)], encoding: .utf8) else {
            throw fail("has a header that is not valid text")
        }
        let descriptor = try stringValue(forKey: "descr", in: text, fail: fail)
        let order = try rawValue(forKey: "fortran_order", in: text, fail: fail)
        guard order == "True" || order == "False" else { throw fail("has fortran_order '\(order)', not True or False") }
        let shape = try shapeValue(in: text, fail: fail)
        return Header(descriptor: descriptor, fortranOrder: order == "True", shape: shape, dataOffset: start + headerLength)
    }

    /// The element width in bytes and byte order of a supported dtype descriptor.
    static func elementFormat(_ descriptor: String, fail: (String) -> LinearAlgebraError) throws -> (Int, Bool) {
        switch descriptor {
        case "<f4", "=f4", "f4": return (4, false)
        case ">f4": return (4, true)
        case "<f8", "=f8", "f8": return (8, false)
        case ">f8": return (8, true)
        default: throw fail("has dtype '\(descriptor)'; only float32 and float64 are supported")
        }
    }

    /// The text after `'key':` up to the next top-level comma or closing brace.
    static func rawValue(forKey key: String, in text: String, fail: (String) -> LinearAlgebraError) throws -> String {
        guard let keyRange = text.range(of: "'\(key)'") ?? text.range(of: "\"\(key)\"") else {
            throw fail("has no '\(key)' entry in its header")
        }
        var rest = text[keyRange.upperBound...].drop { $0 == " " }
        guard rest.first == ":" else { throw fail("has a malformed '\(key)' entry") }
        rest = rest.dropFirst().drop { $0 == " " }
        var depth = 0
        var value = ""
        for character in rest {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if depth == 0 && (character == "," || character == "}") { break }
            value.append(character)
            if depth < 0 { throw fail("has unbalanced parentheses in '\(key)'") }
        }
        return value.trimmingCharacters(in: .whitespaces)
    }

    static func stringValue(forKey key: String, in text: String, fail: (String) -> LinearAlgebraError) throws -> String {
        let raw = try rawValue(forKey: key, in: text, fail: fail)
        guard raw.count >= 2, let quote = raw.first, quote == "'" || quote == "\"", raw.last == quote else {
            throw fail("has a '\(key)' entry that is not a string: \(raw)")
        }
        return String(raw.dropFirst().dropLast())
    }

    static func shapeValue(in text: String, fail: (String) -> LinearAlgebraError) throws -> [Int] {
        let raw = try rawValue(forKey: "shape", in: text, fail: fail)
        guard raw.first == "(", raw.last == ")" else { throw fail("has a shape that is not a tuple: \(raw)") }
        let parts = raw.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        return try parts.map { part in
            guard let value = Int(part), value >= 0 else { throw fail("has an invalid dimension '\(part)' in its shape") }
            return value
        }
    }
}

extension Matrix {
    /// Reads a `.npy` file (see ``NumPyFormat``).
    /// - Throws: ``LinearAlgebraError/malformedFile(path:reason:)`` if the file cannot be read or is malformed.
    public init(contentsOfNumPyFile path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LinearAlgebraError.malformedFile(path: path, reason: "cannot be read (missing or not readable)")
        }
        self = try NumPyFormat.decode([UInt8](data), as: Scalar.self, path: path)
    }

    /// Writes the matrix as a `.npy` file (see ``NumPyFormat/encode(_:asVector:)``).
    /// - Throws: ``LinearAlgebraError/malformedFile(path:reason:)`` if the file cannot be written.
    public func writeNumPyFile(to path: String, asVector: Bool = false) throws {
        let bytes = NumPyFormat.encode(self, asVector: asVector)
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw LinearAlgebraError.malformedFile(path: path, reason: "cannot be written")
        }
    }
}
