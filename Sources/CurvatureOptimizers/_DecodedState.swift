import DenseLinearAlgebra

/// Checks on decoded optimizer state. A checkpoint is external input: every
/// invariant that a later step relies on (counts, shapes, option ranges) is
/// verified when it is read, so a corrupt file fails with a `DecodingError`
/// instead of trapping steps later.
enum DecodedState {
    /// Throws `DecodingError.dataCorrupted` at the decoder's path unless `condition` holds.
    static func require(_ condition: Bool, _ decoder: any Decoder, _ message: @autoclosure () -> String) throws {
        guard condition else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: message()))
        }
    }

    /// Runs an options check, reporting its error as corrupt data.
    static func validate(_ decoder: any Decoder, _ check: () throws -> Void) throws {
        do {
            try check()
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)",
                                                    underlyingError: error))
        }
    }

    /// `true` for a counter that can still be incremented: `0 ≤ count < Int.max`.
    static func isCounter(_ count: Int) -> Bool { count >= 0 && count < Int.max }

    /// Throws unless `matrices` are one per layer of `shapes`, each of that layer's shape.
    static func requireOnePerLayer<Scalar>(_ matrices: [Matrix<Scalar>], _ shapes: ParameterShapes,
                                           _ decoder: any Decoder, _ name: String) throws {
        let actual = matrices.map { [$0.rows, $0.columns] }
        try require(actual == shapes.shapes, decoder, "\(name) have shapes \(actual), the layers \(shapes.shapes)")
    }
}
