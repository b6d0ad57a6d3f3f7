import DenseLinearAlgebra

extension SymmetricEigendecomposition {
    /// The eigenpairs of `matrix` picked by `selection` — an ascending index range
    /// (0-based) or the eigenvalues in the half-open interval `(lower, upper]` — or
    /// all of them.
    ///
    /// `.all` runs MRRR (LAPACK `?syevr`). A proper selection runs the stages of
    /// `?syevr`'s own subset path, which leaves MRRR for bisection and inverse
    /// iteration: Householder reduction to tridiagonal form (`?sytrd`), Sturm-count
    /// bisection of the selected eigenvalues (`?stebz`'s splitting, pivot floor and
    /// stopping rule, all selected eigenvalues of a block bisected in one pass —
    /// ``Options/absoluteTolerance`` is its `abstol`), eigenvectors by inverse iteration
    /// (`?stein`) and the back-transformation of the `k` vectors (`?ormtr`). Matrices
    /// whose largest entry is outside `[√(safmin/ulp), min(√(1/(safmin/ulp)), safmin^(−1/4))]`
    /// are scaled into it first and the eigenvalues scaled back, as `?syevr` does.
    ///
    /// - Complexity: `4n³/3` flops for the reduction, about `3n·k·log₂(1/ulp)` for the
    ///   bisection and `O(n·k)` (up to `O(n·k²)` in clusters) for inverse iteration, `2n²·k`
    ///   for the back-transformation of `k` eigenpairs. One copy of the input.
    /// - Accuracy: eigenvalues to `ulp·‖T‖₁` absolute (or the given tolerance), vectors
    ///   as the module's contract; the two paths agree to those bounds, not bit for bit.
    /// - Throws: as ``init(_:driver:options:)``, and
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for an index range
    ///   outside `0..<n`, an empty or non-finite value interval, or a non-finite
    ///   ``Options/absoluteTolerance``; ``/DenseLinearAlgebra/LinearAlgebraError/lapackFailure(routine:info:)``
    ///   when inverse iteration does not converge for `info` vectors.
    @inlinable
    public init(_ matrix: Matrix<Scalar>, selecting selection: EigenvalueSelection<Scalar>,
                options: Options = Options()) throws {
        let operation = "SymmetricEigendecomposition (selection)"
        var (workspace, largestEntry) = try validatedSymmetricCopy(of: matrix, operation: operation,
                                                                   triangle: options.triangle)
        guard options.absoluteTolerance.isFinite else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "absolute tolerance \(options.absoluteTolerance) must be finite")
        }
        let n = matrix.rows
        switch selection {
        case .all:
            try self.init(relativelyRobustRepresentations: &workspace, options: options)
            return
        case let .indexRange(lower, upper):
            guard 0 <= lower, lower <= upper, upper < n else {
                throw LinearAlgebraError.invalidArgument(
                    operation: operation, detail: "index range \(lower)...\(upper) must lie in 0..<\(n)")
            }
        case let .valueRange(lower, upper):
            guard lower.isFinite, upper.isFinite, lower < upper else {
                throw LinearAlgebraError.invalidArgument(
                    operation: operation, detail: "value interval (\(lower), \(upper)] must be finite and non-empty")
            }
        }
        guard n > 0 else {
            self.init(uncheckedOrder: 0, eigenvalues: [], eigenvectors: Matrix())
            return
        }
        try self.init(bisecting: &workspace, selection: selection, largestEntry: largestEntry, options: options)
    }

    /// The full decomposition by MRRR (`?syevr`, `range = 'A'`) of a validated working
    /// copy, which it overwrites.
    @inlinable
    init(relativelyRobustRepresentations a: inout Matrix<Scalar>, options: Options) throws {
        let routine = "\(Scalar.routinePrefix)syevr"
        let n = a.rows
        guard n > 0 else {
            self.init(uncheckedOrder: 0, eigenvalues: [], eigenvectors: Matrix())
            return
        }
        let computeVectors = options.computeVectors
        var values = [Scalar](repeating: 0, count: n)
        var vectors = [Scalar](repeating: 0, count: computeVectors ? n * n : 1)
        var support = [Int32](repeating: 0, count: 2 * n)
        var found = 0
        let info = try a.withMutableView { pa in
            try vectors.withUnsafeMutableBufferPointer { pz in
                try Scalar.syevr(computeVectors: computeVectors, selection: .all, triangle: options.triangle,
                                 n: n, a: pa.unsafeStart, lda: pa.leadingDimension,
                                 absoluteTolerance: options.absoluteTolerance, found: &found, eigenvalues: &values,
                                 z: computeVectors ? pz.baseAddress : nil, ldz: n, support: &support)
            }
        }
        if info != 0 { throw LinearAlgebraError.lapackFailure(routine: routine, info: info) }
        self.init(uncheckedOrder: n, eigenvalues: values,
                  eigenvectors: try Matrix(rows: n, columns: computeVectors ? n : 0,
                                           columnMajor: computeVectors ? vectors : []))
    }

    /// A proper selection by reduction, bisection, inverse iteration and back-transformation
    /// of a validated working copy, which it overwrites.
    @inlinable
    init(bisecting a: inout Matrix<Scalar>, selection: EigenvalueSelection<Scalar>, largestEntry: Scalar,
         options: Options) throws {
        let n = a.rows
        // ?syevr's scaling range: squares and Sturm pivots neither overflow nor underflow.
        let smallNumber = Scalar.leastNormalMagnitude / Scalar.ulpOfOne
        let (lowestNorm, highestNorm) = (smallNumber.squareRoot(),
                                         Swift.min((1 / smallNumber).squareRoot(),
                                                   1 / Scalar.leastNormalMagnitude.squareRoot().squareRoot()))
        var scale: Scalar = 1
        if largestEntry > 0 && largestEntry < lowestNorm { scale = lowestNorm / largestEntry }
        if largestEntry > highestNorm { scale = highestNorm / largestEntry }
        if scale != 1 { a.scale(by: scale) }
        var diagonal = [Scalar](repeating: 0, count: n)
        var offDiagonal = [Scalar](repeating: 0, count: n)
        var tau = [Scalar](repeating: 0, count: n)
        let reduced = try a.withMutableView { pa in
            try Scalar.sytrd(triangle: options.triangle, n: n, a: pa.unsafeStart, lda: pa.leadingDimension,
                             diagonal: &diagonal, offDiagonal: &offDiagonal, tau: &tau)
        }
        if reduced != 0 { throw LinearAlgebraError.lapackFailure(routine: "\(Scalar.routinePrefix)sytrd", info: reduced) }
        let tridiagonal = SymmetricTridiagonal(diagonal: diagonal, offDiagonal: Array(offDiagonal.prefix(n - 1)),
                                               absoluteTolerance: options.absoluteTolerance * scale)
        let indices: ClosedRange<Int>
        switch selection {
        case let .indexRange(lower, upper):
            indices = lower...upper
        case let .valueRange(lower, upper):
            let first = tridiagonal.countEigenvalues(inBlock: 0..<n, atOrBelow: lower * scale)
            let end = tridiagonal.countEigenvalues(inBlock: 0..<n, atOrBelow: upper * scale)
            guard end > first else {
                self.init(uncheckedOrder: n, eigenvalues: [], eigenvectors: try Matrix(rows: n, columns: 0))
                return
            }
            indices = first...(end - 1)
        case .all:
            indices = 0...(n - 1)
        }
        let (grouped, blocks) = try tridiagonal.eigenvalues(indices: indices)
        // Ascending order of the eigenvalues grouped by block (?stein's layout).
        let ascending = grouped.indices.sorted { (grouped[$0], $0) < (grouped[$1], $1) }
        let values = ascending.map { grouped[$0] / scale }
        guard options.computeVectors else {
            self.init(uncheckedOrder: n, eigenvalues: values, eigenvectors: try Matrix(rows: n, columns: 0))
            return
        }
        let k = grouped.count
        var groupedVectors = try Matrix<Scalar>(rows: n, columns: k)
        var failures = [Int32](repeating: 0, count: k)
        let info = try groupedVectors.withMutableView { z in
            try Scalar.stein(n: n, diagonal: tridiagonal.diagonal, offDiagonal: tridiagonal.offDiagonal, count: k,
                             eigenvalues: grouped, blocks: blocks, splits: tridiagonal.blockEnds,
                             z: z.unsafeStart, ldz: z.leadingDimension, failures: &failures)
        }
        if info != 0 { throw LinearAlgebraError.lapackFailure(routine: "\(Scalar.routinePrefix)stein", info: info) }
        var vectors = tridiagonal.blockEnds.count == 1 ? groupedVectors : try groupedVectors.columns(at: ascending)
        let transformed = try a.withView { pa in
            try vectors.withMutableView { z in
                try Scalar.ormtr(triangle: options.triangle, n: n, columns: k, a: pa.unsafeStart, lda: pa.leadingDimension,
                                 tau: tau, c: z.unsafeStart, ldc: z.leadingDimension)
            }
        }
        if transformed != 0 {
            throw LinearAlgebraError.lapackFailure(routine: "\(Scalar.routinePrefix)ormtr", info: transformed)
        }
        self.init(uncheckedOrder: n, eigenvalues: values, eigenvectors: vectors)
    }
}
