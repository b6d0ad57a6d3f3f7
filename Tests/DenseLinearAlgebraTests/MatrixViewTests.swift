import DenseLinearAlgebra
import KronKitTestSupport
import Testing

/// `true` when `error` is ``LinearAlgebraError/overlappingOperands(operation:output:input:)``.
private func isOverlap(_ error: any Error) -> Bool {
    if case .overlappingOperands = error as? LinearAlgebraError { return true }
    return false
}

/// `true` when `error` is ``LinearAlgebraError/invalidArgument(operation:detail:)``.
private func isInvalidArgument(_ error: any Error) -> Bool {
    if case .invalidArgument = error as? LinearAlgebraError { return true }
    return false
}

@Suite("Matrix views: blocks in place, bounds, aliasing, BLAS/LAPACK on views")
struct MatrixViewTests {
    func blocksReadAndWriteInPlace<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var a = try Matrix<Scalar>(rows: 5, columns: 4) { i, j in Scalar(10 * i + j) }
        let block = try a.withView(rows: 1..<4, columns: 2..<4) { view in
            #expect(view.rows == 3 && view.columns == 2)
            #expect(view.leadingDimension == 5)
            #expect(!view.isContiguous)
            #expect(view[2, 1] == 33)
            return try Matrix(copying: view)
        }
        #expect(block == (try a.submatrix(rows: 1..<4, columns: 2..<4)))
        #expect(block[0, 0] == 12)
        try a.withMutableView(rows: 0..<2, columns: 1..<3) { view in
            view.fill(with: -1)
            view[1, 1] = 7
        }
        #expect(a[0, 1] == -1 && a[1, 2] == 7 && a[2, 1] == 21 && a[0, 3] == 3)
        // A contiguous view reads as another shape; a strided one cannot.
        try a.withView { view in
            let reshaped = try view.reshaped(rows: 10, columns: 2)
            #expect(reshaped[7, 1] == a[2, 3])
            #expect(throws: LinearAlgebraError.self) { try view.columns(1..<3).rows(0..<2).reshaped(rows: 4, columns: 1) }
        }
        // Empty blocks are valid, at either end.
        try a.withView(rows: 5..<5, columns: 0..<4) { #expect($0.isEmpty) }
        #expect(try a.withView(rows: 2..<2, columns: 0..<0) { try Matrix(copying: $0) }.isEmpty)
    }

    @Test func blocksReadAndWriteInPlace() throws {
        try blocksReadAndWriteInPlace(Float.self)
        try blocksReadAndWriteInPlace(Double.self)
    }

