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
        // 江西省建筑设计研究院 (jiāng), 九江学院 (jiǔ), 南昌市第一医院 (nán): full pinyin, jiang before jiu
        #expect(picker.options.map(\.text) == ["江西省建筑设计研究院", "九江学院", "南昌市第一医院"])
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

    @Test func pickersSortInFullPinyin() {
        // gao < guo, li < liu: by the readings, not the initials then the code points (郭 U+90ED, 高 U+9AD8).
        #expect(FindChooser.sorted(["郭婷", "高峰", "刘洋", "李洋"], pinyin).map(\.text) == ["高峰", "郭婷", "李洋", "刘洋"])
        // A unit is no name: its first character keeps its common reading (乐平 lè, not the surname yuè).
        #expect(FindChooser.sorted(["岳阳医院", "乐平市医院", "李渡医院"], pinyin).map(\.text) == ["乐平市医院", "李渡医院", "岳阳医院"])
        // Found by the initials of either reading.
        let initials = FindChooser.sorted(["乐平市医院"], pinyin).first?.initials.split(separator: " ") ?? []
        #expect(initials.contains("lpsyy") && initials.contains("ypsyy"))
    }
}
