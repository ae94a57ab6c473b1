import CeledgerDomain
import CeledgerLedger
import CeledgerSQLite
import CeledgerText
import Foundation
import Testing

@testable import CeledgerTUI

@Suite struct PersonsScreenTests {
    @Test func homeScreenInChinese() throws {
        let app = try makeApp()
        expectGolden("persons-zh-120x24", app.screen)
    }

    @Test func homeScreenInEnglish() throws {
        let app = try makeApp(lang: .en)
        expectGolden("persons-en-120x24", app.screen)
    }

    @Test func narrowTerminalDropsColumnsButKeepsTheTotals() throws {
        let app = try makeApp(width: 80, height: 20)
        expectGolden("persons-zh-80x20", app.screen)
    }

    /// The text in display columns [from, from + width) of a rendered line.
    func cells(_ line: String, from: Int, width: Int) -> String {
        var out = ""
        var x = 0
        for ch in line {
            let w = DisplayWidth.of(ch)
            if x >= from && x + w <= from + width { out.append(ch) }
            x += w
        }
        return out
    }

    @Test func columnsLineUpByDisplayWidth() throws {
        let app = try makeApp()
        let g = app.render()
        let header = g.line(2)
        let totalEnd = header.prefix(upTo: header.range(of: "合计")!.upperBound).displayWidth
        // Names of two, three and four characters: every row's total ends under the header's.
        let expected = ["李四": "0.0", "欧阳明辉": "40.0", "王五": "100.0", "张三": "90.0", "张三丰": "89.5"]
        for row in 3..<8 {
            let line = g.line(row)
            let name = cells(line, from: 1, width: 10).trimmingCharacters(in: .whitespaces)
            #expect(cells(line, from: totalEnd - 6, width: 6).trimmingCharacters(in: .whitespaces) == expected[name], "\(line)")
            #expect(cells(line, from: totalEnd, width: 1) == " ")
        }
    }

    @Test func searchByPinyinInitialsNarrowsAsYouType() throws {
        let app = try makeApp()
        app.press("/")
        app.type("zs")
        let text = app.screen
        #expect(text.contains("张三 "))
        #expect(text.contains("张三丰"))
        #expect(!text.contains("欧阳明辉"))
        #expect(text.contains("人员 2 · 达标 1 · 未达标 1"))
        app.type("f")
        #expect(!app.screen.contains("张三 "))
        app.press("Esc")
        #expect(app.screen.contains("人员 5"))
    }

    @Test func searchByIDDigits() throws {
        let app = try makeApp()
        app.press("/")
        app.type("1949")
        app.press("Enter")
        #expect(app.screen.contains("欧阳明辉"))
        #expect(app.screen.contains("人员 1 ·"))
    }

    @Test func filterShortOnesAndSortByTotal() throws {
        let app = try makeApp()
        app.press("f", "Down", "Down", "Enter")  // by status
        app.press("Down", "Down", "Enter")  // short
        var text = app.screen
        #expect(text.contains("人员 4 · 达标 0 · 未达标 4"))
        #expect(!text.contains(" 张三  "))
        app.press("s", "End", "Up", "Enter")  // sort by total (descending)
        text = app.screen
        let order = ["王五", "张三丰", "欧阳明辉", "李四"].map { text.range(of: $0)!.lowerBound }
        #expect(order == order.sorted())
    }

    @Test func yearKeysChangeTheYearAndTotals() throws {
        let app = try makeApp()
        app.press("[")
        let text = app.screen
        #expect(text.contains("2023年度"))
        #expect(text.contains("40.0   40.0"))  // 张三's 2023 training only
    }

    @Test func revealShowsFullIDNumbers() throws {
        let app = try makeApp()
        #expect(!app.screen.contains("34052419800101001X"))
        #expect(app.screen.contains("3405**********001X"))
        app.press("v")
        #expect(app.screen.contains("34052419800101001X"))
    }

    @Test func tooSmallAsksToEnlargeThenRedraws() throws {
        let app = try makeApp()
        app.handle(.resize(width: 50, height: 10))
        #expect(app.screen.contains("窗口太小，请放大窗口"))
        app.handle(.resize(width: 100, height: 20))
        #expect(app.screen.contains("欧阳明辉"))
    }

    @Test func helpListsTheScreensKeys() throws {
        let app = try makeApp()
        app.press("?")
        expectGolden("help-persons-zh", app.screen)
        app.press("Esc")
        #expect(!app.screen.contains("帮助（本屏按键）"))
    }

