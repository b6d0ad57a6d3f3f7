import DenseLinearAlgebra
import LinearOperators

/// One failed check of ``checkOperator(_:against:tolerance:)``: what was checked, the
/// measured relative error (or the unexpected outcome) and the bound.
public struct OperatorCheckFailure: CustomStringConvertible, Sendable {
    /// The check, e.g. `"applyTransposed, 3 columns"`.
    public let check: String
    /// What went wrong: the error against the bound, or the error thrown.
    public let detail: String

    /// `check: detail`.
    public var description: String { "\(check): \(detail)" }
}

/// Runs every operation `op` offers against its dense form `dense` and returns the checks
/// that failed (an empty list when all pass; a test asserts that it is empty).
///
/// Checked: the shape; `apply(to:)`, `applyTransposed(to:)` and their `into:` forms on blocks
/// of 0, 1 and 3 random columns; `dense()`; `diagonalEntries()`; `trace()` when square; that a
/// block of the wrong height throws; the compositions (transpose, scaling, sum with itself,
/// a `λI` shift when square, a Kronecker product with a 2 × 3 matrix on either side); and
/// where `op` conforms, `solve(_:)` (residual) and `logAbsoluteDeterminant()` (against LU).
///
/// Every error is relative: a product's `‖computed − reference‖_F / (‖D‖_F·‖X‖_F)`, a solve's
/// residual `‖D·X − B‖_F / (‖D‖_F·‖X‖_F + ‖B‖_F)`, the trace's and the diagonal's error over
/// `‖D‖_F`, the log-determinant's over `n·max(1, |log|det D||)`; each must be at most
/// `tolerance` (pass e.g. ``Tolerance/backward(_:order:factor:)``, larger for an approximate
/// structure, and say why at the call). For an operator that is singular by construction (a
/// partial eigendecomposition) pass `invertible: false`: its solve and determinant must throw.
public func checkOperator<Op: LinearOperator>(
    _ op: Op, against dense: Matrix<Op.Scalar>, tolerance: Op.Scalar, invertible: Bool = true
) -> [OperatorCheckFailure] {
    var checker = OperatorChecker(dense: dense, tolerance: tolerance, invertible: invertible)
    checker.check(op, composed: true)
    return checker.failures
}

/// The state of one ``checkOperator(_:against:tolerance:)`` run.
struct OperatorChecker<Scalar: LinearAlgebraScalar> {
    let dense: Matrix<Scalar>
    let tolerance: Scalar
    let invertible: Bool
    var failures: [OperatorCheckFailure] = []
    var generator = Xoshiro256StarStar(seed: 0x0915_4A7E)
    var prefix = ""

    init(dense: Matrix<Scalar>, tolerance: Scalar, invertible: Bool) {
        self.dense = dense
        self.tolerance = tolerance
        self.invertible = invertible
    }

    mutating func fail(_ check: String, _ detail: String) {
        failures.append(OperatorCheckFailure(check: prefix + check, detail: detail))
    }

    /// Records `error > tolerance`, or the error thrown, for `check`.
    mutating func record(_ check: String, _ outcome: Result<Scalar, any Error>) {
        switch outcome {
        case let .success(error):
            if !(error <= tolerance) { fail(check, "relative error \(error) > tolerance \(tolerance)") }
        case let .failure(error):
            fail(check, "threw \(error)")
        }
    }

    /// Records a failure unless `outcome` is a thrown error.
    mutating func recordThrows(_ check: String, _ outcome: Result<Void, any Error>) {
        if case .success = outcome { fail(check, "did not throw for a singular or rectangular operator") }
    }

