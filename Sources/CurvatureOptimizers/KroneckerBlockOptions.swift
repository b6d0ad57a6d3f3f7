/// Options shared by the Kronecker-factored curvature blocks (K-FAC, EKFAC,
/// TKFAC, TEKFAC). Defaults from the reference implementations listed in
/// Notes/REFERENCES.md (kfac-pytorch, kfac-jax; Martens & Grosse 2015).
public struct KroneckerBlockOptions: Codable, Sendable, Hashable {
    /// How the damped inverse is applied.
    public enum Route: String, Codable, Sendable, Hashable, CaseIterable {
        /// Exact `(A ⊗ G + λI)⁻¹` through the factors' eigenbases (Martens & Grosse §6.3).
        case eigen
        /// `(G + (√λ/π)I)⁻¹ ∇W (A + π√λ I)⁻¹` from Cholesky factorizations of the damped factors.
        case inverse
    }

    /// Tikhonov damping λ added to the curvature. Default `1e-3`.
    public var damping: Double
    /// EMA decay ρ of the factors. Default `0.95`.
    public var factorDecay: Double
    /// Expand or reduce for layers with weight sharing. Default `.expand`.
    public var weightSharing: WeightSharingApproximation
    /// Eigen or inverse route (K-FAC and TKFAC; EKFAC variants always use the eigenbasis).
    /// Default `.eigen`.
    public var route: Route
    /// Split λ between the factors by π (`true`, Martens & Grosse §6.3) or evenly as
    /// `√λ` each (`false`) on the inverse route. Default `true`.
    public var piDamping: Bool

    public init(damping: Double = 1e-3, factorDecay: Double = 0.95, weightSharing: WeightSharingApproximation = .expand,
                route: Route = .eigen, piDamping: Bool = true) {
        self.damping = damping
        self.factorDecay = factorDecay
        self.weightSharing = weightSharing
        self.route = route
        self.piDamping = piDamping
    }

    /// Throws unless damping is positive and finite and the decay lies in `[0, 1)`.
    public func validate() throws {
        guard damping > 0, damping.isFinite else {
            throw OptimizerError.invalidConfiguration("damping must be positive and finite, got \(damping)")
        }
        guard (0..<1).contains(factorDecay) else {
            throw OptimizerError.invalidConfiguration("factor decay must lie in [0, 1), got \(factorDecay)")
        }
    }
}