    @Test func outOfRangeBlocksAndBadBuffersThrowTypedErrors() throws {
        let a = try Matrix<Double>(rows: 3, columns: 2)
        for (rows, columns) in [(0..<4, 0..<2), (0..<3, 1..<3), (-1..<2, 0..<1)] {
            #expect { try a.withView(rows: rows, columns: columns) { _ in } } throws: { isInvalidArgument($0) }
        }
        a.withView { view in
            #expect { try view.block(rows: 2..<3, columns: 0..<3) } throws: { isInvalidArgument($0) }
            #expect { try view.columns(0..<1).rows(1..<4) } throws: { isInvalidArgument($0) }
        }
        let storage = [Double](repeating: 0, count: 10)
        try storage.withUnsafeBufferPointer { buffer in
            // 3 × 3 with ld 4 needs 2·4 + 3 = 11 entries; 3 × 2 with ld 4 needs 7.
            #expect { try MatrixView(unsafeBuffer: buffer, rows: 3, columns: 3, leadingDimension: 4) }
                throws: { isInvalidArgument($0) }
            let fitting = try MatrixView(unsafeBuffer: buffer, rows: 3, columns: 2, leadingDimension: 4)
            #expect(fitting.rows == 3 && fitting.columns == 2)
            #expect { try MatrixView(unsafeBuffer: buffer, rows: 3, columns: 2, leadingDimension: 2) }
                throws: { isInvalidArgument($0) }
            #expect(throws: LinearAlgebraError.invalidSize(operation: "MatrixView(unsafeBuffer:)", argument: "rows",
                                                           value: -1)) {
                try MatrixView(unsafeBuffer: buffer, rows: -1, columns: 2)
            }
        }
    }

    @Test func overlapIsExactForBlocksOfOneMatrix() throws {
        var a = try Matrix<Double>(rows: 6, columns: 6)
        try a.withMutableView { view in
            let whole = view.readOnly
            let (top, bottom) = (try whole.rows(0..<3), try whole.rows(3..<6))
            #expect(!top.overlaps(bottom) && !bottom.overlaps(top))
            #expect(!(try whole.columns(0..<2)).overlaps(try whole.columns(2..<6)))
            #expect(try whole.block(rows: 2..<4, columns: 1..<3).overlaps(top))
            #expect(try whole.block(rows: 2..<4, columns: 1..<3).overlaps(bottom))
            #expect(!(try whole.block(rows: 0..<2, columns: 3..<5)).overlaps(try whole.block(rows: 2..<6, columns: 0..<6)))
            // Another leading dimension: compared by address range, conservatively.
            #expect(try whole.reshaped(rows: 4, columns: 9).columns(0..<1).overlaps(top))
            #expect(!(try whole.rows(0..<0)).overlaps(whole))
        }
    }

    func productsOnViewsMatchCopies<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 31)
        let big = try Matrix<Scalar>.randomGaussian(rows: 20, columns: 17, using: &generator)
        var target = try Matrix<Scalar>.randomGaussian(rows: 12, columns: 11, using: &generator)
        let before = target
        let (a, b) = (try big.submatrix(rows: 1..<8, columns: 2..<7), try big.submatrix(rows: 9..<14, columns: 10..<16))
        let c = try target.submatrix(rows: 3..<10, columns: 4..<10)
        // Each entry is a 5-term dot product plus β·c: the bound of `BLASTests.gemm` for k = 5.
        let tolerance = Tolerance.backward(Scalar.self, order: 5 * 5 + 1)
        try big.withView { source in
            try target.withMutableView { output in
                try Matrix.multiply(source.block(rows: 1..<8, columns: 2..<7), source.block(rows: 9..<14, columns: 10..<16),
                                    alpha: 2, beta: -1, into: output.block(rows: 3..<10, columns: 4..<10))
            }
        }
        let expected = try a.multiplied(by: b).scaled(by: 2) - c
        #expect(try target.submatrix(rows: 3..<10, columns: 4..<10).relativeDistance(to: expected) <= 2 * tolerance)
        // Outside the block nothing moved.
        for j in 0..<11 {
            for i in 0..<12 where !((3..<10).contains(i) && (4..<10).contains(j)) { #expect(target[i, j] == before[i, j]) }
        }
        // gemv on a row (stride ld) into a column block; syrk into a block; trsm on a block.
        var y = try Matrix<Scalar>(rows: 4, columns: 3)
        try big.withView { source in
            try y.withMutableView { output in
                try Matrix.multiply(source.block(rows: 0..<4, columns: 0..<6), vector: source.block(rows: 5..<6, columns: 3..<9),
                                    into: output.block(rows: 0..<4, columns: 1..<2))
            }
        }
        let x = try Matrix(column: big.row(5)).submatrix(rows: 3..<9, columns: 0..<1)
        let gemvExpected = try big.submatrix(rows: 0..<4, columns: 0..<6).multiplied(by: x)
        #expect(try y.columns(1..<2).relativeDistance(to: gemvExpected) <= Tolerance.backward(Scalar.self, order: 37))
        #expect(try y.columns(0..<1) == Matrix(rows: 4, columns: 1))
        var gram = try Matrix<Scalar>(rows: 9, columns: 9)
        try big.withView { source in
            try gram.withMutableView { output in
                try Matrix.rankKUpdate(source.block(rows: 2..<7, columns: 1..<5), .transpose, into: output.block(rows: 5..<9, columns: 5..<9))
            }
        }
        let block = try big.submatrix(rows: 2..<7, columns: 1..<5)
        var reference = try block.gram(.transpose)
        reference.zeroStrictTriangle(.upper)
        var computed = try gram.submatrix(rows: 5..<9, columns: 5..<9)
        computed.zeroStrictTriangle(.upper)
        #expect(try computed.relativeDistance(to: reference) <= Tolerance.backward(Scalar.self, order: 26))
        // trsm with a well-conditioned lower factor taken from a block of a larger matrix.
        var factor = try Matrix<Scalar>.identity(8)
        try factor.withMutableView(rows: 2..<6, columns: 2..<6) { view in
            for j in 0..<4 { for i in j..<4 { view[i, j] = i == j ? 4 : Scalar(1) / Scalar(i + j + 2) } }
        }
        var rhs = try Matrix<Scalar>.randomGaussian(rows: 4, columns: 3, using: &generator)
        let original = rhs
        try factor.withView(rows: 2..<6, columns: 2..<6) { l in
            try rhs.withMutableView { try Matrix.triangularSolve(l, $0, triangle: .lower) }
        }
        let l = try factor.submatrix(rows: 2..<6, columns: 2..<6)
        // Back substitution is backward stable: ‖L·X − B‖ ≤ c·n·eps·‖L‖·‖X‖ with ‖L‖, ‖X‖ = O(1) here.
        #expect(try (l * rhs).relativeDistance(to: original) <= Tolerance.backward(Scalar.self, order: 4))
    }

    @Test func productsOnViewsMatchCopies() throws {
        try productsOnViewsMatchCopies(Float.self)
        try productsOnViewsMatchCopies(Double.self)
    }

    func solvesInPlaceOnRowBlocks<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 32)
        let n = 6
        let spd = try MatrixEnsemble<Scalar>.positiveDefinite(n, spectrum: .polynomial(degree: 1),
                                                               conditionNumber: 10, using: &generator)
        let (lu, cholesky) = (try LUFactorization(spd), try CholeskyFactorization(spd))
        let b = try Matrix<Scalar>.randomGaussian(rows: n, columns: 3, using: &generator)
        for solve in [{ try lu.solve(inPlace: $0) }, { try cholesky.solve(inPlace: $0) }]
            as [(MutableMatrixView<Scalar>) throws -> Void] {
            // B sits in rows 2..<8 of a taller matrix; the rows around it must not move.
            var tall = try Matrix<Scalar>(rows: n + 4, columns: 3, repeating: 5)
            try b.withView { source in
                try tall.withMutableView(rows: 2..<(n + 2), columns: 0..<3) { try $0.copy(from: source) }
            }
            try tall.withMutableView(rows: 2..<(n + 2), columns: 0..<3) { try solve($0) }
            let x = try tall.submatrix(rows: 2..<(n + 2), columns: 0..<3)
            // cond = 10: the forward error is at most cond·(backward bound).
            #expect(try x.relativeDistance(to: lu.solve(b)) <= 10 * Tolerance.backward(Scalar.self, order: n))
            #expect(try tall.submatrix(rows: 0..<2, columns: 0..<3) == Matrix(rows: 2, columns: 3, repeating: 5))
            #expect(try tall.submatrix(rows: (n + 2)..<(n + 4), columns: 0..<3) == Matrix(rows: 2, columns: 3, repeating: 5))
        }
        var wrong = try Matrix<Scalar>(rows: n + 1, columns: 1)
        #expect(throws: LinearAlgebraError.self) { try wrong.withMutableView { try lu.solve(inPlace: $0) } }
        var nonFinite = try Matrix<Scalar>(rows: n, columns: 1, repeating: .nan)
        #expect(throws: LinearAlgebraError.nonFiniteInput(operation: "Cholesky solve (\(Scalar.routinePrefix)potrs)",
                                                          argument: "B")) {
            try nonFinite.withMutableView { try cholesky.solve(inPlace: $0) }
        }
    }

    @Test func solvesInPlaceOnRowBlocks() throws {
        try solvesInPlaceOnRowBlocks(Float.self)
        try solvesInPlaceOnRowBlocks(Double.self)
    }

    @Test func overlappingOutputAndInputThrowInsteadOfCallingBLAS() throws {
        var a = try Matrix<Double>(rows: 6, columns: 6) { i, j in Double(i + j) }
        let before = a
        a.withMutableView { view in
            let input = view.readOnly
            #expect { try Matrix.multiply(input.block(rows: 0..<3, columns: 0..<3), input.block(rows: 0..<3, columns: 3..<6),
                                          into: view.block(rows: 2..<5, columns: 2..<5)) } throws: { isOverlap($0) }
            #expect { try Matrix.rankKUpdate(input.columns(0..<2), into: view) } throws: { isOverlap($0) }
            #expect { try Matrix.triangularSolve(input.block(rows: 0..<3, columns: 0..<3), view.rows(0..<3),
                                                 triangle: .lower) } throws: { isOverlap($0) }
            #expect { try view.rows(1..<4).copy(from: input.rows(0..<3)) } throws: { isOverlap($0) }
            #expect { try view.add(input, scaledBy: 1) } throws: { isOverlap($0) }
            #expect { try Matrix.multiply(input, vector: input.columns(0..<1), into: view.columns(5..<6)) }
                throws: { isOverlap($0) }
        }
        #expect(a == before)
        // Disjoint halves of one matrix are fine: bottom ← top·B in place.
        let b = try Matrix<Double>.identity(6).scaled(by: 2)
        try b.withView { doubling in
            try a.withMutableView { view in try Matrix.multiply(view.readOnly.rows(0..<3), doubling, into: view.rows(3..<6)) }
        }
        #expect(try a.submatrix(rows: 3..<6, columns: 0..<6) == before.submatrix(rows: 0..<3, columns: 0..<6).scaled(by: 2))
        let message = LinearAlgebraError.overlappingOperands(operation: "gemm", output: "C (3×3, ld 6)",
                                                             input: "A (3×3, ld 6)").description
        #expect(message.contains("gemm") && message.contains("overlaps"))
    }
}