    /// `‖a − b‖_F / scale`, `scale` replaced by 1 when zero.
    static func relative(_ a: Matrix<Scalar>, _ b: Matrix<Scalar>, scale: Scalar) throws -> Scalar {
        guard a.rows == b.rows, a.columns == b.columns else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "checkOperator", expected: "\(b.rows)×\(b.columns)", actual: "\(a.rows)×\(a.columns)")
        }
        return try (a - b).frobeniusNorm / (scale > 0 ? scale : 1)
    }

    mutating func check<Op: LinearOperator<Scalar>>(_ op: Op, composed: Bool) {
        guard op.rows == dense.rows, op.columns == dense.columns else {
            fail("shape", "\(op.rows)×\(op.columns), dense \(dense.rows)×\(dense.columns)")
            return
        }
        let dense = self.dense
        let norm = dense.frobeniusNorm
        for k in [0, 1, 3] {
            let x: Matrix<Scalar>, y: Matrix<Scalar>
            do {
                x = try Matrix<Scalar>.randomGaussian(rows: op.columns, columns: k, using: &generator)
                y = try Matrix<Scalar>.randomGaussian(rows: op.rows, columns: k, using: &generator)
            } catch {
                fail("random blocks", "threw \(error)")
                return
            }
            let scaleX = norm * x.frobeniusNorm, scaleY = norm * y.frobeniusNorm
            record("apply, \(k) columns", Result { try Self.relative(op.apply(to: x), dense * x, scale: scaleX) })
            record("applyTransposed, \(k) columns", Result {
                try Self.relative(op.applyTransposed(to: y), dense.multiplied(by: y, transposingSelf: .transpose), scale: scaleY)
            })
            record("apply(into:) reshaping, \(k) columns", Result {
                var result = try Matrix<Scalar>(rows: 1, columns: 1, repeating: .nan)
                try op.apply(to: x, into: &result)
                return try Self.relative(result, dense * x, scale: scaleX)
            })
            record("apply(into:) in place, \(k) columns", Result {
                var result = try Matrix<Scalar>(rows: op.rows, columns: k, repeating: .nan)
                try op.apply(to: x, into: &result)
                return try Self.relative(result, dense * x, scale: scaleX)
            })
            record("applyTransposed(into:), \(k) columns", Result {
                var result = Matrix<Scalar>()
                try op.applyTransposed(to: y, into: &result)
                return try Self.relative(result, dense.multiplied(by: y, transposingSelf: .transpose), scale: scaleY)
            })
        }
        record("dense()", Result { try Self.relative(op.dense(), dense, scale: norm) })
        record("diagonalEntries()", Result {
            let entries = try op.diagonalEntries()
            guard entries.count == dense.diagonal.count else {
                throw LinearAlgebraError.dimensionMismatch(
                    operation: "diagonalEntries", expected: "\(dense.diagonal.count)", actual: "\(entries.count)")
            }
            return zip(entries, dense.diagonal).reduce(0) { Swift.max($0, abs($1.0 - $1.1)) } / (norm > 0 ? norm : 1)
        })
        if op.isSquare {
            record("trace()", Result { abs(try op.trace() - dense.diagonal.reduce(0, +)) / (norm > 0 ? norm : 1) })
        }
        let wrongHeight = op.columns + 1
        recordThrows("apply to \(wrongHeight) rows", Result {
            _ = try op.apply(to: Matrix<Scalar>(rows: wrongHeight, columns: 1))
        })
        // Solves and determinants of square operators (a rectangular one's must throw).
        let exact = invertible && op.isSquare
        if let solvable = op as? any SolvableOperator<Scalar> {
            if exact {
                checkSolve(solvable)
            } else {
                recordThrows("solve(_:)", Result { _ = try solvable.solve(dense) })
            }
        }
        if let determinant = op as? any LogDeterminantOperator<Scalar> {
            if exact {
                checkLogDeterminant(determinant)
            } else {
                recordThrows("logAbsoluteDeterminant()", Result { _ = try determinant.logAbsoluteDeterminant() })
            }
        }
        if composed { checkCompositions(op) }
    }

    mutating func checkSolve(_ op: some SolvableOperator<Scalar>) {
        let dense = self.dense
        let b: Matrix<Scalar>
        do {
            b = try Matrix<Scalar>.randomGaussian(rows: op.rows, columns: 2, using: &generator)
        } catch {
            fail("solve(_:)", "threw \(error)")
            return
        }
        record("solve(_:)", Result {
            let x = try op.solve(b)
            return try Self.relative(dense * x, b, scale: dense.frobeniusNorm * x.frobeniusNorm + b.frobeniusNorm)
        })
    }

    mutating func checkLogDeterminant(_ op: some LogDeterminantOperator<Scalar>) {
        let dense = self.dense
        record("logAbsoluteDeterminant()", Result {
            let (logAbs, sign) = try op.logAbsoluteDeterminant()
            let reference = try dense.logAbsoluteDeterminant()
            guard sign == reference.sign else {
                throw LinearAlgebraError.invalidArgument(
                    operation: "logAbsoluteDeterminant", detail: "sign \(sign), dense LU \(reference.sign)")
            }
            return abs(logAbs - reference.logAbs) / (Scalar(Swift.max(1, op.rows)) * Swift.max(1, abs(reference.logAbs)))
        })
    }

    /// The compositions of `op`, each against its dense form (not composed further).
    mutating func checkCompositions<Op: LinearOperator<Scalar>>(_ op: Op) {
        let saved = prefix
        defer { prefix = saved }
        do {
            let small = try Matrix<Scalar>.randomGaussian(rows: 2, columns: 3, using: &generator)
            let cases: [(String, any LinearOperator<Scalar>, Matrix<Scalar>)] = [
                ("transpose", TransposedOperator(op), dense.transposed()),
                ("scaled by -1.5", try ScaledOperator(-1.5, op), dense.scaled(by: -1.5)),
                ("sum with itself", try SumOperator(op, op), try dense + dense),
                ("product with its transpose", try ProductOperator(op, TransposedOperator(op)),
                 try dense.multiplied(by: dense, transposingOther: .transpose)),
                ("A ⊗ M", try KroneckerProductOperator(op, small), try denseKronecker(dense, small)),
                ("M ⊗ A", try KroneckerProductOperator(small, op), try denseKronecker(small, dense)),
            ]
            for (name, composed, reference) in cases { check(composed, name: name, reference: reference) }
            if op.isSquare {
                var shifted = dense
                try shifted.addToDiagonal(0.75)
                check(try ShiftedOperator(op, shift: 0.75), name: "shifted by 0.75", reference: shifted)
            }
        } catch {
            fail("compositions", "threw \(error)")
        }
    }

    mutating func check(_ composed: any LinearOperator<Scalar>, name: String, reference: Matrix<Scalar>) {
        var inner = OperatorChecker(dense: reference, tolerance: tolerance, invertible: invertible)
        inner.prefix = prefix + name + ": "
        inner.generator = generator
        inner.check(composed, composed: false)
        generator = inner.generator
        failures += inner.failures
    }
}

/// The dense Kronecker product `A ⊗ B` (`(A ⊗ B)[i_A·m_B + i_B, j_A·n_B + j_B] = a·b`).
public func denseKronecker<Scalar: LinearAlgebraScalar>(_ a: Matrix<Scalar>, _ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
    try Matrix(rows: a.rows * b.rows, columns: a.columns * b.columns) { i, j in
        a[i / b.rows, j / b.columns] * b[i % b.rows, j % b.columns]
    }
}
