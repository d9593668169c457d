import Foundation
import Testing

/// The cross-entropy family as a user meets it: `:conventions`, `:losses`, help, completion and
/// `explain` of the new losses and options, from the REPL and from scripts.
struct LossFamilyCLITests {
    @Test func conventionsInTheREPLAndInScripts() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("xe-state-\(UUID().uuidString)").path
        let t = try Terminal(environment: ["XDG_STATE_HOME": state, "NO_COLOR": "1"])
        #expect(t.wait(for: "xe> "))
        t.enter(":conventions bce([1], [0])")
        let table = t.after(":conventions bce([1], [0])")
        #expect(table.contains("torch     100") && table.contains("keras     16.11809565095832") && table.contains("sklearn   36.04365338911715"), "\(table)")
        t.enter(":losses")
        let losses = t.after(":losses")
        for name in ["nll", "focal_logits", "cce_focal", "kl_div"] { #expect(losses.contains(name), "\(name) in :losses") }
        t.type("cce_fo\t")
        t.drain(0.3)
        t.enter("_logits(1, [0.2, 3])")
        #expect(t.after("_logits(1, [0.2, 3])").contains("0.000193"), "\(t.screen)")
        t.type("\u{04}")
        #expect(t.exitStatus() == 0)
        let script = try XE.program("conventions(cce([0, 2], [[0.5, 0.3, 0.1], [0.2, 0.2, 0.6]]))\n")
        #expect(script.status == 0 && script.stdout.contains("keras     0.5493061443340548") && script.stdout.contains("rows renormalised"), "\(script.stdout)\(script.stderr)")
        let notALoss = try XE.program("conventions(sum([1, 2]))\n")
        #expect(notALoss.status == 1 && notALoss.stderr.contains("conventions works on a call of a loss"))
    }

    @Test func helpAndExplainOfTheNewOptions() throws {
        for (name, words) in [("nll", ["ignore_index", "nll_loss"]), ("focal", ["gamma", "p_t"]), ("kl_div", ["batchmean", "log_target"]),
                              ("bce", ["label_smoothing", "convention"]), ("cce_logits", ["axis", "ignore_index"])] {
            let r = try XE.program("help(\(name))\n")
            for word in words { #expect(r.stdout.contains(word), "help(\(name)) mentions \(word)") }
        }
        let r = try XE.program("explain(cce_logits([0, -100, 1], [[1, 2], [0, 0], [3, 1]], ignore_index=-100))\nexplain(focal([1, 0], [0.9, 0.3], convention=\"keras\"))\n")
        #expect(r.status == 0 && r.stdout.contains("= 1.7200948492805979") && r.stdout.contains("convention = \"keras\""), "\(r.stdout)\(r.stderr)")
    }
}
