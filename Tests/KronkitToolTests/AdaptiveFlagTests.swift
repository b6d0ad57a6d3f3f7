import Foundation
import Testing
@testable import KronkitTool

/// `--adaptive`: tuning-free K-FAC for the K-FAC family, an error for any other method.
@Suite("--adaptive")
struct AdaptiveFlagTests {
    @Test func kfacFamilyTrainsAdaptivelyAndOtherMethodsRefuse() throws {
        let folder = temporaryFolder()
        let run = ToolHarness.run(["train", "--optimizer", "ekfac", "--adaptive", "--steps", "4", "-o", folder + "/a"] + tinyRun)
        #expect(run.status == 0, "\(run.errors)")
        let metrics = try String(contentsOfFile: folder + "/a/metrics.csv", encoding: .utf8)
        #expect(metrics.split(separator: "\n").count > 2, "rows were written")
        for method in ["sgd", "adam", "singd", "ikfac"] {
            let refused = ToolHarness.run(["train", "--optimizer", method, "--adaptive", "--steps", "2",
                                           "-o", folder + "/" + method] + tinyRun)
            #expect(refused.status != 0 && refused.errors.contains("--adaptive") && refused.errors.contains(method),
                    "\(method): \(refused.errors)")
        }
        // The identity of a K-FAC-family run records whether its steps are adaptive (the catalogue option).
        let options = try Train.parse(["--optimizer", "kfac", "--adaptive"]).options
        #expect(try options.identity(method: .kfac, totalSteps: 10)["--adaptive"] == "on")
        #expect(try Train.parse(["--optimizer", "kfac"]).options.identity(method: .kfac, totalSteps: 10)["--adaptive"] == "off")
    }
}
