/// A dense column-major matrix stored as 16-bit words of a ``StoragePrecision``
/// (``StoragePrecision/bfloat16`` or ``StoragePrecision/float16``): half the memory of a
/// `Matrix<Float>`, for checkpoints, memory accounting and the low-precision GEMM.
///
/// It computes nothing in 16 bits: ``multiply(_:_:transposingA:transposingB:into:)``
/// widens the operands to `Float` (exactly), runs one `sgemm` (Float accumulation) and
/// rounds the result back on store — the arithmetic of bf16/fp16 tensor hardware.
public struct LowPrecisionMatrix: Sendable, Hashable, Codable {
    /// The format of ``words``.
    public let precision: StoragePrecision
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The entries' bit patterns in column-major order (`rows·columns` of them).
    public private(set) var words: [UInt16]

    /// `matrix` with every entry rounded to the nearest value of `precision`.
    /// - Complexity: one pass over the entries.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` for ``StoragePrecision/float32``.
    public init(_ matrix: Matrix<Float>, precision: StoragePrecision) throws {
        try precision.requireSixteenBit("LowPrecisionMatrix")
        self.precision = precision
        (rows, columns) = (matrix.rows, matrix.columns)
        words = try precision.encode(matrix.elements)
    }

    /// A matrix from its 16-bit words.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` for
    ///   ``StoragePrecision/float32``; ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)``
    ///   when `words.count != rows·columns`; as ``SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)``.
    public init(rows: Int, columns: Int, words: [UInt16], precision: StoragePrecision) throws {
        try precision.requireSixteenBit("LowPrecisionMatrix(rows:columns:words:precision:)")
        try SizePolicy.check("LowPrecisionMatrix(rows:columns:words:precision:)", "matrix", rows: rows,
                             columns: columns, of: Float.self)
        guard Matrix<Float>.isValidShape(rows: rows, columns: columns, count: words.count) else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "LowPrecisionMatrix(rows:columns:words:precision:)",
                expected: "\(rows)×\(columns) words", actual: "\(words.count) words")
        }
        (self.rows, self.columns, self.words, self.precision) = (rows, columns, words, precision)
    }

    /// The exact values as a `Matrix<Float>`.
    /// - Complexity: one pass over the entries.
    public func float() -> Matrix<Float> {
        var result = Matrix<Float>(checkedRows: rows, columns: columns)
        result.withUnsafeMutableBufferPointer { target in
            words.withUnsafeBufferPointer { source in
                // The counts agree by construction, and the precision is a 16-bit one.
                try? precision.decode(source, into: target)
            }
        }
        return result
    }

    /// The bytes of the entries: `2·rows·columns`.
    public var byteCount: Int { words.count * MemoryLayout<UInt16>.size }

    /// `c ← round(op(a)·op(b))`: both operands widened to Float, one `sgemm` accumulating in
    /// Float, the product rounded to `c`'s precision on store. The result is bit for bit
    /// `round(sgemm(a.float(), b.float()))`.
    /// - Complexity: `2·m·n·k` flops plus `m·k + k·n` widenings and `m·n` roundings; two
    ///   Float copies of the operands and one of the product.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when `op(a)·op(b)`
    ///   is not defined or does not have `c`'s shape, as `Matrix`'s GEMM.
    public static func multiply(_ a: LowPrecisionMatrix, _ b: LowPrecisionMatrix,
                                transposingA transposeA: Transpose = .none, transposingB transposeB: Transpose = .none,
                                into c: inout LowPrecisionMatrix) throws {
        var product = Matrix<Float>(checkedRows: c.rows, columns: c.columns)
        try Matrix.multiply(a.float(), b.float(), transposingA: transposeA, transposingB: transposeB, into: &product)
        let precision = c.precision
        // The counts agree (the product has c's shape) and the precision is a 16-bit one.
        product.withUnsafeBufferPointer { source in
            c.words.withUnsafeMutableBufferPointer { target in try? precision.encode(source, into: target) }
        }
    }
}
