@testable import BLASCoreSelection
import DenseLinearAlgebra
import Testing

private let avx512CPU: CPUCapabilities = [.sse3, .ssse3, .sse41, .sse42, .avx, .fma, .avx2, .skylakeAVX512]
private let avx2CPU: CPUCapabilities = [.sse3, .ssse3, .sse41, .sse42, .avx, .fma, .avx2]

/// Start-up facts of a process OpenBLAS started on `core`.
private func facts(_ environment: [String: String] = [:], core: String = "Prescott",
                   capabilities: CPUCapabilities = avx512CPU, dynamic: Bool = true) -> CoreSelection.Facts {
    CoreSelection.Facts(environment: environment, runningCore: core, capabilities: capabilities,
                        isDynamicArchitecture: dynamic)
}

/// Follows the start-up actions from a first process through its re-executions, as
/// `applyAtStartup` would: a re-executed process gets the changed environment and runs the
/// requested core if OpenBLAS `honours` it, else OpenBLAS's own choice `detected`. Returns every
/// action in order (the last one proceeds), or stops after `limit` processes.
private func simulate(_ environment: [String: String] = [:], detected: String, capabilities: CPUCapabilities,
                      honours: (String) -> Bool = { _ in true }, selfCheckPasses: Bool,
                      limit: Int = 10) -> [CoreSelection.Action] {
    var environment = environment
    var actions: [CoreSelection.Action] = []
    for _ in 0..<limit {
        let requested = environment[CoreSelection.coreTypeVariable]
        let running = requested.flatMap { honours($0) ? $0 : nil } ?? detected
        var action = CoreSelection.action(for: facts(environment, core: running, capabilities: capabilities))
        if case .verify(let core, let original) = action {
            actions.append(action)
            action = CoreSelection.action(afterSelfCheckOf: core, replacing: original, passed: selfCheckPasses)
        }
        actions.append(action)
        guard let changes = action.environmentChanges else { return actions }
        for (name, value) in changes { environment[name] = value }
    }
    return actions
}

