import Foundation

/// FFTW's planner is not thread-safe: plan creation and destruction are serialised here.
/// Executing a plan is thread-safe and needs no lock.
let fftwPlannerLock = NSLock()

/// A reusable real discrete Fourier transform of fixed length `n` (FFTW's
/// `r2c`/`c2r` transforms, planned with `FFTW_ESTIMATE`).
///
/// The spectrum of a real signal is stored as `n/2 + 1` complex values,
/// interleaved `[re₀, im₀, re₁, im₁, …]`. The inverse is normalised, so
/// `inverse(forward(x)) == x` up to rounding.
///
/// The transform owns its aligned work buffers and is not `Sendable`; make one
/// per thread. - Complexity: `O(n log n)` per transform.
public final class RealFourierTransform<Scalar: LinearAlgebraScalar> {
    /// The signal length.
    public let count: Int
    /// The number of complex spectrum values, `count/2 + 1`.
    public var spectrumCount: Int { count / 2 + 1 }

    private let signal: UnsafeMutablePointer<Scalar>
    private let spectrum: UnsafeMutablePointer<Scalar>
    private let forwardPlan: OpaquePointer
    private let inversePlan: OpaquePointer

    /// Plans transforms of length `count`.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` for `count < 1`; as
    ///   ``SizePolicy/check(_:_:count:of:reachesBLAS:)`` for a length FFTW cannot index (its `int`)
    ///   or buffers (`≈ 2·count` entries) over the byte budget, before allocating;
    ///   ``LinearAlgebraError/lapackFailure(routine:info:)`` if FFTW cannot plan.
    public init(count: Int) throws {
        let operation = "RealFourierTransform(count:)"
        guard count >= 1 else {
            throw LinearAlgebraError.invalidArgument(operation: operation, detail: "length \(count) < 1")
        }
        try SizePolicy.check(operation, "signal", count: count, of: Scalar.self)
        try SizePolicy.check(operation, "signal and spectrum buffers", rows: count / 2 + 1, columns: 4,
                             of: Scalar.self, reachesBLAS: false)
        self.count = count
        signal = .allocate(capacity: count)
        spectrum = .allocate(capacity: 2 * (count / 2 + 1))
        signal.initialize(repeating: 0, count: count)
        spectrum.initialize(repeating: 0, count: 2 * (count / 2 + 1))
        let (signal, spectrum) = (self.signal, self.spectrum)
        // `count` passed SizePolicy's index-range rule above, so the plans' narrowing cannot fail.
        let plans = fftwPlannerLock.withLock {
            withinIndexRange {
                (try Scalar.makeRealForwardPlan(count: count, input: signal, output: UnsafeMutableRawPointer(spectrum)),
                 try Scalar.makeRealInversePlan(count: count, input: UnsafeMutableRawPointer(spectrum), output: signal))
            }
        }
        guard let forward = plans.0, let inverse = plans.1 else {
            fftwPlannerLock.withLock {
                if let plan = plans.0 { Scalar.destroyPlan(plan) }
                if let plan = plans.1 { Scalar.destroyPlan(plan) }
            }
            signal.deallocate()
            spectrum.deallocate()
            throw LinearAlgebraError.lapackFailure(routine: "\(Scalar.routinePrefix == "s" ? "fftwf" : "fftw")_plan", info: -1)
        }
        forwardPlan = forward
        inversePlan = inverse
    }

    deinit {
        let (forward, inverse) = (forwardPlan, inversePlan)
        fftwPlannerLock.withLock {
            Scalar.destroyPlan(forward)
            Scalar.destroyPlan(inverse)
        }
        signal.deallocate()
        spectrum.deallocate()
    }

