import DenseLinearAlgebra
import Foundation
import KroneckerOperators
import SymmetricEigen
import Testing

@Suite("Checkpointing Kronecker operators")
struct CodableTests {
    @Test func roundTripIsExactAndInvalidDataThrows() throws {
        var generator = Xoshiro256StarStar(seed: 91)
        let a = try FactorKind.positiveDefinite.matrix(4, using: &generator) as Matrix<Float>
        let g = try FactorKind.positiveDefinite.matrix(3, using: &generator) as Matrix<Float>
        let product = try KroneckerProduct(a, g)
        let decoded = try JSONDecoder().decode(KroneckerProduct<Float>.self, from: JSONEncoder().encode(product))
        #expect(decoded.factors == product.factors)
        let eig = try product.symmetricEigendecomposition()
        let decodedEig = try JSONDecoder().decode(KroneckerEigendecomposition<Float>.self, from: JSONEncoder().encode(eig))
        let v = try Matrix<Float>.randomGaussian(rows: 3, columns: 4, using: &generator)
        #expect(try decodedEig.dampedInverse(applyingToMatrix: v, damping: 0.1)
            == eig.dampedInverse(applyingToMatrix: v, damping: 0.1))
        #expect(throws: LinearAlgebraError.self) {
            try JSONDecoder().decode(KroneckerProduct<Float>.self, from: Data(#"{"factors":[]}"#.utf8))
        }
    }
}