@Suite("Start-up selection of OpenBLAS's kernels (decisions only, nothing executed)")
struct CoreSelectionTests {
    @Test func genericCoreOnAFasterCPUIsReplaced() {
        let action = CoreSelection.action(for: facts())
        #expect(action == .select(core: "SkylakeX", replacing: "Prescott"))
        #expect(action.environmentChanges == [
            "OPENBLAS_CORETYPE": "SkylakeX", "KRONKIT_CORE_SELECTION": "selected:SkylakeX:Prescott",
        ])
        #expect(CoreSelection.status(for: facts()) == .available(core: "SkylakeX", running: "Prescott"))
        #expect(CoreSelection.action(for: facts(core: "Sandybridge", capabilities: avx2CPU))
            == .select(core: "Haswell", replacing: "Sandybridge"))
    }

    @Test func nothingHappensWhenNoFasterCoreApplies() {
        #expect(CoreSelection.action(for: facts(core: "Cooperlake")) == .proceed(.noFasterCore))
        #expect(CoreSelection.action(for: facts(core: "Zen", capabilities: avx2CPU)) == .proceed(.noFasterCore))
        #expect(CoreSelection.action(for: facts(core: "Prescott", capabilities: [])) == .proceed(.noFasterCore))
        #expect(CoreSelection.action(for: facts(core: "ARMV8")) == .proceed(.noFasterCore))
        #expect(CoreSelection.action(for: facts(dynamic: false)) == .proceed(.fixedBuild))
    }

    @Test func theUsersChoiceAndTheOptOutStand() {
        #expect(CoreSelection.action(for: facts(["OPENBLAS_CORETYPE": "Prescott"])) == .proceed(.userChoice("Prescott")))
        #expect(CoreSelection.action(for: facts(["KRONKIT_NO_CORE_SELECTION": "1"])) == .proceed(.optedOut))
        #expect(CoreSelection.action(for: facts(["KRONKIT_NO_CORE_SELECTION": "yes", "OPENBLAS_CORETYPE": "Haswell"]))
            == .proceed(.optedOut))
        // `0` and the empty string do not opt out; an empty OPENBLAS_CORETYPE is unset for OpenBLAS too.
        for value in ["0", ""] {
            #expect(CoreSelection.action(for: facts(["KRONKIT_NO_CORE_SELECTION": value]))
                == .select(core: "SkylakeX", replacing: "Prescott"))
        }
        #expect(CoreSelection.action(for: facts(["OPENBLAS_CORETYPE": ""])) == .select(core: "SkylakeX", replacing: "Prescott"))
    }

    @Test func aSelectedCoreIsVerifiedThenKeptOrReverted() {
        let selected = facts(["OPENBLAS_CORETYPE": "SkylakeX", "KRONKIT_CORE_SELECTION": "selected:SkylakeX:Prescott"],
                             core: "SkylakeX")
        #expect(CoreSelection.action(for: selected) == .verify(core: "SkylakeX", replacing: "Prescott"))
        #expect(CoreSelection.status(for: selected) == .autoSelected(core: "SkylakeX", original: "Prescott"))
        #expect(CoreSelection.status(for: selected).isAutoSelected)
        #expect(CoreSelection.action(afterSelfCheckOf: "SkylakeX", replacing: "Prescott", passed: true)
            == .proceed(.autoSelected(core: "SkylakeX", original: "Prescott")))
        let revert = CoreSelection.action(afterSelfCheckOf: "SkylakeX", replacing: "Prescott", passed: false)
        #expect(revert == .revert(core: "SkylakeX", replacing: "Prescott"))
        #expect(revert.environmentChanges == [
            "OPENBLAS_CORETYPE": String?.none, "KRONKIT_CORE_SELECTION": "rejected:SkylakeX:Prescott",
        ])
        let rejected = facts(["KRONKIT_CORE_SELECTION": "rejected:SkylakeX:Prescott"])
        #expect(CoreSelection.action(for: rejected) == .proceed(.rejected(core: "SkylakeX", original: "Prescott")))
        // OpenBLAS without that kernel set runs its own choice: reported, not verified.
        let ignored = facts(["OPENBLAS_CORETYPE": "SkylakeX", "KRONKIT_CORE_SELECTION": "selected:SkylakeX:Prescott"])
        #expect(CoreSelection.action(for: ignored) == .proceed(.ignored(requested: "SkylakeX", running: "Prescott")))
    }

    @Test func markersAreTrustedOnlyWhenConsistent() {
        // Malformed: never re-execute.
        for value in ["1", "selected:SkylakeX", "chosen:SkylakeX:Prescott", "selected::Prescott", ""] {
            #expect(CoreSelection.action(for: facts(["KRONKIT_CORE_SELECTION": value])) == .proceed(.malformedMarker(value)))
        }
        // Inherited and no longer true: the user's variable wins, or the decision starts afresh.
        #expect(CoreSelection.action(for: facts(["OPENBLAS_CORETYPE": "Haswell",
                                                 "KRONKIT_CORE_SELECTION": "selected:SkylakeX:Prescott"], core: "Haswell"))
            == .proceed(.userChoice("Haswell")))
        #expect(CoreSelection.action(for: facts(["OPENBLAS_CORETYPE": "Haswell",
                                                 "KRONKIT_CORE_SELECTION": "rejected:SkylakeX:Prescott"], core: "Haswell"))
            == .proceed(.userChoice("Haswell")))
        #expect(CoreSelection.action(for: facts(["KRONKIT_CORE_SELECTION": "selected:SkylakeX:Prescott"]))
            == .select(core: "SkylakeX", replacing: "Prescott"))
        // Core names compare without regard to case, as OpenBLAS reads OPENBLAS_CORETYPE.
        #expect(CoreSelection.action(for: facts(["OPENBLAS_CORETYPE": "skylakex",
                                                 "KRONKIT_CORE_SELECTION": "selected:SkylakeX:Prescott"], core: "SkylakeX"))
            == .verify(core: "SkylakeX", replacing: "Prescott"))
    }

    /// The whole chain ends within three processes whatever the self-check and OpenBLAS do.
    @Test(arguments: [true, false])
    func reexecutionsTerminate(selfCheckPasses: Bool) {
        let passing = simulate(detected: "Prescott", capabilities: avx512CPU, selfCheckPasses: selfCheckPasses)
        if selfCheckPasses {
            #expect(passing == [.select(core: "SkylakeX", replacing: "Prescott"), .verify(core: "SkylakeX", replacing: "Prescott"),
                                .proceed(.autoSelected(core: "SkylakeX", original: "Prescott"))])
        } else {
            #expect(passing == [.select(core: "SkylakeX", replacing: "Prescott"), .verify(core: "SkylakeX", replacing: "Prescott"),
                                .revert(core: "SkylakeX", replacing: "Prescott"),
                                .proceed(.rejected(core: "SkylakeX", original: "Prescott"))])
        }
        let ignoring = simulate(detected: "Prescott", capabilities: avx512CPU, honours: { _ in false },
                                selfCheckPasses: selfCheckPasses)
        #expect(ignoring == [.select(core: "SkylakeX", replacing: "Prescott"),
                             .proceed(.ignored(requested: "SkylakeX", running: "Prescott"))])
        for core in ["Prescott", "Core2", "Sandybridge", "Haswell", "Zen", "SkylakeX", "Cooperlake", "ARMV8"] {
            for capabilities in [avx512CPU, avx2CPU, []] {
                let actions = simulate(detected: core, capabilities: capabilities, selfCheckPasses: selfCheckPasses)
                #expect(actions.filter { $0.environmentChanges != nil }.count <= 2, "\(core): \(actions)")
                if case .proceed = actions.last {} else { Issue.record("\(core) did not settle: \(actions)") }
            }
        }
    }

    @Test func statusLinesNameTheCores() {
        let statuses: [CoreSelection.Status] = [
            .autoSelected(core: "SkylakeX", original: "Prescott"), .rejected(core: "SkylakeX", original: "Prescott"),
            .available(core: "SkylakeX", running: "Prescott"), .ignored(requested: "SkylakeX", running: "Prescott"),
        ]
        for status in statuses {
            #expect(status.description.contains("SkylakeX") && status.description.contains("Prescott"), "\(status)")
        }
        #expect(CoreSelection.Status.userChoice("Haswell").description.contains("OPENBLAS_CORETYPE=Haswell"))
        #expect(CoreSelection.Status.optedOut.description.contains("KRONKIT_NO_CORE_SELECTION"))
    }

    @Test("kronkit info names the core, how it was chosen, the CPU and the self-check")
    func infoNamesTheCore() {
        let result = ToolHarness.run(["info"])
        #expect(result.status == 0)
        let core = BLASConfiguration.coreName
        #expect(result.output.contains("BLAS core:    \(core), \(CoreSelection.status(for: .current))"))
        #expect(result.output.contains("CPU:          \(BLASConfiguration.cpuCapabilities)"))
        #expect(result.output.contains("Self-check:   passed on \(core)"), "\(result.output)")
    }
}
