import DenseLinearAlgebra

/// A built-in, download-free image classification data set: 10 classes of
/// 16 × 16 grey images, each a seven-segment digit drawn with random stroke width
/// under a random affine distortion, plus pixel noise.
///
/// Drawing: class `c` is the set of seven-segment strokes of digit `c` in a
/// 7 × 11 pixel box. Each image draws a rotation, anisotropic scale, shear and
/// translation (``Options``), maps the strokes through that affine map, and
/// shades every pixel by its distance `d` to the nearest stroke,
/// `clamp(w/2 + ½ − d, 0, 1)` for stroke width `w` (a one-pixel antialiased edge);
/// then adds Gaussian noise and clips to `[0, 1]`. Examples cycle through the
/// classes (`label = index mod 10`), so every class has the same count up to one.
///
/// Images are stored one per column, row-major: pixel `(h, w)` at row `16·h + w`
/// (the single-channel case of the channel-fastest layout of ``Layer``).
/// Everything is a function of the generator's state, so a seed fixes the data bit
/// for bit; generating 12 000 images takes well under a second in a release build.
public enum SyntheticGlyphs {
    /// Image height and width in pixels.
    public static let imageSize = 16
    /// The number of classes.
    public static let classCount = 10

    /// The distortions drawn for every image (uniform in each range).
    public struct Options: Sendable, Hashable {
        /// Rotation in radians, drawn from `−maximumRotation...maximumRotation`. Default 0.25 (≈ 14°).
        public var maximumRotation: Double = 0.25
        /// Scale factors for each axis. Default `0.8...1.15`.
        public var scaleRange: ClosedRange<Double> = 0.8...1.15
        /// Horizontal shear, drawn from `−maximumShear...maximumShear`. Default 0.25.
        public var maximumShear: Double = 0.25
        /// Translation in pixels along each axis. Default 1.5.
        public var maximumShift: Double = 1.5
        /// Stroke width in pixels. Default `1.0...2.2`.
        public var strokeWidthRange: ClosedRange<Double> = 1.0...2.2
        /// Standard deviation of the additive pixel noise. Default 0.1.
        public var noiseDeviation: Double = 0.1

        /// The defaults listed above: distortions large enough that classes overlap in
        /// pixel space, small enough that a small MLP separates them well above chance.
        public init() {}
    }

    /// `count` images drawn with `generator`.
    /// - Complexity: `O(count · 256 · strokes)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when `count < 0`; as
    ///   ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the
    ///   `256 × count` images, before drawing.
    public static func generate<Scalar: LinearAlgebraScalar>(
        count: Int, options: Options = Options(), as: Scalar.Type = Scalar.self,
        using generator: inout some RandomNumberGenerator
    ) throws -> LabeledDataSet<Scalar> {
        guard count >= 0 else {
            throw LinearAlgebraError.invalidArgument(operation: "SyntheticGlyphs", detail: "count \(count) must be ≥ 0")
        }
        let pixels = imageSize * imageSize
        try SizePolicy.check("SyntheticGlyphs", "images", rows: pixels, columns: count, of: Scalar.self)
        var values = [Scalar](repeating: 0, count: count * pixels)
        var image = [Double](repeating: 0, count: pixels)
        for i in 0..<count {
            draw(digit: i % classCount, options: options, into: &image, using: &generator)
            for k in 0..<pixels { values[i * pixels + k] = Scalar(image[k]) }
        }
        return try LabeledDataSet(features: Matrix(rows: pixels, columns: count, columnMajor: values),
                                  labels: (0..<count).map { $0 % classCount }, classCount: classCount)
    }

    /// The standard split: `trainCount` training and `testCount` test images from
    /// independent streams of one seed (the test stream is the training stream
    /// after a `jump()`, 2¹²⁸ steps ahead). Defaults: 10 000 and 2 000.
    public static func trainAndTest<Scalar: LinearAlgebraScalar>(
        seed: UInt64 = 0, trainCount: Int = 10_000, testCount: Int = 2_000, options: Options = Options(),
        as: Scalar.Type = Scalar.self
    ) throws -> (train: LabeledDataSet<Scalar>, test: LabeledDataSet<Scalar>) {
        var trainStream = Xoshiro256StarStar(seed: seed)
        var testStream = trainStream
        testStream.jump()
        return (try generate(count: trainCount, options: options, using: &trainStream),
                try generate(count: testCount, options: options, using: &testStream))
    }

    /// Seven-segment strokes on the unit box (x right, y down): a top, b upper right,
    /// c lower right, d bottom, e lower left, f upper left, g middle.
    static let segments: [(Double, Double, Double, Double)] = [
        (0, 0, 1, 0), (1, 0, 1, 0.5), (1, 0.5, 1, 1), (0, 1, 1, 1), (0, 0.5, 0, 1), (0, 0, 0, 0.5), (0, 0.5, 1, 0.5),
    ]
    /// The segments lit for each digit, as indices into ``segments``.
    static let digitSegments: [[Int]] = [
        [0, 1, 2, 3, 4, 5], [1, 2], [0, 1, 6, 4, 3], [0, 1, 6, 2, 3], [5, 6, 1, 2],
        [0, 5, 6, 2, 3], [0, 5, 6, 4, 2, 3], [0, 1, 2], [0, 1, 2, 3, 4, 5, 6], [0, 1, 2, 3, 5, 6],
    ]

    /// Renders one distorted digit into `image` (row-major, values in `[0, 1]`).
    static func draw(digit: Int, options: Options, into image: inout [Double],
                     using generator: inout some RandomNumberGenerator) {
        func uniform(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &generator) }
        let angle = uniform(-options.maximumRotation...options.maximumRotation)
        let (sx, sy) = (uniform(options.scaleRange), uniform(options.scaleRange))
        let shear = uniform(-options.maximumShear...options.maximumShear)
        let center = Double(imageSize) / 2
        let (tx, ty) = (center + uniform(-options.maximumShift...options.maximumShift),
                        center + uniform(-options.maximumShift...options.maximumShift))
        let halfWidth = uniform(options.strokeWidthRange) / 2
        let (cosine, sine) = (Double.cos(angle), Double.sin(angle))
        // Box coordinates (u, v) ∈ [0,1]² → pixels: centre, scale to 7 × 11, shear, scale, rotate, shift.
        func map(_ u: Double, _ v: Double) -> (Double, Double) {
            let (x0, y0) = ((u - 0.5) * 7, (v - 0.5) * 11)
            let (x1, y1) = (sx * (x0 + shear * y0), sy * y0)
            return (tx + cosine * x1 - sine * y1, ty + sine * x1 + cosine * y1)
        }
        let strokes = digitSegments[digit].map { k in
            let (u0, v0, u1, v1) = segments[k]
            let (p, q) = (map(u0, v0), map(u1, v1))
            return (p.0, p.1, q.0 - p.0, q.1 - p.1)
        }
        for h in 0..<imageSize {
            for w in 0..<imageSize {
                let (px, py) = (Double(w) + 0.5, Double(h) + 0.5)
                var nearest = Double.infinity
                for (ax, ay, dx, dy) in strokes {
                    let t = Swift.min(1, Swift.max(0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
                    let (ex, ey) = (px - ax - t * dx, py - ay - t * dy)
                    nearest = Swift.min(nearest, ex * ex + ey * ey)
                }
                let ink = Swift.min(1, Swift.max(0, halfWidth + 0.5 - nearest.squareRoot()))
                let noisy = ink + options.noiseDeviation * Double.randomGaussian(using: &generator)
                image[h * imageSize + w] = Swift.min(1, Swift.max(0, noisy))
            }
        }
    }
}
