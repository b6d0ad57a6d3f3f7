@testable import CurvatureOptimizers
import DenseLinearAlgebra
import Foundation
import NeuralNetworks
import Testing

/// The update rules against their formulas, entry by entry.
@Suite("Update rules of SGD, Adam and K-FAC")
struct UpdateRuleTests {
    static let gradients: [[Double]] = [[0.5, -2, 3e-3, 0], [-1, 4, 2e-3, 7]]
    static let weight: [Double] = [1, -0.5, 2, 0.25]

    /// A one-layer model with a 2 × 2 weight (one input plus the bias).
    static func model<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws -> Sequential<Scalar> {
        var generator = Xoshiro256StarStar(seed: 1)
        return try Sequential([Dense<Scalar>(inputSize: 1, outputSize: 2, using: &generator)])
    }

    static func matrix<Scalar: LinearAlgebraScalar>(_ values: [Double], _: Scalar.Type) -> Matrix<Scalar> {
        try! Matrix(rows: 2, columns: 2, columnMajor: values.map { Scalar($0) })
    }

    func adamMatchesItsFormula<Scalar: LinearAlgebraScalar>(_: Scalar.Type, decoupled: Bool) throws {
        let (beta1, beta2, epsilon, decay) = (0.9, 0.999, 1e-8, 0.1)
        var adam = try Adam<Scalar>(model: Self.model(Scalar.self), options: .init(
            beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: decay, decoupledWeightDecay: decoupled))
        var (m, v) = ([Double](repeating: 0, count: 4), [Double](repeating: 0, count: 4))
        for (t, gradient) in Self.gradients.enumerated() {
            let direction = try adam.direction(forLayer: 0, gradient: Self.matrix(gradient, Scalar.self),
                                               weight: Self.matrix(Self.weight, Scalar.self))
            adam.stepCount += 1
            for k in 0..<4 {
                let u = gradient[k] + (decoupled ? 0 : decay * Self.weight[k])
                m[k] = beta1 * m[k] + (1 - beta1) * u
                v[k] = beta2 * v[k] + (1 - beta2) * u * u
                let mHat = m[k] / (1 - Double.pow(beta1, Double(t + 1)))
                let vHat = v[k] / (1 - Double.pow(beta2, Double(t + 1)))
                let expected = mHat / (vHat.squareRoot() + epsilon) + (decoupled ? decay * Self.weight[k] : 0)
                // A handful of roundings of values of order 1: 16 ulps of the scalar type.
                #expect(abs(Double(direction.elements[k]) - expected)
                    <= 16 * Double(Scalar.ulpOfOne) * Swift.max(1, abs(expected)), "step \(t + 1), entry \(k)")
            }
        }
    }

    @Test func adamAndAdamWFollowKingmaBaAndLoshchilovHutter() throws {
        for decoupled in [false, true] {
            try adamMatchesItsFormula(Float.self, decoupled: decoupled)
            try adamMatchesItsFormula(Double.self, decoupled: decoupled)
        }
    }

    @Test func sgdMomentumAndNesterovFollowPyTorch() throws {
        let (momentum, decay) = (0.9, 0.01)
        for nesterov in [false, true] {
            var sgd = try StochasticGradientDescent<Double>(
                model: Self.model(Double.self), options: .init(momentum: momentum, nesterov: nesterov, weightDecay: decay))
            var velocity = [Double](repeating: 0, count: 4)
            for gradient in Self.gradients {
                let direction = try sgd.direction(forLayer: 0, gradient: Self.matrix(gradient, Double.self),
                                                  weight: Self.matrix(Self.weight, Double.self))
                let update = (0..<4).map { gradient[$0] + decay * Self.weight[$0] }
                velocity = (0..<4).map { momentum * velocity[$0] + update[$0] }
                let expected = nesterov ? (0..<4).map { update[$0] + momentum * velocity[$0] } : velocity
                #expect(try direction.relativeDistance(to: Self.matrix(expected, Double.self)) <= 1e-15)
                #expect(try sgd.velocities[0].relativeDistance(to: Self.matrix(velocity, Double.self)) <= 1e-15)
            }
        }
    }

    @Test func directionsOfTheWrongShapeThrowWithoutTouchingTheState() throws {
        var adam = try Adam<Double>(model: Self.model(Double.self))
        var sgd = try StochasticGradientDescent<Double>(model: Self.model(Double.self))
        let wrong = try Matrix<Double>(rows: 3, columns: 2)
        let right = Self.matrix(Self.weight, Double.self)
        #expect(throws: LinearAlgebraError.self) { try adam.direction(forLayer: 0, gradient: wrong, weight: right) }
        #expect(throws: LinearAlgebraError.self) { try sgd.direction(forLayer: 0, gradient: right, weight: wrong) }
        #expect(adam.firstMoments[0].elements == [0, 0, 0, 0] && sgd.velocities[0].elements == [0, 0, 0, 0])
    }

    /// One K-FAC step: `W₁ = W₀ − η(νV + ωW₀)` with `V` the block's preconditioned gradient and
    /// `ν = min(1, √(κ / (η² Σ⟨V, ∇W⟩)))` (Ba et al. 2017); weight decay is not clipped.
    @Test func kfacClipsThenAddsWeightDecayThenMomentum() throws {
        var model = try TestModels.tanhNetwork(Double.self, inputs: 3, hidden: 4, outputs: 2, seed: 51)
        let batch = try TestModels.classificationBatch(Double.self, features: 3, classes: 2, batch: 16, seed: 52)
        let loss = SoftmaxCrossEntropy<Double>()
        let (rate, decay, kappa) = (0.3, 0.05, 1e-4)
        var optimizer = try KFAC<Double>(
            model: model, options: .init(learningRate: rate, momentum: 0.5, weightDecay: decay, klClip: kappa,
                                         factorUpdatePeriod: 1, inverseUpdatePeriod: 1, curvature: .empirical),
            configuration: .init())
        var reference = model
        _ = try reference.computeGradients(input: batch.input, target: batch.target, loss: loss)
        let before = model.parameters
        _ = try optimizer.step(&model, input: batch.input, target: batch.target, loss: loss)
        let gradients = reference.parameterizedLayers.map { $0.weightGradient }
        let directions = try zip(optimizer.blocks, gradients).map { try $0.preconditioned($1) }
        let inner = try zip(directions, gradients).reduce(0.0) { $0 + (try $1.0.elements.dot($1.1.elements)) }
        let clip = Swift.min(1, (kappa / (rate * rate * inner)).squareRoot())
        #expect(clip < 1, "κ is small enough for the clip to act")
        #expect(abs(optimizer.lastClipFactor - clip) <= 1e-14)
        for index in directions.indices {
            var expected = before[index]
            try expected.add(directions[index], scaledBy: -rate * clip)
            try expected.add(before[index], scaledBy: -rate * decay)
            #expect(try model.parameters[index].relativeDistance(to: expected) <= 1e-14)
        }
    }
}

