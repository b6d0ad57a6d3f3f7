/// Options shared by the Kronecker-factored curvature blocks (K-FAC, EKFAC,
/// TKFAC, TEKFAC, the low-rank blocks). Defaults from the method catalogue
/// (``MethodSettings/defaults``; why: `Notes/KFAC-family.md`, "Defaults").
public struct KroneckerBlockOptions: Codable, Sendable, Hashable {
    /// How the damped inverse is applied.
    public enum Route: String, Codable, Sendable, Hashable, CaseIterable {
        /// Exact `(A ⊗ G + λI)⁻¹` through the factors' eigenbases (Martens & Grosse §6.3).
        case eigen
        /// `(G + (√λ/π)I)⁻¹ ∇W (A + π√λ I)⁻¹` from Cholesky factorizations of the damped factors.
        case inverse
    }

    /// Tikhonov damping λ added to the curvature. Default `0.1`.
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

    /// Options with the catalogue's defaults where not given.
    /// - Complexity: `O(1)`.
    public init(damping: Double = MethodSettings.defaults.damping,
                factorDecay: Double = MethodSettings.defaults.factorDecay,
                weightSharing: WeightSharingApproximation = MethodSettings.defaults.weightSharing,
                route: Route = .eigen, piDamping: Bool = MethodSettings.defaults.piDamping) {
        self.damping = damping
        self.factorDecay = factorDecay
        self.weightSharing = weightSharing
        self.route = route
        self.piDamping = piDamping
    }

    /// Throws unless damping and decay lie in their catalogue ranges.
    /// - Throws: ``OptimizerError/optionOutOfRange(option:value:validRange:)``.
    public func validate() throws {
        try MethodOption.damping.check(damping)
        try MethodOption.factorDecay.check(factorDecay)
    }
}