    @Test func aPersonWithRecordsCannotBeDeletedButOneWithoutCan() throws {
        let app = try makeApp()
        app.press("d")  // 李四, first by pinyin, has a record: refused at once, nothing to confirm
        #expect(app.screen.contains("李四还有1条记录，不能删除"))
        #expect(app.overlay == nil)
        app.press("Enter", "d", "y", "Esc", "d")  // delete the record, go back, delete the person
        #expect(app.screen.contains("删除人员“李四”？"))
        app.press("y")
        #expect(app.screen.contains("人员 4"))
        #expect(!app.screen.contains("李四"))
    }

    @Test func theSearchFieldTakesQuestionMarksAndCapitalR() throws {
        let app = try makeApp()
        app.press("/")
        app.type("R?")
        #expect(app.screen.contains("搜索: /R?"))
        #expect(app.overlay == nil)
    }

    @Test func theYearIsSharedByEveryScreenAndStaysPlausible() throws {
        let app = try makeApp()
        app.press("Enter", "[")  // 李四's screen, 2023
        #expect(app.screen.contains("2023年度"))
        app.press("Esc")
        #expect(app.screen.contains("2023年度"))
        for _ in 0..<100 { app.press("]") }
        #expect(app.screen.contains("2100年度"))
    }

    @Test func boxesKeepTheirBordersOverWideCharacters() throws {
        var g = TextGrid(width: 12, height: 3)
        for r in 0..<3 { g.put("张三丰李四王", row: r, column: 0) }
        g.box(top: 0, left: 3, height: 3, width: 6)  // edges fall on the right half of 三 and the left half of 四
        #expect(g.line(0) == "张 ┌────┐ 王")
        #expect(g.line(1) == "张 │    │ 王")
    }

    @Test func qQuitsFromHome() throws {
        let app = try makeApp()
        app.press("q")
        #expect(app.shouldQuit)
    }
}

@Suite struct PersonScreenTests {
    func openZhang() throws -> App {
        let app = try makeApp()
        app.press("/")
        app.type("zs")
        app.press("Enter", "Enter")
        return app
    }

    @Test func personScreenShowsTotalsFiveYearsAndRecords() throws {
        let app = try openZhang()
        expectGolden("person-zhang-2024", app.screen)
    }

