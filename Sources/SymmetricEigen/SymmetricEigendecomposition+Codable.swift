import DenseLinearAlgebra

/// Decompositions are saved with optimizer checkpoints; decoding validates the
/// shapes and finiteness as ``SymmetricEigendecomposition/init(eigenvalues:eigenvectors:)`` does.
extension SymmetricEigendecomposition: Codable {
    enum CodingKeys: String, CodingKey { case order, eigenvalues, eigenvectors }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let order = try container.decode(Int.self, forKey: .order)
        let eigenvalues = try container.decode([Scalar].self, forKey: .eigenvalues)
        let eigenvectors = try container.decode(Matrix<Scalar>.self, forKey: .eigenvectors)
        let withVectors = eigenvectors.columns == eigenvalues.count && eigenvectors.rows == order
        let valuesOnly = eigenvectors.isEmpty && eigenvalues.count <= order
        guard order >= 0, withVectors || valuesOnly, eigenvalues.allSatisfy(\.isFinite), eigenvectors.isFinite else {
            throw DecodingError.dataCorruptedError(
                forKey: .eigenvectors, in: container,
                debugDescription: "inconsistent decomposition: order \(order), \(eigenvalues.count) eigenvalues, "
                    + "eigenvectors \(eigenvectors.rows)×\(eigenvectors.columns), or non-finite entries")
        }
        self.init(uncheckedOrder: order, eigenvalues: eigenvalues, eigenvectors: eigenvectors)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(order, forKey: .order)
        try container.encode(eigenvalues, forKey: .eigenvalues)
        try container.encode(eigenvectors, forKey: .eigenvectors)
    }
}
