import CeledgerDomain
import CeledgerLedger
import Foundation
import Testing

@testable import CeledgerTUI

/// The unit and department pickers: in pinyin order, narrowed by typed characters or initials.
@Suite struct PickerTests {
    @Test func unitsAreInPinyinOrderAndFoundByInitials() throws {
        let app = try makeApp(try memoryFixtureLedger())
        app.press("f", "Enter")
        let picker = try #require(app.overlay as? FindChooser)
        // 九江学院 (jjxy), 江西省建筑设计研究院 (jxsjzsjyjy), 南昌市第一医院 (ncsdyyy)
        #expect(picker.options.map(\.text) == ["九江学院", "江西省建筑设计研究院", "南昌市第一医院"])
        expectGolden("unit-picker-zh", app.screen)
        app.type("nc")
        #expect(picker.shown.map { picker.options[$0].text } == ["南昌市第一医院"])
        app.press("Enter")
        #expect(app.screen.contains("单位: 南昌市第一医院"), "\(app.screen)")
    }

    @Test func departmentsAreFoundByCharactersAndAllStaysFirst() throws {
        let app = try makeApp(try memoryFixtureLedger(), lang: .en)
        app.press("f", "Down", "Enter")
        let picker = try #require(app.overlay as? FindChooser)
        app.type("外")
        #expect(picker.shown.map { picker.options[$0].text } == ["外科"])
        expectGolden("department-picker-en", app.screen)
        app.press("Up", "Enter")  // the first option, all
        #expect(!app.screen.contains("Dept:"))
    }

    @Test func pickersSortByInitialsThenCharacters() {
        // gf < gt, ln < ly. (Same initials, as 李洋 and 刘洋, fall back to code points: full readings are not shipped.)
        #expect(FindChooser.sorted(["郭婷", "高峰", "刘洋", "李娜"], pinyin).map(\.text) == ["高峰", "郭婷", "李娜", "刘洋"])
    }
}
