import DenseLinearAlgebra
import SymmetricEigen

// Codable for checkpoints; decoding goes through the validating initialisers.

extension KroneckerProduct: Codable {
    enum CodingKeys: String, CodingKey { case factors }

    /// Decodes the factors and validates them as ``init(_:)`` does.
    /// - Complexity: one pass over the factors.
    /// - Throws: decoding errors, or the errors of ``init(_:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(container.decode([Matrix<Scalar>].self, forKey: .factors))
    }

    /// Encodes the factors.
    /// - Complexity: one pass over the factors.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(factors, forKey: .factors)
    }
}

extension KroneckerEigendecomposition: Codable {
    enum CodingKeys: String, CodingKey { case factors }

    /// Decodes the factor decompositions and validates them as ``init(factors:)`` does.
    /// - Complexity: one pass over the stored eigenpairs.
    /// - Throws: decoding errors, or the errors of ``init(factors:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(factors: container.decode([SymmetricEigendecomposition<Scalar>].self, forKey: .factors))
    }

    /// Encodes the factor decompositions.
    /// - Complexity: one pass over the stored eigenpairs.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(factors, forKey: .factors)
    }
}
