/// The flop count of one training step of an MLP with biases, per phase, as the optimizers
/// run it (a multiply-add counts 2; element-wise passes are left out, they are `O(b·w)`).
/// Layer `k` maps `w_k` inputs to `w_{k+1}` outputs: a `m × n` weight with `m = w_{k+1}`,
/// `n = w_k + 1` (the bias column). Issue 12's accounting (`Notes/BENCHMARKS.md`,
/// "Peers: kfac-jax").
struct TrainingStepFlops {
    /// SGD's forward and backward: `2bmn` forward, `2bmn` weight gradient, `2b·m·w_k` input
    /// gradient for every layer but the first.
    let forwardBackward: Double
    /// The Monte-Carlo pass's input gradients (it skips the weight gradients and the data's gradient).
    let monteCarloBackward: Double
    /// One `syrk` per factor: `b·n(n+1)` for `A` and `b·m(m+1)` for `G`.
    let factorUpdate: Double
    /// Per layer the cheaper of `G⁻¹∇W A⁻¹` (`2mn(m+n)`) and `(G⁻¹g)(A⁻¹a)ᵀ` (`2b(m² + n² + mn)`).
    let preconditioning: Double
    /// Per refresh, Cholesky factorization and inverse of both damped factors, `n³ + m³`.
    let inversionPerRefresh: Double

    init(widths: [Int], batch: Int) {
        let b = Double(batch)
        var (forwardBackward, monteCarlo, factors, preconditioning, inversion) = (0.0, 0.0, 0.0, 0.0, 0.0)
        for (index, (input, output)) in zip(widths, widths.dropFirst()).enumerated() {
            let (m, n) = (Double(output), Double(input + 1))
            forwardBackward += 4 * b * m * n
            if index > 0 {
                forwardBackward += 2 * b * m * Double(input)
                monteCarlo += 2 * b * m * Double(input)
            }
            factors += b * (n * (n + 1) + m * (m + 1))
            preconditioning += Swift.min(2 * m * n * (m + n), 2 * b * (m * m + n * n + m * n))
            inversion += n * n * n + m * m * m
        }
        self.forwardBackward = forwardBackward
        monteCarloBackward = monteCarlo
        factorUpdate = factors
        self.preconditioning = preconditioning
        inversionPerRefresh = inversion
    }

    /// K-FAC's flops per step (inverse route) over SGD's, with one refresh per `inversePeriod` steps.
    func kfacOverSGD(inversePeriod: Int) -> Double {
        (forwardBackward + monteCarloBackward + factorUpdate + preconditioning
            + inversionPerRefresh / Double(inversePeriod)) / forwardBackward
    }
}
