import DenseLinearAlgebra

/// The start-up choice of OpenBLAS's kernel set (core) for KronKit's executables: `kronkit`
/// and the benchmarks.
///
/// A `DYNAMIC_ARCH` OpenBLAS that does not recognise the CPU runs older kernels than the
/// hardware allows (Debian's 0.3.21 runs SSE3 `Prescott` kernels on newer Intel Xeons, 2–4×
/// slower). OpenBLAS reads `OPENBLAS_CORETYPE` only when the process loads it, so an
/// executable that wants another core re-executes itself with the variable set:
///
/// 1. No marker, `OPENBLAS_CORETYPE` unset, a faster core applies
///    (``BLASConfiguration/recommendedCore(selected:capabilities:)``): ``Action/select(core:replacing:)``,
///    a re-execution with `OPENBLAS_CORETYPE=<core>` and `KRONKIT_CORE_SELECTION=selected:<core>:<original>`.
/// 2. In that process: ``Action/verify(core:replacing:)``, the start-up self-check
///    (``BLASConfiguration/selfCheck()``); if it passes the process runs on, otherwise
///    ``Action/revert(core:replacing:)`` re-executes once more without `OPENBLAS_CORETYPE` and
///    with `KRONKIT_CORE_SELECTION=rejected:<core>:<original>`, after a one-line warning.
/// 3. A process with a consistent marker never re-executes again, so there is no loop.
///
/// Nothing happens when the user set `OPENBLAS_CORETYPE` (their choice stands), when
/// `KRONKIT_NO_CORE_SELECTION` is set to anything but `0` or the empty string (the opt-out),
/// when OpenBLAS is not a `DYNAMIC_ARCH` build, or when OpenBLAS's core is already of the
/// CPU's fastest family. The decisions are pure functions of ``Facts``, so they are tested
/// without executing anything; ``applyAtStartup(program:)`` carries them out. The kernel
/// library itself only reports (`DenseLinearAlgebra`'s ``BLASConfiguration``). Policy and
/// measurements: `Notes/BLASCores.md`.
public enum CoreSelection {
    /// OpenBLAS's variable that forces a core.
    public static let coreTypeVariable = "OPENBLAS_CORETYPE"
    /// KronKit's marker, set only on a re-execution: `selected:<core>:<original>` or
    /// `rejected:<core>:<original>`.
    public static let markerVariable = "KRONKIT_CORE_SELECTION"
    /// The opt-out: any value but `0` or the empty string turns the selection off.
    public static let optOutVariable = "KRONKIT_NO_CORE_SELECTION"

    /// What a process does at start-up, from what it knows.
    ///
    /// - Complexity: O(1) apart from reading the facts.
    public static func action(for facts: Facts) -> Action {
        if let optOut = facts.environment[optOutVariable], !optOut.isEmpty, optOut != "0" {
            return .proceed(.optedOut)
        }
        let requested = facts.environment[coreTypeVariable].flatMap { $0.isEmpty ? nil : $0 }
        if let value = facts.environment[markerVariable] {
            switch Marker(value) {
            case .selected(let core, let original)? where requested.map({ same($0, core) }) ?? false:
                return same(facts.runningCore, core)
                    ? .verify(core: core, replacing: original)
                    : .proceed(.ignored(requested: core, running: facts.runningCore))
            case .rejected(let core, let original)? where requested == nil:
                return .proceed(.rejected(core: core, original: original))
            case nil:
                return .proceed(.malformedMarker(value))
            default:
                break  // a marker inherited from another process, no longer true here: decide afresh
            }
        }
        if let requested { return .proceed(.userChoice(requested)) }
        guard facts.isDynamicArchitecture else { return .proceed(.fixedBuild) }
        guard let core = BLASConfiguration.recommendedCore(selected: facts.runningCore,
                                                           capabilities: facts.capabilities) else {
            return .proceed(.noFasterCore)
        }
        return .select(core: core, replacing: facts.runningCore)
    }

    /// What follows the self-check of an automatically selected `core`: run on when it
    /// `passed`, else re-execute on OpenBLAS's own choice `original`.
    public static func action(afterSelfCheckOf core: String, replacing original: String, passed: Bool) -> Action {
        passed ? .proceed(.autoSelected(core: core, original: original)) : .revert(core: core, replacing: original)
    }

    /// How the core of a process with these facts came about, for reports (`kronkit info`):
    /// the status ``action(for:)`` proceeds with, ``Status/autoSelected(core:original:)`` for a
    /// process that verifies its core (it runs on only when its self-check passed), and
    /// ``Status/available(core:running:)`` where a re-execution was due but did not happen
    /// (the code runs inside another program, or the re-execution failed).
    public static func status(for facts: Facts) -> Status {
        switch action(for: facts) {
        case .proceed(let status): status
        case .verify(let core, let original): .autoSelected(core: core, original: original)
        case .select(let core, let running): .available(core: core, running: running)
        case .revert(let core, let original): .rejected(core: core, original: original)
        }
    }

    /// OpenBLAS core names compare without regard to case.
    static func same(_ a: String, _ b: String) -> Bool { a.lowercased() == b.lowercased() }
}
