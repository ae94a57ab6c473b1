import CeledgerDomain
import CeledgerLedger
import Foundation
import Testing

@testable import CeledgerTUI

/// Saved views: a named filter, search, sort and year, in the clerk's config file; V saves and lists them,
/// 1–9 recall one at once, `celedger --view NAME` opens one (`App.open(view:)`).
@Suite struct SavedViewTests {
    func appWithConfig(_ lang: Lang = .zh, width: Int = 120) throws -> (App, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("celedger-views-\(UUID().uuidString)")
        let app = try makeApp(try memoryFixtureLedger(), lang: lang, width: width)
        app.environment = ["CELEDGER_CONFIG_DIR": dir.path]
        return (app, dir)
    }

    @Test func aViewIsSavedRecalledByItsDigitAndOpenedByName() throws {
        let (app, dir) = try appWithConfig()
        app.press("f", "Down", "Down", "Enter", "Down", "Down", "Enter")  // 未达标
        app.press("s", "Down", "Down", "Down", "Down", "Down", "Down", "Enter")  // 合计
        #expect(app.screen.contains("状态: 未达标") && app.screen.contains("排序: 合计↓"), "\(app.screen)")
        app.press("V")
        expectGolden("views-zh-120", app.screen)
        app.press("Enter")
        app.type("年底未达标")
        app.press("Enter")
        #expect(app.screen.contains("已保存视图“年底未达标”"), "\(app.screen)")
        let file = dir.appendingPathComponent("views.json")
        #expect(FileManager.default.fileExists(atPath: file.path))
        let mode = (try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int) ?? -1
        #expect(mode == 0o600)
        // Cleared, then one key brings it back.
        app.press("Esc", "s", "Enter")
        #expect(app.screen.contains("状态: 全部"))
        app.press("1")
        #expect(app.screen.contains("状态: 未达标") && app.screen.contains("排序: 合计↓"), "\(app.screen)")
        #expect(app.screen.contains("视图“年底未达标”"))
        // A new session opens in it by name, its year too.
        let other = try makeApp(try memoryFixtureLedger())
        other.environment = app.environment
        other.changeYear(by: -1)
        #expect(other.open(view: "年底未达标"))
        #expect(other.year == 2024)
        #expect(other.screen.contains("状态: 未达标"))
        #expect(!other.open(view: "没有这个"))
    }

    @Test func theViewsListInEnglishAt80Columns() throws {
        let (app, _) = try appWithConfig(.en, width: 80)
        app.press("V")
        expectGolden("views-en-80", app.screen)
        app.press("2")  // not a key of the list box: nothing breaks
        app.press("Esc", "3")
        #expect(app.screen.contains("no view 3"), "\(app.screen)")
    }
}
