import DenseLinearAlgebra
import OnlineEigenUpdates
import SymmetricEigen
import Testing
import KronKitTestSupport

/// B-KFAC-c's correction: Ritz pairs of the exact factor in the span of chosen columns.
@Suite("Rayleigh–Ritz correction of a maintained eigenbasis")
struct RayleighRitzCorrectionTests {
    func corrections<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 101)
        let n = 30
        let m = try MatrixEnsemble<Scalar>.positiveDefinite(n, spectrum: .exponential, conditionNumber: 1e3,
                                                            using: &generator)
        let exact = try SymmetricEigendecomposition.largest(8, of: m)
        // Scramble the top 8 within their span and give them wrong eigenvalues.
        let rotation = try Matrix<Scalar>.randomGaussian(rows: 8, columns: 8, using: &generator).orthonormalized()
        let scrambled = try SymmetricEigendecomposition(
            eigenvalues: (0..<8).map { Scalar(8 - $0) }, eigenvectors: exact.eigenvectors.multiplied(by: rotation))
        // An invariant subspace: Rayleigh–Ritz recovers the eigenpairs exactly.
        let corrected = try RayleighRitzCorrection<Scalar>().corrected(scrambled, against: m, columns: Array(0..<8))
        let bound = Tolerance.backward(Scalar.self, order: n)
        #expect(maxDifference(corrected.eigenvalues, exact.eigenvalues) <= bound * m.maxAbsoluteEntry)
        #expect(try corrected.residual(against: m) <= bound)
        #expect(try corrected.orthogonalityLoss() <= bound)
        // A subset: the chosen pairs change, the others are untouched, the basis stays orthonormal.
        let partial = try RayleighRitzCorrection<Scalar>().corrected(scrambled, against: m, columns: [6, 1, 3])
        for j in [0, 2, 4, 5, 7] {
            #expect(partial.eigenvalues[j] == scrambled.eigenvalues[j])
            #expect(try partial.eigenvectors.column(j) == scrambled.eigenvectors.column(j))
        }
        #expect([1, 3, 6].map { partial.eigenvalues[$0] } == [1, 3, 6].map { partial.eigenvalues[$0] }.sorted(by: >),
                "the largest Ritz value goes where the largest replaced eigenvalue was")
        #expect(try partial.orthogonalityLoss() <= bound)
        // Ritz values of a subspace lie within the spectrum of M restricted to it.
        let spectrum = try SymmetricEigendecomposition(m).eigenvalues
        for j in [1, 3, 6] {
            #expect(partial.eigenvalues[j] <= spectrum.last! * (1 + bound) && partial.eigenvalues[j] >= spectrum[0] * (1 - bound))
        }
        // Random subsets are reproducible from the seed and distinct.
        var first = Xoshiro256StarStar(seed: 7), second = Xoshiro256StarStar(seed: 7)
        let a = try RayleighRitzCorrection<Scalar>().corrected(scrambled, against: m, randomColumns: 4, using: &first)
        let b = try RayleighRitzCorrection<Scalar>().corrected(scrambled, against: m, randomColumns: 4, using: &second)
        #expect(a.eigenvalues == b.eigenvalues && a.eigenvectors == b.eigenvectors)
        #expect(zip(a.eigenvalues, scrambled.eigenvalues).filter { $0 != $1 }.count <= 4)
    }

    @Test func ritzPairsReplaceTheChosenColumnsOnly() throws {
        try corrections(Float.self)
        try corrections(Double.self)
    }

    func errors<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 102)
        let m = try MatrixEnsemble<Scalar>.positiveDefinite(10, conditionNumber: 10, using: &generator)
        let top = try SymmetricEigendecomposition.largest(4, of: m)
        let correction = RayleighRitzCorrection<Scalar>()
        #expect(throws: LinearAlgebraError.self) { try correction.corrected(top, against: Matrix(rows: 9, columns: 10), columns: [0]) }
        #expect(throws: LinearAlgebraError.self) { try correction.corrected(top, against: m, columns: [4]) }
        #expect(throws: LinearAlgebraError.self) { try correction.corrected(top, against: m, columns: [1, 1]) }
        var poisoned = m
        poisoned[2, 3] = .nan
        #expect(throws: LinearAlgebraError.self) { try correction.corrected(top, against: poisoned, columns: [0]) }
        #expect(throws: LinearAlgebraError.self) {
            try correction.corrected(top, against: m, randomColumns: 5, using: &generator)
        }
        let valuesOnly = try SymmetricEigendecomposition.largest(4, of: m, options: .init(computeVectors: false))
        #expect(throws: LinearAlgebraError.self) { try correction.corrected(valuesOnly, against: m, columns: [0]) }
        #expect(throws: LinearAlgebraError.self) { try valuesOnly.reorthonormalized() }
    }

    @Test func badInputThrows() throws {
        try errors(Float.self)
        try errors(Double.self)
    }
}
