extension Matrix {
    /// `‖xⱼ‖²` for every column `j`.
    /// - Complexity: one pass over the entries.
    @inlinable
    public var squaredColumnNorms: [Scalar] {
        let m = rows
        return storage.withUnsafeBufferPointer { buffer in
            (0..<columns).map { j in
                var sum: Scalar = 0
                for i in 0..<m { sum += buffer[j * m + i] * buffer[j * m + i] }
                return sum
            }
        }
    }

    /// The columns `indices`, in that order, as a new matrix (a column permutation or
    /// selection: column `j` of the result is column `indices[j]` of `self`).
    /// - Complexity: one copy of the selected columns.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` for an index outside `0..<columns`;
    ///   as ``SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` when more columns are selected than `self` has.
    @inlinable
    public func columns(at indices: [Int]) throws -> Matrix {
        if let bad = indices.first(where: { !(0..<columns).contains($0) }) {
            throw LinearAlgebraError.invalidArgument(
                operation: "Matrix.columns(at:)", detail: "column index \(bad) must be in 0..<\(columns)")
        }
        let m = rows
        // A selection no larger than `self` needs no size check (a batch of a data set).
        var result = indices.count <= columns
            ? Matrix(checkedRows: m, columns: indices.count)
            : try Matrix(rows: m, columns: indices.count, for: "Matrix.columns(at:)", "selection")
        storage.withUnsafeBufferPointer { source in
            result.storage.withUnsafeMutableBufferPointer { target in
                for (j, column) in indices.enumerated() {
                    for i in 0..<m { target[i + j * m] = source[i + column * m] }
                }
            }
        }
        return result
    }

    /// `self · diag(factors)`: column `j` multiplied by `factors[j]`.
    /// - Complexity: one pass over the entries and one copy; ``scaleColumns(by:)`` scales in place.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless
    ///   `factors.count == columns`.
    @inlinable
    public func scalingColumns(by factors: [Scalar]) throws -> Matrix {
        var result = self
        try result.scaleColumns(by: factors)
        return result
    }

    /// `diag(factors) · self`: row `i` multiplied by `factors[i]`.
    /// - Complexity: one pass over the entries and one copy; ``scaleRows(by:)`` scales in place.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless
    ///   `factors.count == rows`.
    @inlinable
    public func scalingRows(by factors: [Scalar]) throws -> Matrix {
        var result = self
        try result.scaleRows(by: factors)
        return result
    }

    /// `self ← self · diag(factors)`: column `j` multiplied by `factors[j]`, in place
    /// (the right multiplication by a diagonal matrix, e.g. `Q·diag(f(d))` of a spectral function).
    /// - Complexity: one pass over the entries, no allocation (unless the storage is shared).
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless
    ///   `factors.count == columns`.
    @inlinable
    public mutating func scaleColumns(by factors: [Scalar]) throws {
        guard factors.count == columns else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "Matrix.scaleColumns", expected: "\(columns) factors", actual: "\(factors.count)")
        }
        let m = rows
        storage.withUnsafeMutableBufferPointer { buffer in
            factors.withUnsafeBufferPointer { f in
                for j in 0..<f.count {
                    let factor = f[j]
                    for i in 0..<m { buffer[j * m + i] *= factor }
                }
            }
        }
    }

    /// `self ← diag(factors) · self`: row `i` multiplied by `factors[i]`, in place.
    /// - Complexity: one pass over the entries, no allocation (unless the storage is shared).
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless
    ///   `factors.count == rows`.
    @inlinable
    public mutating func scaleRows(by factors: [Scalar]) throws {
        try withMutableView { try $0.scaleRows(by: factors) }
    }
}
