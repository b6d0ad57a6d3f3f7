import DenseLinearAlgebra
import Foundation
import Testing
import KronKitTestSupport

@Suite("Matrix value type")
struct MatrixTests {
    @Test func layoutIsColumnMajor() throws {
        let a = try Matrix<Double>(rowsOf: [[1, 2, 3], [4, 5, 6]])
        #expect(a.elements == [1, 4, 2, 5, 3, 6])
        #expect(try a.row(1) == [4, 5, 6])
        #expect(try a.column(2) == [3, 6])
        #expect(a.transposed().elements == [1, 2, 3, 4, 5, 6])
        #expect(a.leadingDimension == 2)
        #expect(try Matrix<Double>(rows: 0, columns: 4).leadingDimension == 1)
    }

    /// The huge-page advice changes how a buffer is faulted in, never its contents: on a written
    /// buffer of 4 MiB and one page more (advised from its first page boundary) every entry keeps
    /// its value, and a small or empty buffer is left alone; an uninitialized matrix that large,
    /// written entry by entry, reads back what was written.
    @Test func hugePageAdviceKeepsEveryValue() throws {
        var values = (0..<((4 << 20) + 4096) / MemoryLayout<Double>.stride).map(Double.init)
        values.withUnsafeMutableBytes { adviseHugePages($0) }
        #expect(values.indices.allSatisfy { values[$0] == Double($0) })
        var small: [Float] = [1, 2, 3]
        small.withUnsafeMutableBytes { adviseHugePages($0) }
        #expect(small == [1, 2, 3])
        adviseHugePages(UnsafeMutableRawBufferPointer(start: nil, count: 0))
        var fresh = try Matrix<Float>.uninitialized(rows: 1025, columns: 1024, for: "test", "fresh")
        for j in 0..<1024 { for i in 0..<1025 { fresh[i, j] = Float(i + 1025 * j) } }
        #expect(fresh.elements.indices.allSatisfy { fresh.elements[$0] == Float($0) })
    }

    /// A filled matrix large enough for the huge-page advice (4 MiB and one column more) holds
    /// the value in every entry, as a small one does; an empty one has no entries.
    @Test func filledMatrixHoldsTheValueEverywhere() throws {
        let large = try Matrix<Float>(rows: 1024, columns: 1025, repeating: -2.5)
        #expect(large.elements.count == 1024 * 1025 && large.elements.allSatisfy { $0 == -2.5 })
        let zeros = try Matrix<Double>(rows: 1024, columns: 513)
        #expect(zeros.elements.allSatisfy { $0 == 0 && $0.sign == .plus })
        #expect(try Matrix<Double>(rows: 3, columns: 2, repeating: 7).elements == Array(repeating: 7, count: 6))
        #expect(try Matrix<Float>(rows: 0, columns: 5, repeating: 1).elements.isEmpty)
    }

