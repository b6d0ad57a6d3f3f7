import DenseLinearAlgebra
import NeuralNetworks

/// Any optimizer run with its model and state stored in a low precision (bfloat16, float16):
/// the model must store in the same precision (``/NeuralNetworks/Sequential/storing(in:)``),
/// and each step
///
/// 1. rounds the batch (input and target) to the storage precision;
/// 2. runs the wrapped optimizer's step with the loss gradient scaled by the
///    ``LossScaler``'s `S` and rounded (``/NeuralNetworks/ScaledRoundedLoss``); the layers round
///    every result they store and divide the captured gradients by `S`;
/// 3. if the scaled gradients overflowed (±∞/NaN in a captured gradient), restores the model
///    and the state as before the step and, with dynamic scaling, halves `S` and skips the step;
/// 4. rounds every floating-point array of the wrapped optimizer's state (momenta, moments,
///    K-FAC factors and their decompositions or inverses, SINGD's `K`, `C`, `m_K`, `m_C`, …).
///
/// Everything the wrapped method computes inside one step runs in Float on those stored values
/// (LAPACK's factorisations included): the arithmetic of bf16/fp16 tensor hardware, with the
/// store points listed in `Notes/LowPrecision.md`. A failure — overflow of a stored state value,
/// a non-SPD factor, NaN in a step — throws ``LowPrecisionTrainingError`` naming the step.
///
/// **Adam and AdamW in float16 diverge**: the second moment after the first step,
/// `v = (1 − β₂)·g² = 10⁻³·g²`, rounds to 0 in float16 below half its smallest value (3·10⁻⁸), so
/// for gradient entries under about 5·10⁻³, and the update `m̂/(√v̂ + ε)` is then of order `m̂/ε`.
/// AdamW failed within 4 steps on every measured seed (`Notes/RESULTS.md`, issue 17); bfloat16,
/// whose exponent range is Float's, trains both. The K-FAC family and SINGD train in both formats. Wrapping Adam in float16 is not refused, since the
/// failure is this format's, and is reported as such when it happens.
///
/// - Complexity: the wrapped step, plus one rounding pass over the batch, one copy and one
///   rounding pass over the state; a skipped step costs one more forward pass (its reported loss).
public struct LowPrecisionOptimizer<Wrapped: Optimizer>: Optimizer, LossScaledOptimizer {
    public typealias Scalar = Wrapped.Scalar

    /// The optimizer whose state is stored rounded.
    public private(set) var wrapped: Wrapped
    /// The format of the model and the state.
    public let precision: StoragePrecision
    /// The loss scale and its counters.
    public private(set) var scaler: LossScaler
    /// Seconds spent rounding the state (part of ``timings``' application phase).
    public private(set) var roundingSeconds: Double

    /// Wraps `wrapped`, rounding its state now.
    /// - Throws: ``OptimizerError/invalidConfiguration(_:)`` for an invalid `lossScaling`;
    ///   ``LowPrecisionTrainingError`` when the initial state overflows the format.
    public init(_ wrapped: Wrapped, precision: StoragePrecision, lossScaling: LossScaling? = nil) throws {
        self.precision = precision
        scaler = try LossScaler(lossScaling ?? .recommended(for: precision))
        self.wrapped = try StateRounding.rounded(wrapped, to: precision, step: 0)
        roundingSeconds = 0
    }

    /// The wrapped method's name: the precision is part of a run's identity, not of its method.
    public var name: String { wrapped.name }
    /// Steps attempted: the wrapped optimizer's plus the skipped ones.
    public var stepCount: Int { wrapped.stepCount + scaler.skippedSteps }
    public var timings: PhaseTimings {
        var total = wrapped.timings
        total.application += roundingSeconds
        return total
    }
    /// The wrapped optimizer's stored scalars, each ``/DenseLinearAlgebra/StoragePrecision/bytesPerValue`` bytes.
    public var stateSize: Int { wrapped.stateSize }
    /// The bytes of the stored state.
    public var stateBytes: Int { stateSize * precision.bytesPerValue }

    public mutating func step<L: Loss>(_ model: inout Sequential<Scalar>, input: Matrix<Scalar>,
                                       target: Matrix<Scalar>, loss: L) throws -> StepResult<Scalar>
        where L.Scalar == Scalar {
        guard model.storagePrecision == precision else {
            throw OptimizerError.modelMismatch(
                "the model stores in \(model.storagePrecision?.rawValue ?? "\(Scalar.self)"), the optimizer in "
                    + "\(precision.rawValue) (wrap the model with Sequential.storing(in:))")
        }
        let stepNumber = stepCount + 1
        let scale = Scalar(scaler.scale)
        if model.lossScale != scale { try model.setLossScale(scale) }
        let scaledLoss = try ScaledRoundedLoss(loss, precision: precision, scale: scale)
        let (input, target) = (precision.rounded(input), precision.rounded(target))
        let (savedModel, savedState) = (model, wrapped)
        var result: StepResult<Scalar>?
        var failure: (any Error)?
        do {
            result = try wrapped.step(&model, input: input, target: target, loss: scaledLoss)
        } catch {
            failure = error
        }
        if try Self.capturedGradientsOverflowed(model) {
            (model, wrapped) = (savedModel, savedState)
            guard scaler.recordOverflow() else {
                throw LowPrecisionTrainingError(step: stepNumber, precision: precision,
                                                kind: .gradientOverflow(lossScale: Double(scale)))
            }
            guard scaler.scale >= 1 else {
                throw LowPrecisionTrainingError(step: stepNumber, precision: precision,
                                                kind: .lossScaleUnderflow(lossScale: scaler.scale))
            }
            let output = try model.predict(input)
            return StepResult(loss: try loss.value(output: output, target: target), output: output)
        }
        if let failure {
            guard let kind = LowPrecisionTrainingError.kind(of: failure) else { throw failure }
            throw LowPrecisionTrainingError(step: stepNumber, precision: precision, kind: kind)
        }
        guard let result else { preconditionFailure("a step that did not throw returned its result") }
        let state = wrapped
        var rounded = state
        roundingSeconds += try PhaseTimings.seconds {
            rounded = try StateRounding.rounded(state, to: precision, step: stepNumber)
        }
        wrapped = rounded
        scaler.recordGoodStep()
        return result
    }

    /// Whether a captured gradient of the last step (unscaled) holds ±∞ or NaN: the `g` of a
    /// parameterised layer or the parameter gradient of any trainable layer (LayerNorm's scale
    /// and shift, a position table).
    static func capturedGradientsOverflowed(_ model: Sequential<Scalar>) throws -> Bool {
        model.trainableLayers.contains { layer in
            if let parameterized = layer as? any ParameterizedLayer<Scalar>,
               !parameterized.outputGradients.withUnsafeBufferPointer({ allFinite($0) }) {
                return true
            }
            return !layer.weightGradient.withUnsafeBufferPointer { allFinite($0) }
        }
    }

    /// Decodes the optimizer and checks its precision has a stored format.
    /// - Throws: `DecodingError` for a missing or malformed field; as the wrapped optimizer's and
    ///   ``LossScaler``'s decoding.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        wrapped = try container.decode(Wrapped.self, forKey: .wrapped)
        precision = try container.decode(StoragePrecision.self, forKey: .precision)
        scaler = try container.decode(LossScaler.self, forKey: .scaler)
        roundingSeconds = try container.decode(Double.self, forKey: .roundingSeconds)
        try DecodedState.require(roundingSeconds >= 0, decoder, "rounding time \(roundingSeconds) is negative")
    }
}