/// A checkpoint is external input: every corruption that a later step would trip over is
/// rejected when it is read.
@Suite("Corrupt optimizer state is rejected on decoding")
struct CorruptStateTests {
    static let encoder = TrainingCheckpoint<KFAC<Double>>.encoder
    static let decoder = TrainingCheckpoint<KFAC<Double>>.decoder

    /// The JSON of `value` with `edit` applied to its top-level object.
    static func corrupted<T: Encodable>(_ value: T, _ edit: (inout [String: Any]) -> Void) throws -> Data {
        var object = try #require(JSONSerialization.jsonObject(with: encoder.encode(value)) as? [String: Any])
        edit(&object)
        return try JSONSerialization.data(withJSONObject: object)
    }

    static func trained<O: Optimizer<Double>>(_ make: (Sequential<Double>) throws -> O) throws -> O {
        var model = try TestModels.tanhNetwork(Double.self, inputs: 3, hidden: 4, outputs: 2, seed: 61)
        let batch = try TestModels.classificationBatch(Double.self, features: 3, classes: 2, batch: 8, seed: 62)
        var optimizer = try make(model)
        for _ in 0..<2 { _ = try optimizer.step(&model, input: batch.input, target: batch.target, loss: SoftmaxCrossEntropy<Double>()) }
        return optimizer
    }

