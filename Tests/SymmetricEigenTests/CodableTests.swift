import DenseLinearAlgebra
import Foundation
import SymmetricEigen
import Testing

@Suite("Checkpointing a decomposition")
struct CodableTests {
    func roundTrip<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 45)
        let m = try symmetricMatrix(try indefiniteSpectrum(9, using: &generator) as [Scalar], using: &generator)
        for eig in [try SymmetricEigendecomposition(m), try .largest(3, of: m),
                    try SymmetricEigendecomposition(m, options: .init(computeVectors: false))] {
            let decoded = try JSONDecoder().decode(SymmetricEigendecomposition<Scalar>.self,
                                                   from: JSONEncoder().encode(eig))
            #expect(decoded.order == eig.order && decoded.eigenvalues == eig.eigenvalues
                && decoded.eigenvectors == eig.eigenvectors)
        }
        // Three eigenvalues with a 2×2 eigenvector block: inconsistent.
        let corrupt = #"{"order":2,"eigenvalues":[1,2,3],"eigenvectors":{"rows":2,"columns":2,"elements":[1,0,0,1]}}"#
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(SymmetricEigendecomposition<Scalar>.self, from: Data(corrupt.utf8))
        }
    }

    @Test func roundTripIsExactAndCorruptDataThrows() throws {
        try roundTrip(Float.self)
        try roundTrip(Double.self)
    }
}
