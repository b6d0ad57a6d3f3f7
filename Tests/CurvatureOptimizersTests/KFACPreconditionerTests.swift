@testable import CurvatureOptimizers
import DenseLinearAlgebra
import KronKitTestSupport
import NeuralNetworks
import Testing

@Suite("K-FAC preconditioner against the explicit Kronecker product")
struct KFACPreconditionerTests {
    /// One K-FAC step (factors and inverse refreshed at step 0) on a tanh network.
    func steppedOptimizer<Scalar: LinearAlgebraScalar>(
        _: Scalar.Type, route: KroneckerBlockOptions.Route, damping: Double, estimate: KroneckerFactors<Scalar>.Estimate = .standard
    ) throws -> KFAC<Scalar> {
        var model = try TestModels.tanhNetwork(Scalar.self, inputs: 4, hidden: 5, outputs: 3, seed: 1)
        let batch = try TestModels.classificationBatch(Scalar.self, features: 4, classes: 3, batch: 40, seed: 2)
        var optimizer = try KFAC<Scalar>(
            model: model, options: .init(learningRate: 0.01, factorUpdatePeriod: 1, inverseUpdatePeriod: 1),
            configuration: .init(options: .init(damping: damping, route: route), estimate: estimate), seed: 3)
        _ = try optimizer.step(&model, input: batch.input, target: batch.target, loss: SoftmaxCrossEntropy<Scalar>())
        return optimizer
    }

