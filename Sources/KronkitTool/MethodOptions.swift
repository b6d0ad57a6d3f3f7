import ArgumentParser
import CurvatureOptimizers

/// The methods' options on the command line: one flag per ``/CurvatureOptimizers/MethodOption``,
/// named, described and defaulted by the catalogue. Each is optional here: an option not given
/// keeps the catalogue's default, and one given is recorded so that a method that does not
/// read it refuses it (``/CurvatureOptimizers/MethodSettings/requireUsed(by:)``).
///
/// Adding an option: a case of `MethodOption` and a property of `MethodSettings` in
/// CurvatureOptimizers, then one `@Option` below and one `take` line in ``settings(totalSteps:)``.
struct MethodOptions: ParsableArguments {
    @Option(name: MethodOption.learningRate.name, help: MethodOption.learningRate.help(valueName: "rate"),
            transform: LearningRates.init(parsing:))
    var learningRate: LearningRates?

    @Option(name: MethodOption.momentum.name, help: MethodOption.momentum.help())
    var momentum: Double?

    @Option(name: MethodOption.weightDecay.name, help: MethodOption.weightDecay.help())
    var weightDecay: Double?

    @Option(name: MethodOption.schedule.name, help: MethodOption.schedule.help())
    var schedule: String?

    @Option(name: MethodOption.damping.name, help: MethodOption.damping.help())
    var damping: Double?

    @Option(name: MethodOption.factorDecay.name, help: MethodOption.factorDecay.help())
    var factorDecay: Double?

    @Option(name: MethodOption.factorUpdatePeriod.name, help: MethodOption.factorUpdatePeriod.help())
    var factorUpdatePeriod: Int?

    @Option(name: MethodOption.inverseUpdatePeriod.name, help: MethodOption.inverseUpdatePeriod.help())
    var inverseUpdatePeriod: Int?

    @Option(name: MethodOption.klClip.name, help: MethodOption.klClip.help())
    var klClip: Double?

    @Flag(help: "Turn KL clipping off.")
    var noKlClip = false

    @Option(name: MethodOption.curvature.name, help: MethodOption.curvature.help(),
            transform: MethodOption.curvature.choice { CurvatureEstimate(optionValue: $0) })
    var curvature: CurvatureEstimate?

    @Option(name: MethodOption.weightSharing.name, help: MethodOption.weightSharing.help(),
            transform: MethodOption.weightSharing.choice { WeightSharingApproximation(rawValue: $0) })
    var weightSharing: WeightSharingApproximation?

    @Flag(inversion: .prefixedNo, help: MethodOption.piDamping.help())
    var piDamping: Bool?

    @Option(name: MethodOption.rank.name, help: MethodOption.rank.help())
    var rank: Int?

    @Option(name: MethodOption.singdDamping.name, help: MethodOption.singdDamping.help())
    var singdDamping: Double?

    @Option(name: MethodOption.structures.name, help: MethodOption.structures.help(valueName: "K,C"),
            transform: { text in try ToolArgument.validated { try SINGDStructures(parsing: text) } })
    var structures: SINGDStructures?

    @Flag(inversion: .prefixedNo, help: MethodOption.adaptive.help())
    var adaptive: Bool?

    func validate() throws {
        if klClip != nil, noKlClip { throw ValidationError("--kl-clip and --no-kl-clip contradict each other") }
        _ = try settings(totalSteps: 1)
    }

    /// The settings of a run of `totalSteps` steps (the cosine schedule spans the run): the
    /// catalogue's defaults with the options given here, recorded in `given`.
    /// - Throws: `ValidationError` for a schedule that does not parse.
    func settings(totalSteps: Int) throws -> MethodSettings {
        var settings = MethodSettings()
        func take<Value>(_ value: Value?, _ option: MethodOption, _ field: WritableKeyPath<MethodSettings, Value>) {
            guard let value else { return }
            settings[keyPath: field] = value
            settings.given.insert(option)
        }
        take(learningRate, .learningRate, \.learningRates)
        take(momentum, .momentum, \.momentum)
        take(weightDecay, .weightDecay, \.weightDecay)
        take(try schedule.map { try LearningRateSchedule(parsing: $0, totalSteps: totalSteps) }, .schedule, \.schedule)
        take(damping, .damping, \.damping)
        take(factorDecay, .factorDecay, \.factorDecay)
        take(factorUpdatePeriod, .factorUpdatePeriod, \.factorUpdatePeriod)
        take(inverseUpdatePeriod, .inverseUpdatePeriod, \.inverseUpdatePeriod)
        let clip: Double?? = noKlClip ? .some(nil) : klClip.map { .some($0) }
        take(clip, .klClip, \.klClip)
        take(curvature, .curvature, \.curvature)
        take(weightSharing, .weightSharing, \.weightSharing)
        take(piDamping, .piDamping, \.piDamping)
        take(rank, .rank, \.rank)
        take(singdDamping, .singdDamping, \.singdDamping)
        take(structures, .structures, \.structures)
        take(adaptive, .adaptive, \.adaptive)
        return settings
    }

    /// Throws when an option was given that none of `methods` reads.
    /// - Throws: `ValidationError` with the catalogue's message (exit 64).
    func requireUsed(by methods: [OptimizerMethod]) throws {
        try ToolArgument.validated { try settings(totalSteps: 1).requireUsed(by: methods) }
    }
}
