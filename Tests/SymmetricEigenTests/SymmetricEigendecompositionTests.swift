import DenseLinearAlgebra
import SymmetricEigen
import Testing
import KronKitTestSupport

@Suite("Symmetric eigendecomposition: drivers, selections, residuals")
struct SymmetricEigendecompositionTests {
    typealias Driver = SymmetricEigendecomposition<Double>.Driver

    func drivers<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 31)
        for n in propertySizes {
            let spectra: [[Scalar]] = [
                try SpectrumShape.exponential.eigenvalues(count: n, conditionNumber: 1e3),
                try indefiniteSpectrum(n, using: &generator),
                try SpectrumShape.exponential.eigenvalues(count: n, conditionNumber: 1e8),
            ]
            for spectrum in spectra {
                let m = try symmetricMatrix(spectrum, using: &generator)
                let norm = Swift.max(1, m.maxAbsoluteEntry)
                let tolerance = Tolerance.eigen(Scalar.self, order: n)
                let expected = spectrum.sorted()
                var previous: [Scalar]?
                for driver in [SymmetricEigendecomposition<Scalar>.Driver.divideAndConquer, .relativelyRobustRepresentations] {
                    let eig = try SymmetricEigendecomposition(m, driver: driver)
                    #expect(eig.order == n && eig.isComplete && eig.hasEigenvectors)
                    #expect(eig.eigenvalues == eig.eigenvalues.sorted(), "ascending")
                    // Backward stability: |d̂ᵢ − dᵢ| ≤ c·n·eps·‖M‖, residual and reconstruction
                    // ≤ c·n·eps·‖M‖, ‖QᵀQ − I‖ ≤ c·n·eps. The prescribed spectrum is itself
                    // only represented to n·eps·‖M‖ after rounding Q·D·Qᵀ, inside the same bound.
                    #expect(maxDifference(eig.eigenvalues, expected) <= tolerance * norm)
                    #expect(try eig.residual(against: m) <= tolerance)
                    #expect(eig.orthogonalityError <= tolerance)
                    #expect(try eig.reconstructed().relativeDistance(to: m) <= tolerance)
                    if let previous { #expect(maxDifference(previous, eig.eigenvalues) <= tolerance * norm) }
                    previous = eig.eigenvalues
                    // Eigenvalues only: the same values from the same reduction.
                    let valuesOnly = try SymmetricEigendecomposition(
                        m, driver: driver, options: .init(computeVectors: false))
                    #expect(!valuesOnly.hasEigenvectors || n == 0)
                    #expect(valuesOnly.eigenvectors.columns == 0)
                    #expect(maxDifference(valuesOnly.eigenvalues, eig.eigenvalues) <= tolerance * norm)
                }
            }
        }
    }

    @Test func bothDriversAreBackwardStableAndAgree() throws {
        try drivers(Float.self)
        try drivers(Double.self)
    }

    func oneTriangle<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 32)
        let n = 20
        let m = try symmetricMatrix(try indefiniteSpectrum(n, using: &generator) as [Scalar], using: &generator)
        for triangle in [Triangle.lower, .upper] {
            // The other triangle holds NaN: it must be neither read nor checked.
            var garbled = m
            for j in 0..<n {
                for i in 0..<n where triangle == .lower ? i < j : i > j { garbled[i, j] = .nan }
            }
            for driver in [SymmetricEigendecomposition<Scalar>.Driver.divideAndConquer, .relativelyRobustRepresentations] {
                let eig = try SymmetricEigendecomposition(garbled, driver: driver, options: .init(triangle: triangle))
                #expect(try eig.residual(against: m) <= Tolerance.eigen(Scalar.self, order: n))
            }
            let top = try SymmetricEigendecomposition.largest(3, of: garbled, options: .init(triangle: triangle))
            #expect(try top.residual(against: m) <= Tolerance.eigen(Scalar.self, order: n))
        }
    }

    @Test func readsOnlyTheChosenTriangle() throws {
        try oneTriangle(Float.self)
        try oneTriangle(Double.self)
    }

    func selections<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 33)
        for n in [1, 7, 40] {
            let m = try symmetricMatrix(try indefiniteSpectrum(n, using: &generator) as [Scalar], using: &generator)
            let full = try SymmetricEigendecomposition(m)
            let tolerance = Tolerance.eigen(Scalar.self, order: n) * Swift.max(1, m.maxAbsoluteEntry)
            let lower = n / 3, upper = n - 1 - n / 4
            let byIndex = try SymmetricEigendecomposition(m, selecting: .indexRange(lower: lower, upper: upper))
            #expect(byIndex.eigenvalues.count == upper - lower + 1 && !byIndex.isComplete || n == 1)
            #expect(maxDifference(byIndex.eigenvalues, Array(full.eigenvalues[lower...upper])) <= tolerance)
            #expect(try byIndex.residual(against: m) <= Tolerance.eigen(Scalar.self, order: n))
            #expect(byIndex.orthogonalityError <= Tolerance.eigen(Scalar.self, order: n))
            // A value interval strictly between eigenvalues picks exactly those inside it.
            let sorted = full.eigenvalues
            let low = n > 1 ? (sorted[0] + sorted[1]) / 2 : sorted[0] - 1
            let high = sorted[n - 1] + 1
            let byValue = try SymmetricEigendecomposition(m, selecting: .valueRange(lower: low, upper: high))
            #expect(byValue.eigenvalues.count == Swift.max(n - 1, 1))
            #expect(maxDifference(byValue.eigenvalues, Array(sorted.suffix(byValue.eigenvalues.count))) <= tolerance)
            for k in [0, 1, n] {
                let top = try SymmetricEigendecomposition.largest(k, of: m)
                #expect(top.eigenvalues.count == k && top.eigenvectors.columns == k)
                #expect(top.eigenvalues == top.eigenvalues.sorted(by: >), "descending")
                #expect(maxDifference(top.eigenvalues, Array(sorted.suffix(k).reversed())) <= tolerance)
                #expect(try top.residual(against: m) <= Tolerance.eigen(Scalar.self, order: n))
            }
        }
        let empty = try SymmetricEigendecomposition.largest(0, of: Matrix<Scalar>())
        #expect(empty.order == 0 && empty.eigenvalues.isEmpty)
        // A value interval that holds no eigenvalue gives an empty selection, not an error.
        let m = try symmetricMatrix([1, 2, 3] as [Scalar], using: &generator)
        let none = try SymmetricEigendecomposition(m, selecting: .valueRange(lower: 10, upper: 20))
        #expect(none.order == 3 && none.eigenvalues.isEmpty && none.eigenvectors.columns == 0)
    }

    @Test func selectionsMatchTheFullSpectrum() throws {
        try selections(Float.self)
        try selections(Double.self)
    }

    func errors<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 34)
        let m = try symmetricMatrix([1, 2, 3, 4] as [Scalar], using: &generator)
        let rectangular = try Matrix<Scalar>(rows: 3, columns: 4)
        for driver in [SymmetricEigendecomposition<Scalar>.Driver.divideAndConquer, .relativelyRobustRepresentations] {
            #expect(throws: LinearAlgebraError.self) { try SymmetricEigendecomposition(rectangular, driver: driver) }
            var poisoned = m
            poisoned[2, 1] = .infinity
            #expect {
                try SymmetricEigendecomposition(poisoned, driver: driver)
            } throws: { error in
                if case .nonFiniteInput = error as? LinearAlgebraError { return true }
                return false
            }
        }
        let invalidSelections: [EigenvalueSelection<Scalar>] = [
            .indexRange(lower: -1, upper: 2), .indexRange(lower: 2, upper: 1), .indexRange(lower: 0, upper: 4),
            .valueRange(lower: 2, upper: 2), .valueRange(lower: 0, upper: .infinity), .valueRange(lower: .nan, upper: 1),
        ]
        for selection in invalidSelections {
            #expect(throws: LinearAlgebraError.self) { try SymmetricEigendecomposition(m, selecting: selection) }
        }
        #expect(throws: LinearAlgebraError.self) { try SymmetricEigendecomposition.largest(5, of: m) }
        #expect(throws: LinearAlgebraError.self) { try SymmetricEigendecomposition.largest(-1, of: m) }
        #expect(throws: LinearAlgebraError.self) { try SymmetricEigendecomposition.largest(0, of: rectangular) }
        // A 3 × 4 input is reported as not square, not as k = 4 out of range.
        #expect {
            try SymmetricEigendecomposition.largest(4, of: rectangular)
        } throws: { error in
            if case .dimensionMismatch = error as? LinearAlgebraError { return true }
            return false
        }
        #expect(throws: LinearAlgebraError.self) {
            try SymmetricEigendecomposition(m, selecting: .all, options: .init(absoluteTolerance: .nan))
        }
        #expect(throws: LinearAlgebraError.self) {
            try SymmetricEigendecomposition(eigenvalues: [1, 2], eigenvectors: Matrix<Scalar>.identity(3))
        }
        #expect(throws: LinearAlgebraError.self) {
            try SymmetricEigendecomposition(eigenvalues: [1, 2, 3], eigenvectors: Matrix<Scalar>(rows: 2, columns: 3))
        }
        #expect(throws: LinearAlgebraError.self) {
            try SymmetricEigendecomposition(eigenvalues: [1, .nan], eigenvectors: Matrix<Scalar>.identity(2))
        }
    }

    @Test func badInputThrows() throws {
        try errors(Float.self)
        try errors(Double.self)
    }
}