    func eigenRouteIsTheExactDampedInverse<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let damping = 1e-2
        let optimizer = try steppedOptimizer(Scalar.self, route: .eigen, damping: damping)
        var generator = Xoshiro256StarStar(seed: 4)
        for block in optimizer.blocks {
            let a = block.factors.input.value
            let g = block.factors.output.value
            let gradient = try Matrix<Scalar>.randomGaussian(rows: g.rows, columns: a.rows, using: &generator)
            var dense = try BruteForceCurvature.kronecker(a, g)
            try dense.addToDiagonal(Scalar(damping))
            let expected = try BruteForceCurvature.solve(dense, gradient)
            // cond(A⊗G + λI) ≤ (‖A‖‖G‖ + λ)/λ ≈ 1e3 here: error ≲ c·n·eps·cond.
            let tolerance = Scalar(1e3 * Double(dense.rows)) * Scalar.ulpOfOne * 100
            #expect(try block.preconditioned(gradient).relativeDistance(to: expected) <= tolerance * Swift.max(1, expected.maxAbsoluteEntry))
        }
    }

    @Test func eigenRouteMatchesDenseSolve() throws {
        try eigenRouteIsTheExactDampedInverse(Float.self)
        try eigenRouteIsTheExactDampedInverse(Double.self)
    }

    @Test func inverseRouteIsTheFactoredTikhonovInverse() throws {
        let damping = 1e-2
        let optimizer = try steppedOptimizer(Double.self, route: .inverse, damping: damping)
        var generator = Xoshiro256StarStar(seed: 5)
        for block in optimizer.blocks {
            let gradient = try Matrix<Double>.randomGaussian(rows: block.factors.output.value.rows,
                                                             columns: block.factors.input.value.rows, using: &generator)
            let expected = try Self.factoredTikhonovSolve(block.factors, damping: damping, gradient).solution
            #expect(try block.preconditioned(gradient).relativeDistance(to: expected) <= 1e-10 * Swift.max(1, expected.maxAbsoluteEntry))
        }
    }

    /// `((A + π√λ I) ⊗ (G + (√λ/π) I))⁻¹·vec(∇W)` formed densely, with the condition number of
    /// that matrix bounded from the factors' largest eigenvalues.
    static func factoredTikhonovSolve<Scalar: LinearAlgebraScalar>(
        _ factors: KroneckerFactors<Scalar>, damping: Double, _ gradient: Matrix<Scalar>
    ) throws -> (solution: Matrix<Scalar>, conditionBound: Double) {
        let a = factors.input.value
        let g = factors.output.value
        // π = sqrt((tr A / d_in) / (tr G / d_out)), Martens & Grosse §6.3.
        let pi = Scalar(((Double(try a.trace()) / Double(a.rows)) / (Double(try g.trace()) / Double(g.rows))).squareRoot())
        let (inputShift, outputShift) = (pi * Scalar(damping).squareRoot(), Scalar(damping).squareRoot() / pi)
        var dampedA = a
        try dampedA.addToDiagonal(inputShift)
        var dampedG = g
        try dampedG.addToDiagonal(outputShift)
        let (input, output, _) = try factors.eigendecompositions()
        let largest = (Double(input.eigenvalues.max() ?? 0), Double(output.eigenvalues.max() ?? 0))
        let bound = (largest.0 + Double(inputShift)) / Double(inputShift) * (largest.1 + Double(outputShift)) / Double(outputShift)
        return (try BruteForceCurvature.solve(BruteForceCurvature.kronecker(dampedA, dampedG), gradient), bound)
    }

    func factoredGradientMatchesTheDenseOne<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        // Batch 4 against widths 30–40: the rank-4 forms, (G⁻¹g)(A⁻¹a)ᵀ on the inverse
        // route and (Q_Gᵀg)(Q_Aᵀa)ᵀ into the eigenbasis, are the cheaper ones.
        var model = try TestModels.tanhNetwork(Scalar.self, inputs: 30, hidden: 40, outputs: 3, seed: 17)
        let batch = try TestModels.classificationBatch(Scalar.self, features: 30, classes: 3, batch: 4, seed: 18)
        for route in KroneckerBlockOptions.Route.allCases {
            var optimizer = try KFAC<Scalar>(
                model: model, options: .init(factorUpdatePeriod: 1, inverseUpdatePeriod: 1),
                configuration: .init(options: .init(damping: 0.1, route: route)))
            _ = try optimizer.step(&model, input: batch.input, target: batch.target, loss: SoftmaxCrossEntropy<Scalar>())
            _ = try model.computeGradients(input: batch.input, target: batch.target, loss: SoftmaxCrossEntropy<Scalar>())
            for (block, layer) in zip(optimizer.blocks, model.parameterizedLayers) {
                let dense = try block.preconditioned(layer.weightGradient)
                try expectFactoredFormAgrees(block, layer, dense)
            }
        }
        for estimate in [KroneckerFactors<Scalar>.Estimate.standard, .traceRestricted] {
            var optimizer = try EKFAC<Scalar>(
                model: model, options: .init(factorUpdatePeriod: 1, inverseUpdatePeriod: 1),
                configuration: .init(options: .init(damping: 0.1), estimate: estimate))
            for _ in 0..<2 {
                _ = try optimizer.step(&model, input: batch.input, target: batch.target, loss: SoftmaxCrossEntropy<Scalar>())
            }
            _ = try model.computeGradients(input: batch.input, target: batch.target, loss: SoftmaxCrossEntropy<Scalar>())
            for (block, layer) in zip(optimizer.blocks, model.parameterizedLayers) {
                try expectFactoredFormAgrees(block, layer, try block.preconditioned(layer.weightGradient))
            }
        }
    }

    func expectFactoredFormAgrees<Block: CurvatureBlock>(_ block: Block, _ layer: any ParameterizedLayer<Block.Scalar>,
                                                          _ dense: Matrix<Block.Scalar>) throws {
        typealias Scalar = Block.Scalar
        // The wide layers (40 × 31, 3 × 41 is not) take the rank-4 path.
        #expect(Block.prefersFactoredForm(layer.weightGradient, layer.outputGradients, layer.inputs)
            || layer.weightGradient.rows < 10, "the rank-m path is exercised for the wide layers")
        let factored = try block.preconditioned(layer.weightGradient, factoredAs: layer.outputGradients,
                                                times: layer.inputs)
        // Two orderings of the same products: rounding only, amplified by the damped
        // factors' condition numbers (≤ 1e2 at λ = 0.1): 10·cond·n·eps, n = 40.
        #expect(try (factored - dense).maxAbsoluteEntry <= Scalar(1e3 * 40) * Scalar.ulpOfOne * dense.maxAbsoluteEntry)
    }

    @Test func factoredGradientsArePreconditionedLikeDenseOnes() throws {
        try factoredGradientMatchesTheDenseOne(Float.self)
        try factoredGradientMatchesTheDenseOne(Double.self)
    }

    @Test func routesAgreeAsDampingVanishes() throws {
        // Both routes tend to (A ⊗ G)⁻¹; the inverse route's cross terms are O(√λ).
        let eigen = try steppedOptimizer(Double.self, route: .eigen, damping: 1e-14)
        let inverse = try steppedOptimizer(Double.self, route: .inverse, damping: 1e-14)
        var generator = Xoshiro256StarStar(seed: 6)
        for (e, i) in zip(eigen.blocks, inverse.blocks) {
            let gradient = try Matrix<Double>.randomGaussian(rows: e.factors.output.value.rows,
                                                         columns: e.factors.input.value.rows, using: &generator)
            let viaEigen = try e.preconditioned(gradient)
            #expect(try i.preconditioned(gradient).relativeDistance(to: viaEigen) <= 1e-4 * viaEigen.maxAbsoluteEntry)
        }
    }

    @Test func factorsAreTheBatchSecondMoments() throws {
        // With T_cov = 1 the first update replaces the identity: A = ããᵀ/b, G = b·ggᵀ (empirical Fisher).
        var model = try TestModels.tanhNetwork(Double.self, inputs: 3, hidden: 4, outputs: 2, seed: 7)
        let batch = try TestModels.classificationBatch(Double.self, features: 3, classes: 2, batch: 16, seed: 8)
        var optimizer = try KFAC<Double>(
            model: model, options: .init(factorUpdatePeriod: 1, inverseUpdatePeriod: 1, curvature: .empirical),
            configuration: .init())
        var reference = model
        _ = try reference.computeGradients(input: batch.input, target: batch.target, loss: SoftmaxCrossEntropy<Double>())
        _ = try optimizer.step(&model, input: batch.input, target: batch.target, loss: SoftmaxCrossEntropy<Double>())
        for (block, layer) in zip(optimizer.blocks, reference.parameterizedLayers) {
            let a = try layer.inputs.gram(alpha: 1.0 / 16)
            let g = try layer.outputGradients.gram(alpha: 16)
            #expect(try block.factors.input.value.relativeDistance(to: a) <= 1e-14)
            #expect(try block.factors.output.value.relativeDistance(to: g) <= 1e-14)
        }
    }

    @Test func traceRestrictionKeepsTheEmpiricalFisherTrace() throws {
        var model = try TestModels.tanhNetwork(Double.self, inputs: 3, hidden: 4, outputs: 2, seed: 9)
        let batch = try TestModels.classificationBatch(Double.self, features: 3, classes: 2, batch: 12, seed: 10)
        var optimizer = try KFAC<Double>(
            model: model, options: .init(factorUpdatePeriod: 1, inverseUpdatePeriod: 1, curvature: .empirical),
            configuration: .init(estimate: .traceRestricted))
        var reference = model
        _ = try reference.computeGradients(input: batch.input, target: batch.target, loss: SoftmaxCrossEntropy<Double>())
        _ = try optimizer.step(&model, input: batch.input, target: batch.target, loss: SoftmaxCrossEntropy<Double>())
        for (block, layer) in zip(optimizer.blocks, reference.parameterizedLayers) {
            // The dense empirical Fisher's trace: (1/b) Σₙ ‖∇Wₙ‖² over per-example gradients.
            let gradients = try layer.perExampleWeightGradients()
            let trace = gradients.reduce(0.0) { $0 + $1.frobeniusNorm * $1.frobeniusNorm } / Double(gradients.count)
            #expect(abs(block.factors.fisherTrace.value[0, 0] - trace) <= 1e-12 * trace)
            // tr(δ·Φ ⊗ Ψ) = δ·tr Φ·tr Ψ equals tr F.
            let approximated = block.factors.scale * (try block.factors.input.value.trace()) * (try block.factors.output.value.trace())
            #expect(abs(approximated - trace) <= 1e-12 * trace)
        }
    }
}

