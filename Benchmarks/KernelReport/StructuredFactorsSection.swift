import DenseLinearAlgebra
import StructuredFactors

/// StructuredFactors rows: each structured kernel against the dense BLAS/LAPACK computation of
/// the same result — the lower-triangular Toeplitz FFT product and Newton-inverse solve against
/// `?trmm` and `?trsm` with the dense triangle (Double and Float), SINGD's `Π(XᵀX)` without the
/// Gram matrix against `?syrk` plus the projection, block-diagonal and hierarchical `S·X` against
/// a dense `?gemm`, the Woodbury solve and determinant lemma of a low-rank-plus-diagonal matrix
/// against dense LU (`?getrf`), and the scaling of the Toeplitz product in `n`. Every row first
/// checks that kernel and baseline agree to `√eps` (``compareChecked(_:_:size:flops:kernel:baseline:_:as:)``).
enum StructuredFactorsSection {
    static func run(_ report: inout KernelReport) throws {
        var generator = Xoshiro256StarStar(seed: 11)
        let scale = report.quick ? 4 : 1
        let columns = 64
        try toeplitzRows(Double.self, order: 4096 / scale, columns: columns, &report, using: &generator)
        try toeplitzRows(Float.self, order: 4096 / scale, columns: columns, &report, using: &generator)

        // SINGD's H_K = Π(Kᵀ·aᵀa/b·K) is projectingGram(of: a·K): X of batch × width.
        let x = try Matrix<Double>.randomGaussian(rows: 256 / scale, columns: 2048 / scale, using: &generator)
        try gramRow(DiagonalMatrix<Double>.self, "", layout: .init(), x, &report)
        try gramRow(BlockDiagonalMatrix<Double>.self, " (block 30)", layout: .init(blockSize: 30), x, &report)
        try gramRow(LowerTriangularToeplitz<Double>.self, " (FFT)", layout: .init(), x, &report)
        try gramRow(HierarchicalFactor<Double>.self, " (15, 15)", layout: .init(topLeftOrder: 15, bottomRightOrder: 15),
                    x, &report)

        let n = 2048 / scale
        let operand = try Matrix<Double>.randomGaussian(rows: n, columns: columns, using: &generator)
        let square = try Matrix<Double>.randomGaussian(rows: n, columns: n, using: &generator)
        try productRow(BlockDiagonalMatrix<Double>.projecting(square, layout: .init(blockSize: 30)), " (block 30)",
                       flops: 2 * Double(n) * 30 * Double(columns), operand, &report)
        let (k1, k2) = (15, 15)
        try productRow(HierarchicalFactor<Double>.projecting(square, layout: .init(topLeftOrder: k1, bottomRightOrder: k2)),
                       " (15, 15)", flops: Double(2 * (k1 * n + k2 * (n - k1)) + n) * Double(columns), operand, &report)

        try woodburyRows(order: 4096 / scale, rank: 64, rightHandSides: 16, &report, using: &generator)

        let orders = report.quick ? [256, 512, 1024, 2048, 4096] : [1024, 2048, 4096, 8192, 16384]
        var inputs: [Int: (matrix: LowerTriangularToeplitz<Double>, x: Matrix<Double>)] = [:]
        for order in orders {
            inputs[order] = (try LowerTriangularToeplitz(column: dominantColumn(order, using: &generator)),
                             try Matrix<Double>.randomGaussian(rows: order, columns: columns, using: &generator))
        }
        try report.scale("LowerTriangularToeplitz matmat Double (FFT), \(columns) columns", sizes: orders) { order in
            let (matrix, x) = inputs[order]!
            _ = try matrix.apply(to: x)
        }
    }

    /// The type's name without its generic argument, "BlockDiagonalMatrix" for `BlockDiagonalMatrix<Double>`.
    static func structureName<S: StructuredMatrix>(_ type: S.Type) -> String {
        String(String(describing: type).prefix { $0 != "<" })
    }

    /// A first column `t₀ = 1`, `t_k = u_k/(2k²)` with `u_k` uniform in [−1, 1]: diagonally dominant
    /// (`Σ_{k≥1} |t_k| < 0.83`), so the inverse does not grow, and no subnormal entries.
    static func dominantColumn<Scalar: LinearAlgebraScalar>(_ n: Int, using generator: inout Xoshiro256StarStar)
        throws -> [Scalar] {
        let u = try Matrix<Scalar>.randomUniform(rows: n, columns: 1, using: &generator).column(0)
        return (0..<n).map { k in k == 0 ? 1 : u[k] / Scalar(2 * k * k) }
    }

    /// "LowerTriangularToeplitz matmat/solve <precision>": `L·X` by FFT against `?trmm` and `L⁻¹·X`
    /// by the Newton inverse against `?trsm`, both with the dense triangle (and a copy of `X`,
    /// since both BLAS routines work in place).
    static func toeplitzRows<Scalar: LinearAlgebraScalar>(
        _: Scalar.Type, order n: Int, columns: Int, _ report: inout KernelReport,
        using generator: inout Xoshiro256StarStar
    ) throws {
        let matrix = try LowerTriangularToeplitz<Scalar>(column: dominantColumn(n, using: &generator))
        let dense = try matrix.dense()
        let x = try Matrix<Scalar>.randomGaussian(rows: n, columns: columns, using: &generator)
        let size = "n = \(n), \(columns) columns"
        let prefix = Scalar.routinePrefix
        try compareChecked(&report, "LowerTriangularToeplitz matmat \(Scalar.self) (FFT)", size: size,
                           kernel: { try matrix.apply(to: x) },
                           baseline: "dense lower \(prefix)trmm (copy of X + in place)") {
            var y = x
            try Matrix.triangularMultiply(dense, &y, triangle: .lower)
            return y
        }
        try compareChecked(&report, "LowerTriangularToeplitz solve \(Scalar.self) (Newton inverse + FFT product)",
                           size: size, kernel: { try matrix.solve(x) },
                           baseline: "dense lower \(prefix)trsm (copy of X + in place)") {
            var y = x
            try Matrix.triangularSolve(dense, &y, triangle: .lower)
            return y
        }
    }

