import Foundation
import Testing

@Suite("kronkit --model vit")
struct VisionTransformerToolTests {
    let small = ["--model", "vit", "--depth", "1", "--width", "8", "--heads", "2", "--patch", "8"]

    @Test("trains with K-FAC-reduce and AdamW, and names the shape")
    func trains() throws {
        for method in [["--optimizer", "kfac", "--weight-sharing", "reduce"], ["--optimizer", "adamw"]] {
            let folder = temporaryFolder()
            let result = ToolHarness.run(["train", "--steps", "2", "-o", folder] + small + method + tinyData)
            #expect(result.status == 0, "\(result.errors)")
            // 16 × 16 built-in images in 8 × 8 patches: 4 tokens; embedding, 4 projections, 2 MLP layers, head.
            #expect(result.output.contains("Model: vit"), "\(result.output)")
            #expect(result.output.contains("8 parameterised layers"), "\(result.output)")
        }
    }

    @Test("rejects heads that do not divide the width and patches that do not divide the image")
    func badShapes() throws {
        let folder = temporaryFolder()
        let heads = ToolHarness.run(["train", "--model", "vit", "--width", "8", "--heads", "3", "-o", folder] + tinyData)
        #expect(heads.status == 64 && heads.errors.contains("--heads"), "\(heads.errors)")
        let patch = ToolHarness.run(["train", "--model", "vit", "--patch", "5", "-o", folder + "/b"] + tinyData)
        #expect(patch.status == 1 && patch.errors.contains("patch side"), "\(patch.errors)")
    }
}