    /// The tiled mirror copies exactly the chosen triangle onto the other, diagonal untouched,
    /// at orders below, at and across the 64 × 64 tile, from either triangle.
    func symmetrizeCopiesTheTriangle<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 5)
        for n in [0, 1, 2, 33, 63, 64, 65, 130] {
            let a = try Matrix<Scalar>.randomGaussian(rows: n, columns: n, using: &generator)
            for triangle in [Triangle.lower, .upper] {
                var mirrored = a
                try mirrored.symmetrize(from: triangle)
                let kept = { (i: Int, j: Int) in triangle == .lower ? i >= j : i <= j }
                #expect((0..<n).allSatisfy { i in
                    (0..<n).allSatisfy { j in mirrored[i, j] == (kept(i, j) ? a[i, j] : a[j, i]) }
                })
            }
        }
        var rectangle = try Matrix<Scalar>(rows: 2, columns: 3)
        #expect(throws: LinearAlgebraError.self) { try rectangle.symmetrize(from: .lower) }
    }

    @Test func symmetrizeCopiesTheTriangleFloat() throws { try symmetrizeCopiesTheTriangle(Float.self) }
    @Test func symmetrizeCopiesTheTriangleDouble() throws { try symmetrizeCopiesTheTriangle(Double.self) }

    @Test func copyOnWriteKeepsValueSemantics() throws {
        let a = try Matrix<Float>.identity(3)
        var b = a
        b[0, 1] = 7
        #expect(a[0, 1] == 0)
        #expect(b[0, 1] == 7)
    }

    @Test func transposeOfLargeNonSquareMatchesElementwise() throws {
        var generator = Xoshiro256StarStar(seed: 1)
        let a = try Matrix<Double>.randomGaussian(rows: 70, columns: 45, using: &generator)
        let t = a.transposed()
        #expect((0..<70).allSatisfy { i in (0..<45).allSatisfy { t[$0, i] == a[i, $0] } })
    }

    @Test func arithmeticAndNorms() throws {
        let a = try Matrix<Double>(rowsOf: [[1, 2], [3, 4]])
        #expect(try (a + a).elements == [2, 6, 4, 8])
        #expect(try (a - a).elements == [0, 0, 0, 0])
        #expect((2 * a).elements == [2, 6, 4, 8])
        #expect((-a).elements == [-1, -3, -2, -4])
        #expect(try a.trace() == 5)
        #expect(abs(a.frobeniusNorm - 30.0.squareRoot()) < 1e-15)
        #expect(try a.hadamard(a).elements == [1, 9, 4, 16])
        #expect(!a.isSymmetric())
        #expect(try Matrix<Double>(rowsOf: [[1, 2], [2, 1]]).isSymmetric())
        #expect(a.isFinite)
        var b = a
        b[1, 1] = .nan
        #expect(!b.isFinite)
        #expect(throws: LinearAlgebraError.nonFiniteInput(operation: "op", argument: "B")) {
            try b.requireFinite("op", argument: "B")
        }
        var c = a
        try c.addToDiagonal(10)
        #expect(c.diagonal == [11, 14])
    }

    @Test func finiteCheckCatchesEveryPosition() {
        for position in 0..<19 {
            var values = [Float](repeating: 1, count: 19)
            values[position] = position.isMultiple(of: 2) ? .infinity : -.nan
            let matrix = try! Matrix(rows: 19, columns: 1, columnMajor: values)
            #expect(!matrix.isFinite)
        }
    }

    @Test func codableRoundTripIsExactAndValidated() throws {
        var generator = Xoshiro256StarStar(seed: 8)
        let a = try Matrix<Float>.randomGaussian(rows: 5, columns: 3, using: &generator)
        let decoded = try JSONDecoder().decode(Matrix<Float>.self, from: JSONEncoder().encode(a))
        #expect(decoded == a)
        let lying = Data(#"{"rows":2,"columns":2,"elements":[1,2,3]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Matrix<Double>.self, from: lying) }
        // Shapes whose element count overflows, or is negative, are corrupt, not a trap.
        for shape in ["\"rows\":4611686018427387904,\"columns\":4", "\"rows\":-1,\"columns\":-1",
                      "\"rows\":9223372036854775807,\"columns\":9223372036854775807"] {
            let corrupt = Data("{\(shape),\"elements\":[]}".utf8)
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(Matrix<Float>.self, from: corrupt) }
        }
        #expect(throws: LinearAlgebraError.self) { try Matrix<Double>(rows: Int.max, columns: 2, columnMajor: []) }
        #expect(throws: LinearAlgebraError.self) { try Matrix<Double>(rows: -2, columns: -3, columnMajor: [0, 0, 0, 0, 0, 0]) }
    }

    @Test func submatricesAndReshape() throws {
        let a = try Matrix<Double>(rows: 4, columns: 3) { Double($0 + 10 * $1) }
        #expect(try a.submatrix(rows: 1..<3, columns: 1..<3).elements == [11, 12, 21, 22])
        #expect(try a.submatrix(rows: 2..<2, columns: 0..<3).rows == 0)
        // Stacking the row blocks back gives the matrix; pieces may be empty.
        let blocks = try [0..<1, 1..<1, 1..<4].map { try a.submatrix(rows: $0, columns: 0..<3) }
        #expect(try Matrix(stackingRows: blocks, columns: 3) == a)
        #expect(try Matrix<Double>(stackingRows: [], columns: 2).rows == 0)
        #expect(throws: LinearAlgebraError.self) { try Matrix(stackingRows: [a, a.columns(0..<2)], columns: 3) }
        #expect(try a.columns(at: [2, 0]).elements == [20, 21, 22, 23, 0, 1, 2, 3])
        #expect(throws: LinearAlgebraError.self) { try a.columns(at: [3]) }
        #expect(try a.columns(1..<2).elements == [10, 11, 12, 13])
        #expect(try a.reshaped(rows: 2, columns: 6).elements == a.elements)
        #expect(throws: LinearAlgebraError.self) { try a.reshaped(rows: 5, columns: 2) }
        var b = a
        try b.setColumn(0, to: [9, 9, 9, 9])
        #expect(try b.column(0) == [9, 9, 9, 9])
        #expect(throws: LinearAlgebraError.self) { try b.setColumn(0, to: [1]) }
    }
}

