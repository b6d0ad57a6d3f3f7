import DenseLinearAlgebra
import SymmetricEigen
import Testing
import KronKitTestSupport

/// The selection path (reduction, bisection, inverse iteration, back-transformation)
/// on the matrices that break bisection codes: exact splits, eigenvalues repeated
/// across blocks, Wilkinson's close pairs, a multiple of the identity, and entries at
/// the edges of the exponent range.
@Suite("Selected eigenpairs: splits, ties, clusters and scaling")
struct SelectionTests {
    /// Checks a selection of `m` against its full `syevd` decomposition: the same
    /// eigenvalues to `c·n·eps·‖M‖`, residual and orthogonality to `c·n·eps`.
    func expectSelection<Scalar: LinearAlgebraScalar>(
        _ m: Matrix<Scalar>, indices: ClosedRange<Int>, triangle: Triangle = .lower,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let n = m.rows
        let full = try SymmetricEigendecomposition(m)
        let selected = try SymmetricEigendecomposition(
            m, selecting: .indexRange(lower: indices.lowerBound, upper: indices.upperBound),
            options: .init(triangle: triangle))
        let tolerance = Tolerance.eigen(Scalar.self, order: n)
        let norm = Swift.max(m.maxAbsoluteEntry, .leastNormalMagnitude)
        #expect(selected.eigenvalues.count == indices.count, sourceLocation: sourceLocation)
        #expect(selected.eigenvalues == selected.eigenvalues.sorted(), "ascending", sourceLocation: sourceLocation)
        #expect(maxDifference(selected.eigenvalues, Array(full.eigenvalues[indices])) <= tolerance * norm,
                sourceLocation: sourceLocation)
        #expect(try residual(selected, against: m) <= tolerance, sourceLocation: sourceLocation)
        #expect(selected.orthogonalityError <= tolerance, sourceLocation: sourceLocation)
        let valuesOnly = try SymmetricEigendecomposition(
            m, selecting: .indexRange(lower: indices.lowerBound, upper: indices.upperBound),
            options: .init(triangle: triangle, computeVectors: false))
        #expect(valuesOnly.eigenvalues == selected.eigenvalues, "same bisection", sourceLocation: sourceLocation)
    }

    /// `‖M·Q − Q·diag(d)‖_max / ‖M‖_max`, relative for any scale of `M` (the shared
    /// helper divides by `max(1, ‖M‖)`, which hides errors in tiny matrices).
    func residual<Scalar: LinearAlgebraScalar>(
        _ eig: SymmetricEigendecomposition<Scalar>, against m: Matrix<Scalar>
    ) throws -> Scalar {
        let qd = try eig.eigenvectors.scalingColumns(by: eig.eigenvalues)
        let norm = m.maxAbsoluteEntry
        return norm == 0 ? (try m * eig.eigenvectors).maxAbsoluteEntry
            : try (m * eig.eigenvectors - qd).maxAbsoluteEntry / norm
    }

    /// `diag(blocks…)` with the blocks placed down the diagonal.
    func blockDiagonal<Scalar: LinearAlgebraScalar>(_ blocks: [Matrix<Scalar>]) throws -> Matrix<Scalar> {
        let n = blocks.reduce(0) { $0 + $1.rows }
        var m = try Matrix<Scalar>(rows: n, columns: n)
        var offset = 0
        for block in blocks {
            for j in 0..<block.columns {
                for i in 0..<block.rows { m[offset + i, offset + j] = block[i, j] }
            }
            offset += block.rows
        }
        return m
    }

    func splitsAndTies<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 61)
        // A diagonal matrix splits into 1 × 1 blocks: its eigenvalues come back exactly.
        let entries: [Scalar] = try Scalar.randomGaussians(count: 12, using: &generator)
        var diagonal = try Matrix<Scalar>(rows: 12, columns: 12)
        for i in 0..<12 { diagonal[i, i] = entries[i] }
        let picked = try SymmetricEigendecomposition(diagonal, selecting: .indexRange(lower: 3, upper: 8))
        #expect(picked.eigenvalues == Array(entries.sorted()[3...8]))
        try expectSelection(diagonal, indices: 3...8)
        // The same block twice: every eigenvalue is double, split over two blocks, and
        // the ranges below cut through pairs at either end.
        let block = try symmetricMatrix(try indefiniteSpectrum(6, using: &generator) as [Scalar], using: &generator)
        let twice = try blockDiagonal([block, block])
        for range in [0...0, 1...4, 3...8, 11...11, 0...11] { try expectSelection(twice, indices: range) }
        // Unequal blocks, one of them 1 × 1, in both triangles.
        let mixed = try blockDiagonal([
            try symmetricMatrix(try indefiniteSpectrum(5, using: &generator) as [Scalar], using: &generator),
            try Matrix(rows: 1, columns: 1, repeating: 0.25),
            try symmetricMatrix(try indefiniteSpectrum(9, using: &generator) as [Scalar], using: &generator),
        ])
        for triangle in [Triangle.lower, .upper] {
            try expectSelection(mixed, indices: 2...11, triangle: triangle)
            try expectSelection(mixed, indices: 14...14, triangle: triangle)
        }
        // A multiple of the identity: one eigenvalue of multiplicity n, vectors any basis.
        try expectSelection(Matrix<Scalar>.identity(20).scaled(by: 3), indices: 5...14)
        // The zero matrix.
        try expectSelection(Matrix<Scalar>(rows: 9, columns: 9), indices: 0...4)
    }

    @Test func splitMatricesAndEigenvaluesRepeatedAcrossBlocks() throws {
        try splitsAndTies(Float.self)
        try splitsAndTies(Double.self)
    }

    func clusters<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        // Wilkinson's W⁺₂₁: d = |10 − i|, e = 1. Its largest eigenvalues come in pairs that
        // agree to 14 digits and more, so inverse iteration must orthogonalise within them.
        let n = 21
        var wilkinson = try Matrix<Scalar>(rows: n, columns: n)
        for i in 0..<n {
            wilkinson[i, i] = Scalar(abs(10 - i))
            if i + 1 < n { (wilkinson[i + 1, i], wilkinson[i, i + 1]) = (1, 1) }
        }
        try expectSelection(wilkinson, indices: 11...20)
        try expectSelection(wilkinson, indices: 19...19)
        let top = try SymmetricEigendecomposition.largest(6, of: wilkinson)
        #expect(top.orthogonalityError <= Tolerance.eigen(Scalar.self, order: n))
        // A K-FAC-like factor: 8 spikes over a bulk decaying to 1e-8 of the largest.
        var generator = Xoshiro256StarStar(seed: 62)
        let factor = try MatrixEnsemble<Scalar>.positiveDefinite(
            64, spectrum: .spikedDecay(spikes: 8), conditionNumber: 1e8, using: &generator)
        try expectSelection(factor, indices: 56...63)
        try expectSelection(factor, indices: 0...9)
    }

    @Test func clusteredEigenvaluesGiveOrthonormalVectors() throws {
        try clusters(Float.self)
        try clusters(Double.self)
    }

    func scaling<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 63)
        let m = try symmetricMatrix(try indefiniteSpectrum(24, using: &generator) as [Scalar], using: &generator)
        let reference = try SymmetricEigendecomposition(m).eigenvalues
        // Entries near the overflow and underflow thresholds: squared off-diagonals would
        // overflow or vanish without the scaling, and the results would be ∞ or 0.
        let exponent = Scalar.greatestFiniteMagnitude.exponent
        for power in [exponent - 2, -(exponent - 30)] {
            let factor = Scalar(sign: .plus, exponent: power, significand: 1)
            let scaled = m.scaled(by: factor)
            let selected = try SymmetricEigendecomposition(scaled, selecting: .indexRange(lower: 4, upper: 19))
            #expect(selected.eigenvalues.allSatisfy { $0.isFinite })
            let recovered = selected.eigenvalues.map { $0 / factor }
            #expect(maxDifference(recovered, Array(reference[4...19]))
                    <= Tolerance.eigen(Scalar.self, order: 24) * m.maxAbsoluteEntry)
            #expect(try residual(selected, against: scaled) <= Tolerance.eigen(Scalar.self, order: 24))
            let byValue = try SymmetricEigendecomposition(
                scaled, selecting: .valueRange(lower: (reference[9] + reference[10]) / 2 * factor,
                                               upper: (reference[14] + reference[15]) / 2 * factor))
            #expect(byValue.eigenvalues.count == 5)
        }
    }

    @Test func entriesNearOverflowAndUnderflowAreScaled() throws {
        try scaling(Float.self)
        try scaling(Double.self)
    }

    func valueIntervals<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 64)
        let m = try symmetricMatrix((1...30).map { Scalar($0) }, using: &generator)
        // (lower, upper] is half-open: an interval ending just above 10 includes it.
        let byValue = try SymmetricEigendecomposition(m, selecting: .valueRange(lower: 4.5, upper: 10.5))
        #expect(byValue.eigenvalues.count == 6)
        #expect(maxDifference(byValue.eigenvalues, (5...10).map { Scalar($0) })
                <= Tolerance.eigen(Scalar.self, order: 30) * 30)
        #expect(try residual(byValue, against: m) <= Tolerance.eigen(Scalar.self, order: 30))
        let outside = try SymmetricEigendecomposition(m, selecting: .valueRange(lower: -5, upper: 0.5))
        #expect(outside.eigenvalues.isEmpty && outside.eigenvectors.columns == 0)
        // A user tolerance coarser than the default still brackets each eigenvalue.
        let coarse = try SymmetricEigendecomposition(
            m, selecting: .indexRange(lower: 0, upper: 29), options: .init(absoluteTolerance: 1e-2))
        #expect(maxDifference(coarse.eigenvalues, (1...30).map { Scalar($0) }) <= 1e-2)
    }

    @Test func valueIntervalsAreHalfOpenAndTolerancesApply() throws {
        try valueIntervals(Float.self)
        try valueIntervals(Double.self)
    }
}
