import DenseLinearAlgebra
import Foundation
import StructuredFactors

/// A StructuredFactors structure for SINGD's `K` or `C`, by the name users type.
public enum FactorStructure: String, CaseIterable, Sendable, Hashable, Codable {
    case dense
    case diagonal
    case blockDiagonal = "block-diagonal"
    case lowerToeplitz = "lower-toeplitz"
    case upperToeplitz = "upper-toeplitz"
    case hierarchical

    /// The StructuredFactors type (with singd's default layouts: blocks of 30, corners of 15).
    /// - Complexity: `O(1)`.
    public func type<Scalar: LinearAlgebraScalar>(_: Scalar.Type) -> any StructuredMatrixAlgebra<Scalar>.Type {
        switch self {
        case .dense: return DenseFactor<Scalar>.self
        case .diagonal: return DiagonalMatrix<Scalar>.self
        case .blockDiagonal: return BlockDiagonalMatrix<Scalar>.self
        case .lowerToeplitz: return LowerTriangularToeplitz<Scalar>.self
        case .upperToeplitz: return UpperTriangularToeplitz<Scalar>.self
        case .hierarchical: return HierarchicalFactor<Scalar>.self
        }
    }
}

/// The structures of SINGD's input-side `K` and output-side `C`, written `K,C`.
public struct SINGDStructures: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `K`'s structure.
    public var input: FactorStructure
    /// `C`'s structure.
    public var output: FactorStructure

    /// - Complexity: `O(1)`.
    public init(input: FactorStructure = .dense, output: FactorStructure = .dense) {
        self.input = input
        self.output = output
    }

    /// Parses `K,C` (`diagonal,dense`) or one structure for both.
    /// - Throws: ``OptimizerError/optionOutOfRange(option:value:validRange:)`` naming an unknown structure
    ///   and the known ones, or a list of another length.
    public init(parsing text: String) throws {
        let fields = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let option = MethodOption.structures
        guard (1...2).contains(fields.count) else {
            throw OptimizerError.optionOutOfRange(option: option, value: "'\(text)'",
                                                  validRange: "K,C or one structure, each of \(option.range)")
        }
        let structures = try fields.map { field in
            guard let structure = FactorStructure(rawValue: field) else {
                throw OptimizerError.optionOutOfRange(option: option, value: "unknown structure '\(field)'",
                                                      validRange: option.range.description)
            }
            return structure
        }
        self.init(input: structures[0], output: structures[structures.count - 1])
    }

    /// `K,C` as written on the command line.
    public var description: String { "\(input.rawValue),\(output.rawValue)" }
}