@Suite("Real FFT through FFTW")
struct FourierTests {
    func roundTripAndConvolution<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 9)
        for n in [1, 2, 7, 16, 33] {
            let transform = try RealFourierTransform<Scalar>(count: n)
            let x = try Scalar.randomGaussians(count: n, using: &generator)
            let spectrum = try transform.forward(x)
            #expect(spectrum.count == 2 * (n / 2 + 1))
            // X₀ is the plain sum of the samples.
            #expect(abs(spectrum[0] - x.reduce(0, +)) <= Tolerance.backward(Scalar.self, order: n) * Scalar(n))
            let back = try transform.inverse(spectrum)
            #expect(try Matrix(column: back).relativeDistance(to: Matrix(column: x))
                <= Tolerance.backward(Scalar.self, order: n))
        }
        let a = try Scalar.randomGaussians(count: 9, using: &generator)
        let b = try Scalar.randomGaussians(count: 5, using: &generator)
        let fast = try RealFourierTransform<Scalar>.linearConvolution(a, b)
        let direct = (0..<13).map { k in
            (0..<9).reduce(Scalar(0)) { sum, j in (0..<5).contains(k - j) ? sum + a[j] * b[k - j] : sum }
        }
        #expect(try Matrix(column: fast).relativeDistance(to: Matrix(column: direct)) <= Tolerance.backward(Scalar.self, order: 64))
        let truncated = try RealFourierTransform<Scalar>.linearConvolution(a, b, outputCount: 4)
        #expect(truncated.count == 4)
    }

    @Test func fftRoundTripAndConvolution() throws {
        try roundTripAndConvolution(Float.self)
        try roundTripAndConvolution(Double.self)
    }

    @Test func fftErrors() throws {
        #expect(throws: LinearAlgebraError.self) { try RealFourierTransform<Double>(count: 0) }
        let transform = try RealFourierTransform<Double>(count: 4)
        #expect(throws: LinearAlgebraError.self) { try transform.forward([1, 2]) }
        #expect(throws: LinearAlgebraError.self) { try transform.inverse([1, 2]) }
    }
}

@Suite("Column and row operations")
struct ColumnOperationTests {
    @Test func normsAndScalings() throws {
        let a = try Matrix<Double>(rowsOf: [[1, 2], [3, 4]])
        #expect(a.squaredColumnNorms == [10, 20])
        #expect(try a.scalingColumns(by: [2, 0.5]) == (try Matrix(rowsOf: [[2, 1], [6, 2]])))
        #expect(try a.scalingRows(by: [2, 0.5]) == (try Matrix(rowsOf: [[2, 4], [1.5, 2]])))
        #expect(throws: LinearAlgebraError.self) { try a.scalingColumns(by: [1]) }
        #expect(throws: LinearAlgebraError.self) { try a.scalingRows(by: [1, 2, 3]) }
        #expect(try Matrix<Float>(rows: 0, columns: 3).squaredColumnNorms == [0, 0, 0])
    }

    func inPlaceScalings<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        // Scaling by powers of two is exact, so the results compare with ==.
        let a = try Matrix<Scalar>(rowsOf: [[1, 2, 3], [4, 5, 6]])
        var columns = a
        try columns.scaleColumns(by: [2, 0.5, -1])
        #expect(columns == (try Matrix(rowsOf: [[2, 1, -3], [8, 2.5, -6]])))
        #expect(columns == (try a.scalingColumns(by: [2, 0.5, -1])))
        var rows = a
        try rows.scaleRows(by: [4, 0.25])
        #expect(rows == (try Matrix(rowsOf: [[4, 8, 12], [1, 1.25, 1.5]])))
        #expect(rows == (try a.scalingRows(by: [4, 0.25])))
        // The copy a still holds its entries (copy-on-write, not aliasing).
        #expect(a == (try Matrix(rowsOf: [[1, 2, 3], [4, 5, 6]])))
        var empty = try Matrix<Scalar>(rows: 0, columns: 2)
        try empty.scaleColumns(by: [1, 2])
        try empty.scaleRows(by: [])
        #expect(empty.rows == 0 && empty.columns == 2)
        #expect(throws: LinearAlgebraError.self) { try columns.scaleColumns(by: [1, 2]) }
        #expect(throws: LinearAlgebraError.self) { try rows.scaleRows(by: [1, 2, 3]) }
    }

    @Test func inPlaceScalingsMatchTheCopyingOnes() throws {
        try inPlaceScalings(Float.self)
        try inPlaceScalings(Double.self)
    }
}
