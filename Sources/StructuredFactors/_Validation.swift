import DenseLinearAlgebra

/// Throws ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN or ±∞.
@inlinable
func requireFiniteScalar<Scalar: LinearAlgebraScalar>(_ value: Scalar, _ operation: String, argument: String) throws {
    guard value.isFinite else { throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: argument) }
}

/// Throws ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` if any value is NaN or ±∞.
@inlinable
func requireFiniteValues<Scalar: LinearAlgebraScalar>(_ values: [Scalar], _ operation: String, argument: String) throws {
    guard values.withUnsafeBufferPointer({ allFinite($0) }) else {
        throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: argument)
    }
}

/// Checks an order `n` with ``/DenseLinearAlgebra/SizePolicy`` (non-negative, within the index range and budget as `n` entries).
@inlinable
func requireOrder<Scalar: LinearAlgebraScalar>(_ n: Int, _ operation: String, of _: Scalar.Type) throws {
    try SizePolicy.check(operation, "order", count: n, of: Scalar.self)
}

/// Throws unless `matrix` is square and finite: the check in front of every projection.
@inlinable
func requireSymmetricOperand<Scalar: LinearAlgebraScalar>(_ matrix: Matrix<Scalar>, _ operation: String) throws {
    guard matrix.isSquare else {
        throw LinearAlgebraError.dimensionMismatch(
            operation: operation, expected: "a square matrix", actual: "\(matrix.rows)×\(matrix.columns)")
    }
    try matrix.requireFinite(operation, argument: "M")
}

/// Throws unless `matrix` is `rows × columns` and finite: the check of a stored component.
@inlinable
func requireComponent<Scalar: LinearAlgebraScalar>(_ matrix: Matrix<Scalar>, rows: Int, columns: Int,
                                                  _ operation: String, argument: String) throws {
    guard matrix.rows == rows, matrix.columns == columns else {
        throw LinearAlgebraError.dimensionMismatch(
            operation: operation, expected: "\(argument) of size \(rows)×\(columns)",
            actual: "\(matrix.rows)×\(matrix.columns)")
    }
    try matrix.requireFinite(operation, argument: argument)
}

/// Runs a validating initialiser while decoding, turning its ``/DenseLinearAlgebra/LinearAlgebraError`` into
/// `DecodingError.dataCorrupted`, so a corrupted archive never yields an invalid value.
@inlinable
func decodingValidated<T>(_ decoder: any Decoder, _ build: () throws -> T) throws -> T {
    do {
        return try build()
    } catch let error as LinearAlgebraError {
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
    }
}