    @Test func atEightyColumnsTheFiveYearBarsStayApartAndTheWindowSummaryMakesRoom() throws {
        let app = try openZhang()
        app.handle(.resize(width: 80, height: 24))
        expectGolden("person-zhang-2024-80", app.screen)
        let line = app.screen.split(separator: "\n")[2]
        for year in 2020...2024 { #expect(line.contains("\(year) "), "\(line)") }
    }

    @Test func addingARecordThroughTheFormChangesTheTotalsAtOnce() throws {
        let app = try openZhang()
        app.press("a")
        expectGolden("record-form-new", app.screen)
        app.press("Tab", "Tab", "Tab", "Tab")
        app.type("BIM 应用培训")
        app.press("Tab")
        app.type("江西省建设厅")
        app.press("Tab", "C-u")
        app.type("2024-06-01")
        app.press("Tab", "C-u")
        app.type("2024-06-05")
        app.press("Tab", "Tab", "Tab", "Tab")
        app.type("40")
        app.press("C-s")
        let text = app.screen
        #expect(text.contains("合计 130.0 / 90"))
        #expect(text.contains("BIM 应用培训"))
        #expect(text.contains("已保存"))
    }

    @Test func theFormRefusesAnEndBeforeTheStartAndSaysWhy() throws {
        let app = try openZhang()
        app.press("a", "Tab", "Tab", "Tab", "Tab")
        app.type("X")
        app.press("Tab", "Tab", "C-u")
        app.type("2024-06-05")
        app.press("Tab", "C-u")
        app.type("2024-06-01")
        app.press("Tab", "Tab", "Tab", "Tab")
        app.type("8")
        app.press("Enter")
        let text = app.screen
        #expect(text.contains("✗ 结束日期 2024-06-01 早于开始日期 2024-06-05"))
        #expect(text.contains("新增学习记录"))  // still open
    }

    @Test func aDuplicateActivityIsRefused() throws {
        let app = try openZhang()
        app.press("a", "Tab", "Tab", "Tab", "Tab")
        app.type("心血管新进展研修班")
        app.press("Tab", "Tab", "C-u")
        app.type("2024-03-04")
        app.press("Tab", "C-u")
        app.type("2024-03-10")
        app.press("Tab", "Tab", "Tab", "Tab")
        app.type("60")
        app.press("C-s")
        #expect(app.screen.contains("✗ 此人已登记同一活动"))
    }

    @Test func chineseInputAndBackspaceRemoveWholeCharacters() throws {
        let app = try openZhang()
        app.press("a", "Tab", "Tab", "Tab", "Tab")
        app.type("心血管病")
        app.press("BSpace")
        let form = app.overlay as! RecordForm
        #expect(form.inputs[4].text.text == "心血管")
    }

    @Test func escapeOnAChangedFormAsksFirst() throws {
        let app = try openZhang()
        app.press("a", "Tab", "Tab", "Tab", "Tab")
        app.type("草稿")
        app.press("Esc")
        #expect(app.screen.contains("放弃未保存的修改？"))
        app.press("n")
        #expect((app.overlay as? RecordForm)?.inputs[4].text.text == "草稿")
        app.press("Esc", "y")
        #expect(app.overlay == nil)
    }

    @Test func deleteAsksFirst() throws {
        let app = try openZhang()
        app.press("G", "d")  // 职业道德专题, pending
        #expect(app.screen.contains("删除记录“职业道德专题”？"))
        app.press("n")
        #expect(app.screen.contains("职业道德专题"))
        app.press("d", "y")
        #expect(!app.screen.contains("职业道德专题"))
        #expect(app.screen.contains("合计 90.0 / 90"))
    }

    @Test func aRecognisedRecordIsLockedUntilReopenedWithAReason() throws {
        let app = try openZhang()
        app.press("d")  // 心血管新进展研修班, recognised
        #expect(app.screen.contains("已认定的记录已锁定；按 u 重新打开"))
        #expect(app.overlay == nil)
        app.press("e")
        #expect(app.overlay == nil)
        app.press("u")
        #expect(app.screen.contains("重新打开：心血管新进展研修班"))
        app.press("Enter")
        #expect(app.screen.contains("✗ 必须填写"))
        app.type("证书编号有误")
        app.press("Enter")
        #expect(app.screen.contains("已重新打开，改为待认定"))
        #expect(app.screen.contains("合计 30.0 / 90"))  // pending counts nothing
        app.press("k")  // the line under the list explains the selected record
        #expect(app.screen.contains("认定说明：证书编号有误"))
        app.press("e")
        #expect(app.overlay is RecordForm)
        app.press("Esc")
        app.press("r", "Enter")  // recognised again: its hours are back
        #expect(app.screen.contains("合计 90.0 / 90"))
        let history = try app.ledger.history(idNumber: "34052419800101001X").map { $0.details(.zh) }
        #expect(history.contains { $0.contains("认定状态: 已认定 → 待认定") && $0.contains("证书编号有误") })
    }

    @Test func recognisingAPendingRecordCountsIt() throws {
        let app = try openZhang()
        app.press("G")  // 职业道德专题, pending
        #expect(app.screen.contains("待认定，暂不计入"))
        app.press("r", "Enter")
        #expect(app.screen.contains("合计 110.0 / 90"))
    }

    @Test func rejectingNeedsAReason() throws {
        let app = try openZhang()
        app.press("G", "r", "Down", "Enter", "Enter")
        #expect(app.screen.contains("✗ 必须填写"))
        app.type("证明材料不全")
        app.press("Enter")
        #expect(app.screen.contains("已将 1 条记录设为不予认定"))
        app.press("G")  // any key clears the message; the line then explains the selected record
        #expect(app.screen.contains("不予认定，不计入"))
        #expect(app.screen.contains("认定说明：证明材料不全"))
    }

    @Test func theFormSuggestsHoursByTheRuleAndAnOverrideNeedsAReason() throws {
        let app = try openZhang()
        app.press("a", "Tab", "Tab", "Space")  // 折算方式: 培训（按半天）
        app.press("Tab", "Tab")
        app.type("BIM 半天班")
        app.press("Tab", "Tab", "C-u")
        app.type("2024-06-01")
        app.press("Tab", "C-u")
        app.type("2024-06-02")
        app.press("Tab")  // to 折算数量
        app.type("3")
        #expect(app.screen.contains("建议 3 个半天 × 4 = 12 · 共 2 天 · 计入2024年度 12.0 学时"))
        app.press("Tab", "Tab", "Tab")  // to 申报学时
        app.type("16")
        let form = try #require(app.overlay as? RecordForm)
        #expect(form.inputs[12].text.text == "12")  // the recognised hours follow the suggestion
        app.press("Tab", "C-u")
        app.type("10")
        app.press("C-s")
        #expect(app.screen.contains("✗ 认定学时与规则建议（12.0）不同，须在“认定说明”中写明理由"))
        app.type("只到场两个半天半")
        app.press("C-s")
        #expect(app.screen.contains("已保存"))
        #expect(app.screen.contains("合计 100.0 / 90"))
        app.press("G")
        #expect(app.screen.contains("建议 培训（按半天）：3 个半天 × 4 = 12（认定 10.0，与建议不同）"))
        #expect(app.screen.contains("认定说明：只到场两个半天半"))
    }

    @Test func aRejectionInTheFormNeedsItsReason() throws {
        let app = try openZhang()
        app.press("a", "Tab", "Tab", "Tab", "Tab")
        app.type("X")
        app.press("Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab")  // to 申报学时
        app.type("8")
        app.press("Tab", "Tab", "Space", "C-s")  // 认定状态: 已认定 → 不予认定 (which clears the recognised hours)
        #expect(app.screen.contains("✗ 不予认定须在“认定说明”中写明理由"))
        app.type("不在目录内")  // a failed save puts the cursor on the first field with a problem: 认定说明
        app.press("C-s")
        #expect(app.screen.contains("已保存"))
        app.press("G")  // the last record, the new one; the line under the list gives its reason
        #expect(app.screen.contains("认定说明：不在目录内"))
    }

    @Test func historyShowsEveryChangeNewestFirst() throws {
        let app = try openZhang()
        app.press("G", "d", "y", "h")
        let text = app.screen
        #expect(text.contains("修改记录  张三"))
        let lines = text.split(separator: "\n").map(String.init)
        let first = try #require(lines.firstIndex { $0.contains("删除记录") })
        let added = try #require(lines.firstIndex { $0.contains("新增人员") })
        #expect(first < added)
        #expect(lines[first].contains("test"))  // who: the ledger's actor
        app.press("Esc")
        #expect(app.screen.contains("合计 90.0 / 90"))
    }

    @Test func escapeGoesBackKeepingTheSelection() throws {
        let app = try openZhang()
        app.press("Esc")
        #expect(app.screen.contains("人员 2 ·"))  // the search is still there
        #expect(app.screen.split(separator: "\n")[3].contains("张三"))
    }
}

@Suite struct RecognitionScreenTests {
    @Test func markAndRecogniseSeveralAtOnce() throws {
        let app = try makeApp()
        app.press("r")
        expectGolden("recognition-2024", app.screen)
        app.press("*", "y")
        #expect(app.screen.contains("将 2 条记录 认定为已认定？"))
        app.press("y")
        #expect(app.screen.contains("已将 2 条记录设为已认定"))
        #expect(app.screen.contains("待认定 0 条"))
        app.press("Esc")
        #expect(app.screen.contains("李四"))
    }
}

@Suite struct PersonFormTests {
    @Test func anInvalidIDIsShownWithTheExpectedCheckCharacter() throws {
        let app = try makeApp()
        app.press("a")
        app.type("340524198001010013")
        app.press("Tab")
        app.type("赵六")
        app.press("C-s")
        #expect(app.screen.contains("校验位错误（按前17位应为X）"))
    }

