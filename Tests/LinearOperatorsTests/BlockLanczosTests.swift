import DenseLinearAlgebra
import HierarchicalMatrices
import KronKitTestSupport
import KroneckerOperators
import LinearOperators
import SymmetricEigen
import Testing

/// Block Lanczos against LAPACK `?syevd` on the operator's dense form.
///
/// Bounds: an accepted Ritz value `θ` with residual `r = ‖A·y − θ·y‖₂` (`y` of unit norm) is
/// within `r` of an eigenvalue of `A` (symmetric `A`, [Parlett 1998, Thm 4.5.1]); `?syevd`'s
/// eigenvalues are within `Tolerance.eigen·‖A‖`. The requested `τ` is the eigen tolerance of
/// order `n` (`60·n·eps`), so both add to at most `2·Tolerance.eigen(n)·‖A‖₂` (‖A‖₂ estimated by
/// the largest |eigenvalue|). The Ritz vectors are orthonormal to the basis's QR accuracy.
@Suite("Block Lanczos for extreme eigenpairs of symmetric operators")
struct BlockLanczosTests {
    /// Checks the `k` largest and smallest pairs of `op` against `?syevd` of `dense`.
    func expectExtremes<Op: SymmetricOperator>(
        _ op: Op, dense: Matrix<Op.Scalar>, k: Int, _ name: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        typealias Scalar = Op.Scalar
        let n = op.rows
        let reference = try SymmetricEigendecomposition(dense).eigenvalues // ascending
        let normA = Swift.max(abs(reference.first!), abs(reference.last!))
        let tau = Tolerance.eigen(Scalar.self, order: n)
        var generator = Xoshiro256StarStar(seed: 1330)
        // The basis may grow to n (then the Ritz values are exact up to rounding).
        let lanczos = BlockLanczos<Scalar>(options: .init(maximumBasisSize: n, tolerance: tau))
        for end in [BlockLanczos<Scalar>.End.largest, .smallest] {
            let result = try lanczos.eigenpairs(k, end, of: op, using: &generator)
            let expected = end == .largest ? Array(reference.suffix(k).reversed()) : Array(reference.prefix(k))
            let values = result.decomposition.eigenvalues
            #expect(values.count == k, sourceLocation: sourceLocation)
            for (value, exact) in zip(values, expected) {
                #expect(abs(value - exact) <= 2 * tau * normA, "\(name) \(end): θ = \(value), syevd \(exact)",
                        sourceLocation: sourceLocation)
            }
            #expect(result.residualNorms.allSatisfy { $0 <= tau * normA } || result.products == n,
                    "\(name) \(end): residuals \(result.residualNorms)", sourceLocation: sourceLocation)
            let vectors = result.decomposition.eigenvectors
            let gram = try vectors.multiplied(by: vectors, transposingSelf: .transpose)
            #expect(try maxDifference(gram, .identity(k)) <= tau, "\(name) \(end): orthonormality",
                    sourceLocation: sourceLocation)
        }
    }

    func operators<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 1331)
        // Dense (a Matrix is not marked symmetric; its symmetric part is itself), indefinite, with a double eigenvalue at the top (block size k = 3 resolves it).
        let values: [Scalar] = (0..<60).map { Scalar($0) - 20 } + [45, 45]
        let matrix = try MatrixEnsemble<Scalar>.symmetric(eigenvalues: values, using: &generator)
        try expectExtremes(SymmetrizedOperator(matrix), dense: matrix, k: 3, "dense 62×62")
        // A Kronecker product of symmetric operators (eigendecompositions of SPD factors): the
        // generic Kronecker product, applied through each factor's product.
        // Factor spectra 1…8 and 1…9: the product's extremes 72, 64, 63 and 1, 2, 2 are separated.
        let a = try MatrixEnsemble<Scalar>.symmetric(eigenvalues: (1...8).map { Scalar($0) }, using: &generator)
        let b = try MatrixEnsemble<Scalar>.symmetric(eigenvalues: (1...9).map { Scalar($0) }, using: &generator)
        let kronecker = try kroneckerProduct(SymmetricEigendecomposition(a), SymmetricEigendecomposition(b))
        try expectExtremes(kronecker, dense: try denseKronecker(a, b), k: 3, "eigen(A) ⊗ eigen(B), 72×72")
        // The symmetric part of a HODLR compression of a smooth kernel (n = 96).
        let kernel = try Matrix<Scalar>(rows: 96, columns: 96) { i, j in Scalar.exp(-abs(Scalar(i - j)) / 24) }
        let hodlr = try SymmetrizedOperator(HODLRMatrix(compressing: kernel, options: .init(leafSize: 16), using: &generator))
        try expectExtremes(hodlr, dense: try hodlr.dense(), k: 2, "symmetrised HODLR 96×96")
    }

    @Test("Extreme eigenpairs of dense, Kronecker and HODLR operators match syevd, Float") func float() throws {
        try operators(Float.self)
    }
    @Test("Extreme eigenpairs of dense, Kronecker and HODLR operators match syevd, Double") func double() throws {
        try operators(Double.self)
    }

    @Test("Block Lanczos rejects bad sizes and tolerances and reports a basis too small")
    func errors() throws {
        var generator = Xoshiro256StarStar(seed: 1332)
        let matrix = try SymmetrizedOperator(
            MatrixEnsemble<Double>.symmetric(eigenvalues: (0..<30).map(Double.init), using: &generator))
        #expect(throws: LinearAlgebraError.self) { try BlockLanczos<Double>().eigenpairs(0, .largest, of: matrix, using: &generator) }
        #expect(throws: LinearAlgebraError.self) { try BlockLanczos<Double>().eigenpairs(31, .largest, of: matrix, using: &generator) }
        #expect(throws: LinearAlgebraError.self) {
            try BlockLanczos<Double>(options: .init(tolerance: -1)).eigenpairs(2, .largest, of: matrix, using: &generator)
        }
        let rectangular = try Matrix<Double>(rows: 3, columns: 4)
        #expect(throws: LinearAlgebraError.self) {
            try BlockLanczos<Double>().eigenpairs(1, .largest, of: SymmetrizedOperator(rectangular), using: &generator)
        }
        // A basis of at most 4 vectors cannot resolve the top pair of 30 evenly spaced values to 1e-14.
        #expect {
            try BlockLanczos<Double>(options: .init(blockSize: 2, maximumBasisSize: 4, tolerance: 1e-14))
                .eigenpairs(2, .largest, of: matrix, using: &generator)
        } throws: { error in
            if case let .toleranceNotMet(_, _, _, reason) = error as? LinearAlgebraError {
                return reason.contains("raise Options.maximumBasisSize")
            }
            return false
        }
        // NaN in the operator is named as such, not as a failure of the Ritz eigensolver.
        var broken = try MatrixEnsemble<Double>.symmetric(eigenvalues: (0..<30).map(Double.init), using: &generator)
        broken[4, 4] = .nan
        #expect(throws: LinearAlgebraError.nonFiniteInput(operation: "BlockLanczos.eigenpairs", argument: "A·Q")) {
            try BlockLanczos<Double>().eigenpairs(2, .largest, of: SymmetrizedOperator(broken), using: &generator)
        }
    }
}