    /// "<structure> projectingGram <precision>": `Π(XᵀX)` without the Gram matrix against
    /// `?syrk` of `XᵀX` followed by the structure's projection (singd's `from_inner` path).
    static func gramRow<S: StructuredMatrix>(
        _ type: S.Type, _ detail: String, layout: S.Layout, _ x: Matrix<S.Scalar>, _ report: inout KernelReport
    ) throws {
        try compareChecked(&report, "\(structureName(type)) projectingGram \(S.Scalar.self)\(detail)",
                           size: "X \(x.rows)×\(x.columns)",
                           kernel: { try S.projectingGram(of: x, layout: layout) },
                           baseline: "\(S.Scalar.routinePrefix)syrk XᵀX + projecting",
                           { try S.projecting(x.gram(.transpose), layout: layout) }, as: { try $0.dense() })
    }

    /// "<structure> matmat <precision>": `S·X` in the structure against a dense `?gemm` with
    /// `S`'s dense matrix into a reused output.
    static func productRow<S: StructuredMatrix>(
        _ matrix: S, _ detail: String, flops: Double, _ x: Matrix<S.Scalar>, _ report: inout KernelReport
    ) throws {
        let dense = try matrix.dense()
        var result = try Matrix<S.Scalar>(rows: matrix.order, columns: x.columns)
        try compareChecked(&report, "\(structureName(S.self)) matmat \(S.Scalar.self)\(detail)",
                           size: "n = \(matrix.order), \(x.columns) columns", flops: flops,
                           kernel: { try matrix.apply(to: x) },
                           baseline: "dense \(S.Scalar.routinePrefix)gemm") {
            try Matrix.multiply(dense, x, into: &result)
            return result
        }
    }

    /// "LowRankPlusDiagonal solve / log-determinant Double": `(D + U·Uᵀ)⁻¹·B` by Woodbury and
    /// `log|det|` by the determinant lemma against LU (`dgetrf`, then `dgetrs`) of the dense matrix.
    static func woodburyRows(order n: Int, rank: Int, rightHandSides: Int, _ report: inout KernelReport,
                             using generator: inout Xoshiro256StarStar) throws {
        // A damped factor: d in [0.5, 1.5], U·Uᵀ of unit-size entries.
        let d = try Matrix<Double>.randomUniform(rows: n, columns: 1, in: 0.5...1.5, using: &generator).column(0)
        let u = try Matrix<Double>.randomGaussian(rows: n, columns: rank, using: &generator)
            .scaled(by: 1 / Double(rank).squareRoot())
        let matrix = try LowRankPlusDiagonal(diagonal: d, factor: u)
        let dense = try matrix.dense()
        let b = try Matrix<Double>.randomGaussian(rows: n, columns: rightHandSides, using: &generator)
        let size = "n = \(n), rank \(rank)"
        try compareChecked(&report, "LowRankPlusDiagonal solve Double (Woodbury), \(rightHandSides) right-hand sides",
                           size: size, kernel: { try matrix.solve(b) },
                           baseline: "LU (dgetrf + dgetrs) of the dense matrix") { try LUFactorization(dense).solve(b) }
        try compareChecked(&report, "LowRankPlusDiagonal log-determinant Double (determinant lemma)", size: size,
                           kernel: { try matrix.logAbsoluteDeterminant() },
                           baseline: "LU (dgetrf) of the dense matrix", { try LUFactorization(dense).logAbsoluteDeterminant() },
                           as: { try Matrix(column: [$0.logAbs, $0.sign]) })
    }

    /// ``KernelReport/compare(_:size:flops:kernel:baseline:_:)`` after one untimed run of each side
    /// whose results, as matrices, must agree to `√eps` (relative to the baseline's largest entry):
    /// the rows time two computations of the same result.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` if they do not agree.
    static func compareChecked<Scalar: LinearAlgebraScalar, Result>(
        _ report: inout KernelReport, _ name: String, size: String, flops: Double? = nil,
        kernel: () throws -> Result, baseline baselineName: String, _ baseline: () throws -> Result,
        as matrix: (Result) throws -> Matrix<Scalar>
    ) throws {
        let distance = try matrix(kernel()).relativeDistance(to: matrix(baseline()))
        guard distance <= Scalar.ulpOfOne.squareRoot() else {
            throw LinearAlgebraError.invalidArgument(
                operation: name, detail: "differs from \(baselineName) by \(distance) (relative)")
        }
        try report.compare(name, size: size, flops: flops, kernel: { _ = try kernel() }, baseline: baselineName) {
            _ = try baseline()
        }
    }

    /// ``compareChecked(_:_:size:flops:kernel:baseline:_:as:)`` for rows whose results are matrices.
    static func compareChecked<Scalar: LinearAlgebraScalar>(
        _ report: inout KernelReport, _ name: String, size: String, flops: Double? = nil,
        kernel: () throws -> Matrix<Scalar>, baseline baselineName: String, _ baseline: () throws -> Matrix<Scalar>
    ) throws {
        try compareChecked(&report, name, size: size, flops: flops, kernel: kernel, baseline: baselineName, baseline,
                           as: { $0 })
    }
}