    @Test func aNewPersonIsAddedAndSelected() throws {
        let app = try makeApp()
        app.press("a")
        let newID = ResidentID.make(region: "360102", birth: Day(year: 1990, month: 5, day: 17)!, sequence: 42)
        app.type(newID.value)
        #expect(app.screen.contains("出生日期 1990-05-17 · 性别 女（由身份证号得出）"))
        app.press("Tab")
        app.type("赵六")
        app.press("Tab")
        app.type("南昌市第一医院")
        app.press("C-s")
        let text = app.screen
        #expect(text.contains("人员 6"))
        #expect(text.split(separator: "\n").contains { $0.contains("赵六") })
    }
}

@Suite struct TextGridTests {
    @Test func wideCharactersTakeTwoCellsAndAreNeverSplit() {
        var g = TextGrid(width: 7, height: 1)
        g.put("张三丰ab", row: 0, column: 0)
        #expect(g.line(0) == "张三丰…")  // cut with an ellipsis
        var h = TextGrid(width: 5, height: 1)
        h.put("张三丰", row: 0, column: 0)
        #expect(h.line(0) == "张三…")  // the third would not fit whole
        var k = TextGrid(width: 4, height: 1)
        k.put("张三丰", row: 0, column: 0)
        #expect(k.line(0) == "张…")
        #expect(k[0, 1].character == Cell.continuation)
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var g = TextGrid(width: 6, height: 1)
        g.put("张三丰", row: 0, column: 0)
        g.put("x", row: 0, column: 1)
        #expect(g.line(0) == " x三丰")
    }

    @Test func truncationMarksTheCutWithAnEllipsis() {
        #expect("江西省建筑设计研究院/结构所".truncated(toWidth: 12) == "江西省建筑…")
        #expect("江西省建筑设计研究院".fitted(toWidth: 9) == "江西省建…")
        #expect("ab".fitted(toWidth: 4, align: .right) == "  ab")
    }
}
