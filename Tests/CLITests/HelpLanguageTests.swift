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

@Suite("Chinese help for every command and option")
struct ChineseHelpCompletenessTests {
    static func isCJK(_ c: Character) -> Bool { c.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }

    /// Walks every command's `--help` under a Chinese UI: each overview, option, argument and subcommand
    /// line has Chinese text, and no English heading or footer is left. An option added without its entry
    /// in ChineseHelp.swift fails here, named with its command.
    @Test func everyOptionOfEveryCommandHasAChineseHelpText() throws {
        let s = try Sandbox()
        var queue: [[String]] = [[]]
        var untranslated: [String] = []
        var visited = 0
        while !queue.isEmpty {
            let path = queue.removeFirst()
            let out = try s.ok(path + ["--help"], db: false, lang: nil, env: ["LANG": "zh_CN.UTF-8"]).stdout
            visited += 1
            let command = (["celedger"] + path).joined(separator: " ")
            let lines = out.components(separatedBy: "\n")
            if !(lines.first ?? "").contains(where: Self.isCJK) { untranslated.append("\(command): overview") }
            for english in ["OVERVIEW:", "USAGE:", "OPTIONS:", "ARGUMENTS:", "SUBCOMMANDS:", "See 'celedger help"]
            where out.contains(english) {
                untranslated.append("\(command): \(english)")
            }
            var section = ""
            var i = 0
            while i < lines.count {
                let line = lines[i]
                if !line.isEmpty, !line.hasPrefix(" ") {
                    section = line
                    i += 1
                    continue
                }
                guard line.hasPrefix("  "), !line.hasPrefix("   "), !section.hasPrefix("用法") else {
                    i += 1
                    continue
                }
                var j = i + 1
                while j < lines.count, lines[j].hasPrefix(String(repeating: " ", count: 10)) { j += 1 }
                let body = line.dropFirst(2)
                let name = body.range(of: "  ").map { String(body[..<$0.lowerBound]) } ?? String(body)
                defer { i = j }
                // A translated line of its own (the subcommands' footer).
                if name.contains(where: Self.isCJK) { continue }
                if section.hasPrefix("子命令"), path.count < 2 {
                    let sub =
                        name.replacingOccurrences(of: " (default)", with: "").split(separator: ",").first.map(String.init) ?? name
                    queue.append(path + [sub])
                }
                let help = (lines[i..<j].joined(separator: "\n")).dropFirst(2 + name.count)
                if !help.contains(where: Self.isCJK) { untranslated.append("\(command): \(section) \(name)") }
            }
        }
        #expect(untranslated.isEmpty, "\(untranslated.joined(separator: "\n"))")
        // The root, its fifteen commands and the subcommands of report, rules and review.
        #expect(visited >= 28, "\(visited) commands walked")
    }
}
