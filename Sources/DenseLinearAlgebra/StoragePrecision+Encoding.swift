// Bulk conversion between Float buffers and the 16-bit words of the two half formats.

extension StoragePrecision {
    /// Whether values of this precision have a 16-bit encoding (``bfloat16``, ``float16``).
    public var isSixteenBit: Bool { self != .float32 }

    /// Throws unless this precision has a 16-bit encoding.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` for ``float32``.
    @usableFromInline
    func requireSixteenBit(_ operation: String) throws {
        guard isSixteenBit else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "precision float32 has no 16-bit encoding; use bfloat16 or float16")
        }
    }

    /// The 16-bit words of the values nearest to `values` (bfloat16 or binary16 bit patterns).
    /// - Complexity: one pass, one rounding per value.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` for ``float32``;
    ///   ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when the
    ///   buffers' counts differ.
    @inlinable
    public func encode(_ values: UnsafeBufferPointer<Float>, into words: UnsafeMutableBufferPointer<UInt16>) throws {
        try requireCounts(values.count, words.count, "StoragePrecision.encode")
        switch self {
        case .bfloat16: for k in values.indices { words[k] = BFloat16(values[k]).bitPattern }
        case .float16: for k in values.indices { words[k] = Float16(values[k]).bitPattern }
        case .float32: break
        }
    }

    /// The exact `Float` values of 16-bit words (the inverse of ``encode(_:into:)`` on stored values).
    /// - Complexity: one pass.
    /// - Throws: as ``encode(_:into:)``.
    @inlinable
    public func decode(_ words: UnsafeBufferPointer<UInt16>, into values: UnsafeMutableBufferPointer<Float>) throws {
        try requireCounts(words.count, values.count, "StoragePrecision.decode")
        switch self {
        case .bfloat16: for k in words.indices { values[k] = BFloat16(bitPattern: words[k]).float }
        case .float16: for k in words.indices { values[k] = Float(Float16(bitPattern: words[k])) }
        case .float32: break
        }
    }

    /// ``encode(_:into:)`` into a new array.
    /// - Throws: as ``encode(_:into:)``.
    public func encode(_ values: [Float]) throws -> [UInt16] {
        var words = [UInt16](repeating: 0, count: values.count)
        try values.withUnsafeBufferPointer { source in
            try words.withUnsafeMutableBufferPointer { try encode(source, into: $0) }
        }
        return words
    }

    /// ``decode(_:into:)`` into a new array.
    /// - Throws: as ``encode(_:into:)``.
    public func decode(_ words: [UInt16]) throws -> [Float] {
        var values = [Float](repeating: 0, count: words.count)
        try words.withUnsafeBufferPointer { source in
            try values.withUnsafeMutableBufferPointer { try decode(source, into: $0) }
        }
        return values
    }

    /// Throws for ``float32`` or for buffers of different lengths.
    @usableFromInline
    func requireCounts(_ source: Int, _ target: Int, _ operation: String) throws {
        try requireSixteenBit(operation)
        guard source == target else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "a target of \(source) values", actual: "\(target) values")
        }
    }
}
