/// Seconds an optimizer has spent in each phase since it was created.
public struct PhaseTimings: Codable, Sendable, Hashable {
    /// Forward and backward passes (including the extra passes of the Monte-Carlo Fisher).
    public var forwardBackward: Double = 0
    /// Folding statistics into the curvature factors.
    public var factorUpdate: Double = 0
    /// Refreshing factorisations (eigendecompositions, inverses).
    public var inversion: Double = 0
    /// Preconditioning the gradients and applying the update.
    public var application: Double = 0

    public init(forwardBackward: Double = 0, factorUpdate: Double = 0, inversion: Double = 0, application: Double = 0) {
        self.forwardBackward = forwardBackward
        self.factorUpdate = factorUpdate
        self.inversion = inversion
        self.application = application
    }

    /// The sum of all phases.
    public var total: Double { forwardBackward + factorUpdate + inversion + application }

    /// Runs `body` and returns its wall-clock seconds.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
