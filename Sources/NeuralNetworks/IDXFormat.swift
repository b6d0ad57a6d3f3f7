import DenseLinearAlgebra
import Foundation

/// Reading IDX files, the format of MNIST and Fashion-MNIST, raw or gzip-compressed.
///
/// Layout (LeCun et al., "The MNIST database", file-format section): two zero bytes, a
/// type byte (`0x08` unsigned byte, `0x09` signed byte, `0x0B` Int16, `0x0C` Int32,
/// `0x0D` Float32, `0x0E` Float64), the number of dimensions `n`, then `n` big-endian
/// UInt32 sizes and the big-endian values in row-major order. A file starting with
/// the gzip magic `1f 8b` is decompressed first. Every inconsistency (bad magic,
/// unknown type, truncated or over-long data, corrupt gzip) throws
/// ``/DenseLinearAlgebra/LinearAlgebraError/malformedFile(path:reason:)`` naming the file.
public enum IDXFormat {
    /// The element types an IDX file may hold.
    @usableFromInline
    enum ElementType: UInt8 {
        case unsignedByte = 0x08, signedByte = 0x09, int16 = 0x0B, int32 = 0x0C, float32 = 0x0D, float64 = 0x0E

        @usableFromInline var width: Int {
            switch self {
            case .unsignedByte, .signedByte: 1
            case .int16: 2
            case .int32, .float32: 4
            case .float64: 8
            }
        }
    }

    /// The parsed header: element type, shape and where the data starts.
    @usableFromInline
    struct Header {
        @usableFromInline var type: ElementType
        @usableFromInline var shape: [Int]
        @usableFromInline var dataOffset: Int
        /// `d₁⋯d_k`, the values per item (the header parser checks it for overflow).
        @usableFromInline var itemSize: Int
        /// `N·d₁⋯d_k`, the values in the file (one for a file without dimensions, a scalar).
        @usableFromInline var count: Int { (shape.first ?? 1) * itemSize }
    }

    /// Reads an IDX file of shape `N × d₁ × … × d_k` as the `(d₁⋯d_k) × N` matrix whose
    /// column `i` is item `i` flattened row-major (so an `N × H × W` image file gives
    /// one `H·W` image per column, pixel `(h, w)` at row `h·W + w`), each value times `scale`.
    /// - Complexity: one pass over the file (plus decompression).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/malformedFile(path:reason:)``.
    @inlinable
    public static func readMatrix<Scalar: LinearAlgebraScalar>(
        contentsOf path: String, scale: Scalar = 1, as: Scalar.Type = Scalar.self
    ) throws -> Matrix<Scalar> {
        let bytes = try contents(of: path)
        let header = try parseHeader(bytes, path: path)
        guard let items = header.shape.first else {
            throw LinearAlgebraError.malformedFile(path: path, reason: "has zero dimensions; expected items × features")
        }
        var values = [Scalar](repeating: 0, count: header.count)
        bytes.withUnsafeBytes { raw in
            let (type, start, width) = (header.type, header.dataOffset, header.type.width)
            values.withUnsafeMutableBufferPointer { target in
                for k in target.indices { target[k] = scale * Scalar(value(raw, type, at: start + k * width)) }
            }
        }
        return try Matrix(rows: header.itemSize, columns: items, columnMajor: values)
    }

    /// Reads a one-dimensional IDX file of integer class labels.
    /// - Complexity: one pass over the file (plus decompression).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/malformedFile(path:reason:)``, also when the file has more
    ///   than one dimension or holds a non-integer or negative value.
    public static func readLabels(contentsOf path: String) throws -> [Int] {
        let bytes = try contents(of: path)
        let header = try parseHeader(bytes, path: path)
        guard header.shape.count == 1 else {
            throw LinearAlgebraError.malformedFile(
                path: path, reason: "has shape \(header.shape); a label file must be one-dimensional")
        }
        return try bytes.withUnsafeBytes { raw in
            try (0..<header.count).map { k in
                let v = value(raw, header.type, at: header.dataOffset + k * header.type.width)
                guard v >= 0, v == v.rounded(), v < Double(Int32.max) else {
                    throw LinearAlgebraError.malformedFile(path: path, reason: "label \(k) is \(v), not a class index ≥ 0")
                }
                return Int(v)
            }
        }
    }

    /// The file's bytes, decompressed when they carry the gzip magic.
    @usableFromInline
    static func contents(of path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            throw LinearAlgebraError.malformedFile(
                path: path, reason: !exists ? "does not exist" : isDirectory.boolValue ? "is a directory, not a file"
                    : "cannot be read (permission denied?)")
        }
        let bytes = [UInt8](data)
        return Gzip.isCompressed(bytes) ? try Gzip.decompress(bytes, path: path) : bytes
    }

    @usableFromInline
    static func parseHeader(_ bytes: [UInt8], path: String) throws -> Header {
        func fail(_ reason: String) -> LinearAlgebraError { .malformedFile(path: path, reason: reason) }
        guard bytes.count >= 4 else { throw fail("is \(bytes.count) bytes long, shorter than the 4-byte IDX magic") }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw fail("does not start with the IDX magic 00 00 (found \(String(format: "%02x %02x", bytes[0], bytes[1])))")
        }
        guard let type = ElementType(rawValue: bytes[2]) else {
            throw fail("has unknown IDX element type 0x\(String(bytes[2], radix: 16))")
        }
        let dimensions = Int(bytes[3])
        let dataOffset = 4 + 4 * dimensions
        guard bytes.count >= dataOffset else { throw fail("is truncated inside its \(dimensions) dimension sizes") }
        let shape = (0..<dimensions).map { d in
            (0..<4).reduce(0) { $0 << 8 | Int(bytes[4 + 4 * d + $1]) }
        }
        // Every product is checked, the item size on its own too: a file of zero items may
        // declare item dimensions whose product overflows, and `count · width` may overflow
        // where `count` does not. Sizes are below 2³², so no single dimension overflows.
        func checkedProduct(_ factors: some Sequence<Int>) throws -> Int {
            try factors.reduce(1) { product, factor in
                let (result, overflow) = product.multipliedReportingOverflow(by: factor)
                guard !overflow else { throw fail("shape \(shape) is too large (its size overflows Int)") }
                return result
            }
        }
        let itemSize = try checkedProduct(shape.dropFirst())
        let expected = try checkedProduct([shape.first ?? 1, itemSize, type.width])
        let available = bytes.count - dataOffset
        guard available == expected else {
            throw fail(available < expected
                ? "is truncated: shape \(shape) needs \(expected) data bytes but only \(available) follow"
                : "has \(available - expected) bytes beyond the \(expected) its shape \(shape) declares")
        }
        return Header(type: type, shape: shape, dataOffset: dataOffset, itemSize: itemSize)
    }

    /// The big-endian value of `type` at byte `offset`.
    @inlinable
    static func value(_ raw: UnsafeRawBufferPointer, _ type: ElementType, at offset: Int) -> Double {
        switch type {
        case .unsignedByte: Double(raw[offset])
        case .signedByte: Double(Int8(bitPattern: raw[offset]))
        case .int16: Double(Int16(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
        case .int32: Double(Int32(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
        case .float32: Double(Float(bitPattern: UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))))
        case .float64: Double(bitPattern: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        }
    }
}