/// When a new `λ` acts (``AdjustableDampingBlock``): on the eigen routes at the next
/// preconditioned gradient, on the inverse route at the next refresh.
@Suite("A changed damping: at once on the eigen routes, at the next refresh on the inverse route")
struct DampingChangeTests {
    /// `λ` at the refresh and the one set after it: far enough apart that the two damped
    /// inverses differ by far more than the tolerance (checked).
    static let (refreshed, changed) = (0.1, 1.0)

    /// The error bound against a dense reference: the block's application (eigenbasis or
    /// Cholesky inverses) and the reference (an LU solve, or EKFAC's explicit `Q D⁻¹ Qᵀ`) are
    /// each backward stable, so each errs by at most LAPACK's eigenproblem ratio times
    /// `N·eps·cond` relative, in the 2-norm (`N = d_in·d_out`); `√N` converts that to the largest
    /// entry that `relativeDistance` measures.
    static func tolerance<Scalar: LinearAlgebraScalar>(_: Scalar.Type, order n: Int, condition: Double) -> Scalar {
        Tolerance.eigen(Scalar.self, order: n, factor: 2 * Tolerance.eigenproblemRatio * condition * Double(n).squareRoot())
    }

    /// `block.preconditioned(gradient)` matches `expected` and not `other` (the result for the
    /// other `λ`).
    static func expectMatches<Scalar: LinearAlgebraScalar>(_ actual: Matrix<Scalar>, _ expected: Matrix<Scalar>,
                                                          not other: Matrix<Scalar>, tolerance: Scalar,
                                                          _ what: String) throws {
        #expect(try actual.relativeDistance(to: expected) <= tolerance, "\(Scalar.self) \(what)")
        #expect(try other.relativeDistance(to: expected) > 10 * tolerance, "\(Scalar.self) \(what): the λs are told apart")
    }