    /// The spectrum `X_k = Σ_j x_j e^{−2πijk/n}`, `k = 0…n/2`, interleaved.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `x.count == count`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: [Scalar]) throws -> [Scalar] {
        guard x.count == count else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "RealFourierTransform.forward", expected: "\(count) samples", actual: "\(x.count)")
        }
        signal.update(from: x, count: count)
        Scalar.executeRealForward(plan: forwardPlan, input: signal, output: UnsafeMutableRawPointer(spectrum))
        return Array(UnsafeBufferPointer(start: spectrum, count: 2 * spectrumCount))
    }

    /// The real signal whose spectrum is `interleaved` (normalised by `1/n`).
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless
    ///   `interleaved.count == 2·spectrumCount`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func inverse(_ interleaved: [Scalar]) throws -> [Scalar] {
        guard interleaved.count == 2 * spectrumCount else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "RealFourierTransform.inverse", expected: "\(2 * spectrumCount) interleaved values",
                actual: "\(interleaved.count)")
        }
        spectrum.update(from: interleaved, count: 2 * spectrumCount)
        Scalar.executeRealInverse(plan: inversePlan, input: UnsafeMutableRawPointer(spectrum), output: signal)
        let scale = 1 / Scalar(count)
        return (0..<count).map { signal[$0] * scale }
    }

    /// Filters one signal through the transform's own buffers, without allocating: `write` sets all
    /// `count` samples of the signal (zero-padding is the caller's), the forward transform runs,
    /// `modify` changes the `spectrumCount` interleaved complex values in place, the inverse runs, and
    /// `read` receives the filtered signal **unnormalised**, `count` times the inverse DFT (fold
    /// `1/count` into the filter). The convolution kernels run one column after another through it,
    /// reusing one plan and two buffers that stay in cache.
    /// - Complexity: two real FFTs of length `count`, `O(n log n)`, plus the closures' work.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func filter(
        writingSignal write: (UnsafeMutableBufferPointer<Scalar>) throws -> Void,
        modifyingSpectrum modify: (UnsafeMutableBufferPointer<Scalar>) throws -> Void,
        readingSignal read: (UnsafeBufferPointer<Scalar>) throws -> Void
    ) rethrows {
        try write(UnsafeMutableBufferPointer(start: signal, count: count))
        Scalar.executeRealForward(plan: forwardPlan, input: signal, output: UnsafeMutableRawPointer(spectrum))
        try modify(UnsafeMutableBufferPointer(start: spectrum, count: 2 * spectrumCount))
        Scalar.executeRealInverse(plan: inversePlan, input: UnsafeMutableRawPointer(spectrum), output: signal)
        try read(UnsafeBufferPointer(start: signal, count: count))
    }

    /// The circular convolution `(x ⊛ y)_k = Σ_j x_j y_{(k−j) mod n}` through two forward
    /// transforms, a pointwise product and one inverse.
    /// - Complexity: `O(n log n)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func circularConvolution(_ x: [Scalar], _ y: [Scalar]) throws -> [Scalar] {
        let fx = try forward(x)
        let fy = try forward(y)
        var product = [Scalar](repeating: 0, count: fx.count)
        for k in 0..<spectrumCount {
            let (a, b, c, d) = (fx[2 * k], fx[2 * k + 1], fy[2 * k], fy[2 * k + 1])
            product[2 * k] = a * c - b * d
            product[2 * k + 1] = a * d + b * c
        }
        return try inverse(product)
    }
}

extension RealFourierTransform {
    /// The first `outputCount` terms of the linear convolution `(x ∗ y)_k = Σ_j x_j y_{k−j}`,
    /// by zero-padding to a length ≥ `x.count + y.count − 1` (the product of two
    /// truncated power series, as the Toeplitz kernels need).
    /// - Complexity: `O(m log m)` with `m` the padded length.
    public static func linearConvolution(_ x: [Scalar], _ y: [Scalar], outputCount: Int? = nil) throws -> [Scalar] {
        let full = x.isEmpty || y.isEmpty ? 0 : x.count + y.count - 1
        let wanted = outputCount ?? full
        guard full > 0, wanted > 0 else { return [Scalar](repeating: 0, count: Swift.max(0, wanted)) }
        var padded = 1
        while padded < full { padded *= 2 }
        let transform = try RealFourierTransform(count: padded)
        let pad = { (v: [Scalar]) in v + [Scalar](repeating: 0, count: padded - v.count) }
        let result = try transform.circularConvolution(pad(x), pad(y))
        return Array(result.prefix(Swift.min(wanted, full))) + [Scalar](repeating: 0, count: Swift.max(0, wanted - full))
    }
}
