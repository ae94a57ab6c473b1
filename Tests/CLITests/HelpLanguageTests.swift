import CeledgerTestSupport
import Foundation
import Testing

@Suite("--help in the user's language")
struct HelpLanguageTests {
    @Test("Chinese by default and under a Chinese locale; English with --lang en or an English locale")
    func helpLanguage() throws {
        let s = try Sandbox()
        let zh = try s.ok(["--help"], db: false, lang: nil)
        #expect(zh.stdout.hasPrefix("概述：继续教育登记簿"), "\(zh.summary)")
        #expect(zh.stdout.contains("子命令：") && zh.stdout.contains("用法："))
        #expect(zh.stdout.contains("  settings") && zh.stdout.contains("本登记簿的设置"))
        let importZh = try s.ok(["import", "--help"], db: false, lang: "zh")
        #expect(importZh.stdout.contains("--strict                拒绝登记簿不认识的列"), "\(importZh.summary)")
        #expect(importZh.stdout.contains("签到表登记培训班（import class）："))
        let en = try s.ok(["import", "--help"], db: false, lang: "en")
        #expect(en.stdout.hasPrefix("OVERVIEW: Import persons"), "\(en.summary)")
        let locale = try s.ok(["report", "annual", "--help"], db: false, lang: nil, env: ["LANG": "en_US.UTF-8"])
        #expect(locale.stdout.contains("USAGE: celedger report annual"))
    }
}