    func kfacRoutes<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 31)
        for route in KroneckerBlockOptions.Route.allCases {
            let optimizer = try KFACPreconditionerTests().steppedOptimizer(Scalar.self, route: route, damping: Self.refreshed)
            for var block in optimizer.blocks {
                let (a, g) = (block.factors.input.value, block.factors.output.value)
                let gradient = try Matrix<Scalar>.randomGaussian(rows: g.rows, columns: a.rows, using: &generator)
                try block.setDamping(Self.changed)
                let n = a.rows * g.rows
                switch route {
                case .eigen:
                    // (A ⊗ G + λI)⁻¹: cond ≤ (‖A‖‖G‖ + λ)/λ.
                    let (input, output, _) = try block.factors.eigendecompositions()
                    let norm = Double(input.eigenvalues.max() ?? 0) * Double(output.eigenvalues.max() ?? 0)
                    func reference(_ damping: Double) throws -> Matrix<Scalar> {
                        var dense = try BruteForceCurvature.kronecker(a, g)
                        try dense.addToDiagonal(Scalar(damping))
                        return try BruteForceCurvature.solve(dense, gradient)
                    }
                    let tolerance = Self.tolerance(Scalar.self, order: n, condition: (norm + Self.changed) / Self.changed)
                    try Self.expectMatches(block.preconditioned(gradient), reference(Self.changed),
                                           not: reference(Self.refreshed), tolerance: tolerance, "eigen route, new λ at once")
                case .inverse:
                    let old = try KFACPreconditionerTests.factoredTikhonovSolve(block.factors, damping: Self.refreshed, gradient)
                    let new = try KFACPreconditionerTests.factoredTikhonovSolve(block.factors, damping: Self.changed, gradient)
                    try Self.expectMatches(block.preconditioned(gradient), old.solution, not: new.solution,
                                           tolerance: Self.tolerance(Scalar.self, order: n, condition: old.conditionBound),
                                           "inverse route, old λ until the refresh")
                    try block.refreshInverse()
                    try Self.expectMatches(block.preconditioned(gradient), new.solution, not: old.solution,
                                           tolerance: Self.tolerance(Scalar.self, order: n, condition: new.conditionBound),
                                           "inverse route, new λ after the refresh")
                }
            }
        }
    }

    @Test func kfacTakesANewDampingAtOnceOnTheEigenRouteAndAtTheRefreshOnTheInverseRoute() throws {
        try kfacRoutes(Float.self)
        try kfacRoutes(Double.self)
    }

    func ekfac<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var model = try TestModels.tanhNetwork(Scalar.self, inputs: 4, hidden: 5, outputs: 3, seed: 1)
        let batch = try TestModels.classificationBatch(Scalar.self, features: 4, classes: 3, batch: 40, seed: 2)
        // T_inv = 2, two steps: the part is built at the first, S moved away from δ·d_G d_Aᵀ at the second.
        var optimizer = try EKFAC<Scalar>(
            model: model, options: .init(learningRate: 0.01, factorUpdatePeriod: 1, inverseUpdatePeriod: 2),
            configuration: .init(options: .init(damping: Self.refreshed)), seed: 3)
        for _ in 0..<2 {
            _ = try optimizer.step(&model, input: batch.input, target: batch.target, loss: SoftmaxCrossEntropy<Scalar>())
        }
        var generator = Xoshiro256StarStar(seed: 32)
        for var block in optimizer.blocks {
            let part = try #require(block.inverse as? EigenvalueCorrectedInverse<Scalar>)
            let s = part.correction.value
            let gradient = try Matrix<Scalar>.randomGaussian(rows: s.rows, columns: s.columns, using: &generator)
            // Q (diag(vec S) + λI)⁻¹ Qᵀ formed densely, Q = Q_A ⊗ Q_G: cond ≤ (max S + λ)/λ.
            func reference(_ damping: Double) throws -> Matrix<Scalar> {
                try BruteForceCurvature.eigenvalueCorrectedSolve(part, damping: damping, gradient)
            }
            let largest = Double(s.elements.max() ?? 0)
            try block.setDamping(Self.changed)
            try Self.expectMatches(block.preconditioned(gradient), reference(Self.changed), not: reference(Self.refreshed),
                                   tolerance: Self.tolerance(Scalar.self, order: s.elements.count,
                                                             condition: (largest + Self.changed) / Self.changed),
                                   "EKFAC, new λ at once")
        }
    }

    @Test func ekfacTakesANewDampingAtOnce() throws {
        try ekfac(Float.self)
        try ekfac(Double.self)
    }
}