    func rejects<O: Optimizer<Double>>(_ optimizer: O, _ what: String, _ edit: (inout [String: Any]) -> Void,
                                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let data = try Self.corrupted(optimizer, edit)
        #expect(throws: DecodingError.self, "\(what)", sourceLocation: sourceLocation) {
            try Self.decoder.decode(O.self, from: data)
        }
    }

    /// Applies `edit` to the dictionary of block `index` (the first by default).
    static func editFirstBlock(_ object: inout [String: Any], index: Int = 0, _ edit: (inout [String: Any]) -> Void) {
        var blocks = object["blocks"] as! [[String: Any]]
        edit(&blocks[index])
        object["blocks"] = blocks
    }

    @Test func kfacStateIsValidated() throws {
        for route in KroneckerBlockOptions.Route.allCases {
            let kfac = try Self.trained {
                try KFAC<Double>(model: $0, options: .init(factorUpdatePeriod: 1, inverseUpdatePeriod: 1),
                                 configuration: .init(options: .init(route: route)))
            }
            // The untouched state decodes.
            _ = try Self.decoder.decode(KFAC<Double>.self, from: Self.corrupted(kfac) { _ in })
            try rejects(kfac, "T_cov = 0 (a modulo by zero)") {
                var options = $0["options"] as! [String: Any]
                options["factorUpdatePeriod"] = 0
                $0["options"] = options
            }
            try rejects(kfac, "negative step count") { $0["stepCount"] = -1 }
            try rejects(kfac, "exhausted step count") { $0["stepCount"] = Int.max }
            try rejects(kfac, "a momentum missing") { $0["velocities"] = Array(($0["velocities"] as! [Any]).prefix(1)) }
            try rejects(kfac, "a block missing") { $0["blocks"] = Array(($0["blocks"] as! [Any]).prefix(1)) }
            try rejects(kfac, "a timing missing") { $0["blockTimings"] = [Any]() }
            try rejects(kfac, "a malformed layer shape") { $0["parameterShapes"] = ["shapes": [[4], [2, 5]]] }
            try rejects(kfac, "an empty Fisher trace") { object in
                Self.editFirstBlock(&object) { block in
                    var factors = block["factors"] as! [String: Any]
                    factors["fisherTrace"] = ["value": ["rows": 0, "columns": 0, "elements": [Double]()],
                                              "updateCount": 0, "decay": 0.5]
                    block["factors"] = factors
                }
            }
            try rejects(kfac, "a negative update count") { object in
                Self.editFirstBlock(&object) { block in
                    var factors = block["factors"] as! [String: Any]
                    var input = factors["input"] as! [String: Any]
                    input["updateCount"] = -3
                    factors["input"] = input
                    block["factors"] = factors
                }
            }
            try rejects(kfac, "negative damping") { object in
                Self.editFirstBlock(&object) { block in
                    block["configuration"] = ["options": ["damping": -1, "factorDecay": 0.95, "weightSharing": "expand",
                                                          "route": route.rawValue, "piDamping": true],
                                              "estimate": "standard"]
                }
            }
            /// Applies `edit` to the first block's inversion part.
            func editInverse(_ object: inout [String: Any], index: Int = 0, _ edit: (inout [String: Any]) -> Void) {
                Self.editFirstBlock(&object, index: index) { block in
                    var inverse = block["inverse"] as! [String: Any]
                    edit(&inverse)
                    block["inverse"] = inverse
                }
            }
            if route == .eigen {
                try rejects(kfac, "a zero scale δ") { object in editInverse(&object) { $0["scale"] = 0 } }
                try rejects(kfac, "a basis of the wrong order") { object in
                    // The second layer is 2 × 5: its output basis has order 2, its input factor order 5.
                    editInverse(&object, index: 1) { $0["input"] = $0["output"] }
                }
            } else {
                try rejects(kfac, "an inverse of the wrong order") { object in
                    editInverse(&object) { $0["inputInverse"] = ["rows": 1, "columns": 1, "elements": [1.0]] }
                }
            }
            // The part must be the route's: the other route's part does not decode as it.
            let other: KroneckerBlockOptions.Route = route == .eigen ? .inverse : .eigen
            try rejects(kfac, "the other route's inversion part") { object in
                Self.editFirstBlock(&object) { block in
                    var configuration = block["configuration"] as! [String: Any]
                    var options = configuration["options"] as! [String: Any]
                    options["route"] = other.rawValue
                    configuration["options"] = options
                    block["configuration"] = configuration
                }
            }
        }
    }

    @Test func ekfacStateIsValidated() throws {
        let ekfac = try Self.trained {
            try EKFAC<Double>(model: $0, options: .init(factorUpdatePeriod: 1, inverseUpdatePeriod: 1), configuration: .init())
        }
        _ = try Self.decoder.decode(EKFAC<Double>.self, from: Self.corrupted(ekfac) { _ in })
        /// Applies `edit` to block `index`'s part (the basis and `S`).
        func editPart(_ object: inout [String: Any], index: Int = 0, _ edit: (inout [String: Any]) -> Void) {
            Self.editFirstBlock(&object, index: index) { block in
                var part = block["inverse"] as! [String: Any]
                edit(&part)
                block["inverse"] = part
            }
        }
        try rejects(ekfac, "S of the wrong shape") { object in
            editPart(&object) { part in
                part["correction"] = ["value": ["rows": 1, "columns": 1, "elements": [1.0]], "updateCount": 0, "decay": 0.5]
            }
        }
        try rejects(ekfac, "a basis of the wrong order") { object in
            // The second layer is 2 × 5: its output basis has order 2, its input factor order 5.
            editPart(&object, index: 1) { part in
                var basis = part["basis"] as! [String: Any]
                basis["input"] = basis["output"]
                part["basis"] = basis
            }
        }
        // A block decodes the part its method names: K-FAC's eigen-route part is not EKFAC's, nor
        // EKFAC's K-FAC's (the two are the same block type composed with different parts).
        let kfac = try Self.trained {
            try KFAC<Double>(model: $0, options: .init(factorUpdatePeriod: 1, inverseUpdatePeriod: 1), configuration: .init())
        }
        #expect(throws: DecodingError.self, "K-FAC's part in an EKFAC block") {
            try Self.decoder.decode(EKFAC<Double>.self, from: Self.corrupted(kfac) { _ in })
        }
        #expect(throws: DecodingError.self, "EKFAC's part in a K-FAC block") {
            try Self.decoder.decode(KFAC<Double>.self, from: Self.corrupted(ekfac) { _ in })
        }
    }

    @Test func firstOrderStateIsValidated() throws {
        let sgd = try Self.trained { try StochasticGradientDescent<Double>(model: $0) }
        try rejects(sgd, "a momentum of the wrong shape") {
            var velocities = $0["velocities"] as! [Any]
            velocities[0] = ["rows": 1, "columns": 1, "elements": [0.0]]
            $0["velocities"] = velocities
        }
        try rejects(sgd, "zero learning rate") {
            var options = $0["options"] as! [String: Any]
            options["learningRate"] = 0
            $0["options"] = options
        }
        let adam = try Self.trained { try Adam<Double>(model: $0) }
        _ = try Self.decoder.decode(Adam<Double>.self, from: Self.corrupted(adam) { _ in })
        try rejects(adam, "a second moment missing") { $0["secondMoments"] = Array(($0["secondMoments"] as! [Any]).prefix(1)) }
        try rejects(adam, "β₁ = 1") {
            var options = $0["options"] as! [String: Any]
            options["beta1"] = 1
            $0["options"] = options
        }
        try rejects(adam, "negative step count") { $0["stepCount"] = -5 }
    }
}
