import DenseLinearAlgebra

// Codable, so an optimizer can checkpoint a decomposition and resume with the
// exact same eigenbasis (recomputing it is not bit-reproducible across BLAS
// thread counts). Decoding re-checks the invariants the initialisers establish.

extension SymmetricEigendecomposition: Codable {
    enum CodingKeys: String, CodingKey { case order, eigenvalues, eigenvectors }

    /// Decodes a decomposition and checks its shapes: `k ≤ n` eigenvalues, eigenvectors
    /// `n × k` (or `n × 0` without vectors), all finite.
    /// - Complexity: one pass over the stored entries.
    /// - Throws: `DecodingError.dataCorrupted` naming the mismatch.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let order = try container.decode(Int.self, forKey: .order)
        let eigenvalues = try container.decode([Scalar].self, forKey: .eigenvalues)
        let eigenvectors = try container.decode(Matrix<Scalar>.self, forKey: .eigenvectors)
        let k = eigenvalues.count
        guard order >= 0, k <= order, eigenvectors.rows == order,
              eigenvectors.columns == k || eigenvectors.columns == 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .eigenvectors, in: container,
                debugDescription: "order \(order) with \(k) eigenvalues needs \(order)×\(k) or \(order)×0 eigenvectors, "
                    + "found \(eigenvectors.rows)×\(eigenvectors.columns)")
        }
        guard eigenvalues.allSatisfy(\.isFinite), eigenvectors.isFinite else {
            throw DecodingError.dataCorruptedError(
                forKey: .eigenvalues, in: container, debugDescription: "eigenpairs contain NaN or infinity")
        }
        self.init(uncheckedOrder: order, eigenvalues: eigenvalues, eigenvectors: eigenvectors)
    }

    /// Encodes the order, the eigenvalues and the eigenvectors.
    /// - Complexity: one pass over the entries.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(order, forKey: .order)
        try container.encode(eigenvalues, forKey: .eigenvalues)
        try container.encode(eigenvectors, forKey: .eigenvectors)
    }
}
