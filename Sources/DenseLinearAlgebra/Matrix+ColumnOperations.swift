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

    /// `self · diag(factors)`: column `j` multiplied by `factors[j]`.
    /// - Complexity: one pass over the entries.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless
    ///   `factors.count == columns`.
    @inlinable
    public func scalingColumns(by factors: [Scalar]) throws -> Matrix {
        guard factors.count == columns else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "Matrix.scalingColumns", expected: "\(columns) factors", actual: "\(factors.count)")
        }
        var result = self
        let m = rows
        result.storage.withUnsafeMutableBufferPointer { buffer in
            for (j, factor) in factors.enumerated() {
                for i in 0..<m { buffer[j * m + i] *= factor }
            }
        }
        return result
    }

    /// `diag(factors) · self`: row `i` multiplied by `factors[i]`.
    /// - Complexity: one pass over the entries.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless
    ///   `factors.count == rows`.
    @inlinable
    public func scalingRows(by factors: [Scalar]) throws -> Matrix {
        guard factors.count == rows else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "Matrix.scalingRows", expected: "\(rows) factors", actual: "\(factors.count)")
        }
        var result = self
        let m = rows
        result.storage.withUnsafeMutableBufferPointer { buffer in
            for j in 0..<columns {
                for i in 0..<m { buffer[j * m + i] *= factors[i] }
            }
        }
        return result
    }
}
