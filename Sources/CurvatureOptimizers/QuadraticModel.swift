/// The local quadratic model of the objective restricted to the span of one or two update
/// directions, and its minimiser: how tuning-free K-FAC picks its learning rate and momentum
/// (Martens & Grosse 2015, §7; kfac-jax's adaptive learning rate and momentum).
///
/// For directions `v₁ = Δ` (the preconditioned step) and `v₂ = δ` (the previous update) and
/// weights `w = (α, μ)`, `M(w) = ½·wᵀ(A + λD)w + wᵀb` with `A = Vᵀ·C·V` (`C` the exact curvature
/// plus any L2 term), `D = VᵀV` and `b = Vᵀ∇`; it is `M(αΔ + μδ) − M(0)` of the full model
/// `½ dᵀ(C + λI)d + ∇ᵀd`. The minimiser is `w = −(A + λD)⁻¹·b`, a 2 × 2 solve.
public struct QuadraticModel: Sendable, Hashable {
    /// `A = VᵀCV`, `n × n` (`n` = 1 or 2 directions), rows as arrays.
    public let curvature: [[Double]]
    /// `D = VᵀV`.
    public let gram: [[Double]]
    /// `b = Vᵀ∇`.
    public let gradient: [Double]

    /// A model of `n = gradient.count` directions.
    /// - Complexity: `O(1)`.
    /// - Throws: ``OptimizerError/invalidConfiguration(_:)`` unless `n` is 1 or 2, the matrices
    ///   are `n × n` and symmetric, and every entry is finite.
    public init(curvature: [[Double]], gram: [[Double]], gradient: [Double]) throws {
        let n = gradient.count
        guard n == 1 || n == 2 else {
            throw OptimizerError.invalidConfiguration("a quadratic model has 1 or 2 directions, got \(n)")
        }
        for (name, matrix) in [("curvature", curvature), ("Gram matrix", gram)] {
            guard matrix.count == n, matrix.allSatisfy({ $0.count == n }) else {
                throw OptimizerError.invalidConfiguration("the model's \(name) must be \(n)×\(n), got \(matrix)")
            }
            guard matrix.joined().allSatisfy(\.isFinite), n == 1 || matrix[0][1] == matrix[1][0] else {
                throw OptimizerError.invalidConfiguration("the model's \(name) \(matrix) must be finite and symmetric")
            }
        }
        guard gradient.allSatisfy(\.isFinite) else {
            throw OptimizerError.invalidConfiguration("the model's gradient products \(gradient) must be finite")
        }
        self.curvature = curvature
        self.gram = gram
        self.gradient = gradient
    }

    /// The weights `w` minimising `M` with damping `λ`.
    ///
    /// Two directions: the 2 × 2 solve `w = −(A + λD)⁻¹b` by Cramer's rule. It falls back to
    /// the first direction alone (`μ = 0`, as kfac-jax does at its first step) when the second
    /// is zero or the system is numerically singular, `det ≤ 4·eps·a₁₁a₂₂` (the directions
    /// parallel to rounding, where the 2 × 2 solution would be noise). One direction:
    /// `α = −b₁/(a₁₁ + λd₁₁)`; a zero direction (`a₁₁ + λd₁₁ = 0`) gets `α = 0`.
    /// - Complexity: `O(1)`.
    /// - Throws: ``OptimizerError/invalidConfiguration(_:)`` when the damped model is not
    ///   convex along the directions (a negative diagonal or determinant: `C` not PSD or `λ < 0`).
    public func minimiser(damping: Double) throws -> [Double] {
        let a = damped(damping)
        guard a[0][0] >= 0 else {
            throw OptimizerError.invalidConfiguration("the damped quadratic model has curvature \(a[0][0]) < 0 along Δ")
        }
        let first = a[0][0] > 0 ? -gradient[0] / a[0][0] : 0
        guard gradient.count == 2 else { return [first] }
        let determinant = a[0][0] * a[1][1] - a[0][1] * a[1][0]
        let scale = a[0][0] * a[1][1]
        guard a[1][1] > 0, determinant > 4 * Double.ulpOfOne * scale else {
            guard a[1][1] >= 0, determinant >= -4 * Double.ulpOfOne * scale else {
                throw OptimizerError.invalidConfiguration("the damped quadratic model \(a) is not positive semidefinite")
            }
            return [first, 0]
        }
        return [(-gradient[0] * a[1][1] + gradient[1] * a[0][1]) / determinant,
                (-gradient[1] * a[0][0] + gradient[0] * a[1][0]) / determinant]
    }

    /// `M(w) − M(0) = ½·wᵀ(A + λD)w + wᵀb`: the model's predicted change of the objective.
    /// - Complexity: `O(1)`.
    /// - Precondition: `w` has one weight per direction.
    public func change(at w: [Double], damping: Double) -> Double {
        precondition(w.count == gradient.count, "one weight per direction")
        let a = damped(damping)
        var value = 0.0
        for i in w.indices {
            value += w[i] * gradient[i]
            for j in w.indices { value += 0.5 * w[i] * a[i][j] * w[j] }
        }
        return value
    }

    /// `A + λD`.
    func damped(_ damping: Double) -> [[Double]] {
        zip(curvature, gram).map { row, gramRow in zip(row, gramRow).map { $0 + damping * $1 } }
    }
}