@Suite("Per-block statistics")
struct BlockStatisticsTests {
    @Test func diagnosticsAndTimingsAreReported() throws {
        var model = try TestModels.tanhNetwork(Double.self, inputs: 4, hidden: 5, outputs: 3, seed: 41)
        let batch = try TestModels.classificationBatch(Double.self, features: 4, classes: 3, batch: 32, seed: 42)
        var optimizer = try KFAC<Double>(model: model, options: .init(factorUpdatePeriod: 1, inverseUpdatePeriod: 2),
                                         configuration: .init(options: .init(damping: 3e-3)))
        for _ in 0..<3 {
            _ = try optimizer.step(&model, input: batch.input, target: batch.target, loss: SoftmaxCrossEntropy<Double>())
        }
        #expect(optimizer.diagnostics.count == 2)
        for (diagnostics, timings) in zip(optimizer.diagnostics, optimizer.blockTimings) {
            #expect(diagnostics.damping == 3e-3)
            #expect(diagnostics.inputConditionNumber >= 1 && diagnostics.outputConditionNumber >= 1)
            #expect(timings.factorUpdate > 0 && timings.inversion > 0 && timings.application > 0)
        }
        #expect(optimizer.timings.total > optimizer.timings.forwardBackward)
        #expect(optimizer.name == "kfac")
        #expect(optimizer.stateSize > 0)
    }
}
