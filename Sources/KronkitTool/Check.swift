import ArgumentParser
import Foundation
import KronKit

/// `kronkit check`: a small end-to-end run of the dense kernels against their
/// defining identities, in both precisions.
struct Check: ToolCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a small end-to-end check of the kernels against their defining identities.")

    @Option(help: "Matrix order of the check.")
    var size = 200

    @Option(help: "Seed of the random test matrices.")
    var seed: UInt64 = 42

    func validate() throws {
        guard size >= 1 else { throw ValidationError("--size must be at least 1, got \(size)") }
    }

    func execute(in context: CommandContext) throws {
        let console = context.console
        for line in Info.lines() { console.print(line) }
        console.print()
        let failures = try check(Double.self, console: console) + check(Float.self, console: console)
        if failures > 0 { throw ExitCode.failure }
        console.print("All checks passed.")
    }

    /// Prints each residual with its bound; returns the number of failures.
    func check<Scalar: LinearAlgebraScalar>(_: Scalar.Type, console: Console) throws -> Int {
        var generator = Xoshiro256StarStar(seed: seed)
        let n = size
        let eps = Double(Scalar.ulpOfOne)
        let a = try MatrixEnsemble<Scalar>.positiveDefinite(n, conditionNumber: 1e3, using: &generator)
        let cholesky = try CholeskyFactorization(a)
        let l = cholesky.factor
        let qr = try QRFactorization(Matrix<Scalar>.randomGaussian(rows: n, columns: n / 2 + 1, using: &generator))
        let svd = try SingularValueDecomposition(a)
        let checks: [(String, Double)] = [
            ("Cholesky  ‖LLᵀ − A‖/‖A‖", Double(try l.multiplied(by: l, transposingOther: .transpose).relativeDistance(to: a))),
            ("QR        ‖QᵀQ − I‖", Double(try qr.q.gram(.transpose).relativeDistance(to: .identity(qr.q.columns)))),
            ("SVD       ‖UΣVᵀ − A‖/‖A‖", Double(try svd.reconstructed().relativeDistance(to: a))),
        ]
        var failures = 0
        for (name, residual) in checks {
            let bound = 10 * Double(n) * eps
            let verdict = residual <= bound ? "ok" : "FAILED"
            if residual > bound { failures += 1 }
            console.print("\(Scalar.self) \(name) = \(String(format: "%.2e", residual)) (bound \(String(format: "%.2e", bound))) \(verdict)")
        }
        return failures
    }
}
