import Foundation
import Testing

@testable import CeledgerDomain

/// The persons list's order by name, with the shipped tables: what a clerk sees when the list is sorted.
@Suite struct NameKeyTests {
    static let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("data/pinyin")
    let index = PinyinIndex(
        table: try! String(contentsOf: data.appendingPathComponent("initials.tsv"), encoding: .utf8),
        readings: try! String(contentsOf: data.appendingPathComponent("readings.tsv"), encoding: .utf8))

    /// The names in the order their keys put them (byte order, as SQLite's BINARY collation compares).
    func sorted(_ names: [String]) -> [String] {
        names.sorted { Array(index.nameKey(of: $0).utf8).lexicographicallyPrecedes(Array(index.nameKey(of: $1).utf8)) }
    }

    @Test func theTablesAreLoaded() {
        #expect(index.hasReadings)
        #expect(!index.isEmpty)
    }

    @Test func fullPinyinSyllableBySyllable() {
        // gao < guo (the complaint: 郭婷 came first), li < liu, and a shorter syllable first.
        #expect(sorted(["郭婷", "高峰"]) == ["高峰", "郭婷"])
        #expect(sorted(["刘洋", "李娜"]) == ["李娜", "刘洋"])
        #expect(sorted(["刘", "李"]) == ["李", "刘"])
        #expect(sorted(["张伟", "章伟", "张", "赵敏", "王芳", "万强"]) == ["万强", "王芳", "张", "张伟", "章伟", "赵敏"])
        // After the surname, the given name's syllables decide: 李娜 before 李强 before 李伟.
        #expect(sorted(["李伟", "李强", "李娜"]) == ["李娜", "李强", "李伟"])
    }

    @Test func theToneThenTheCharacterBreakTies() {
        // 黎 lí before 李 lǐ; one surname's people stay together even when another has the same reading.
        #expect(sorted(["李明", "黎明"]) == ["黎明", "李明"])
        #expect(sorted(["里娜", "李强", "李明"]) == ["李明", "李强", "里娜"])
        // ü after u: 卢 lú, 吕 lǚ.
        #expect(sorted(["吕方", "卢方"]) == ["卢方", "吕方"])
    }

    @Test func polyphonicSurnamesReadAsSurnames() {
        // 单 shàn (not dān), 曾 zēng (not céng), 解 xiè, 仇 qiú, 朴 piáo, 区 ōu, 查 zhā, 乐 yuè, 翟 zhái.
        #expect(sorted(["单雄飞", "邓华", "沙明", "石磊"]) == ["邓华", "沙明", "单雄飞", "石磊"])
        #expect(sorted(["曾兵", "陈兵", "张兵"]) == ["陈兵", "曾兵", "张兵"])
        #expect(sorted(["解放", "江河", "谢芳"]) == ["江河", "解放", "谢芳"])
        #expect(sorted(["仇明", "丘明", "周明"]) == ["丘明", "仇明", "周明"])  // 丘 qiū, 仇 qiú
        #expect(sorted(["朴槿", "潘明", "蒲明"]) == ["潘明", "朴槿", "蒲明"])
        // 区 and 欧 both ōu: the character decides (区 U+533A first).
        #expect(sorted(["区伟", "曲伟", "欧伟"]) == ["区伟", "欧伟", "曲伟"])
        #expect(sorted(["查良", "曹良", "张良"]) == ["曹良", "查良", "张良"])
        #expect(sorted(["乐天", "李天", "岳天"]) == ["李天", "乐天", "岳天"])
        #expect(sorted(["翟亮", "狄亮", "张亮"]) == ["狄亮", "翟亮", "张亮"])
        // Only the first character reads as a surname: 单 in a given name is dān.
        #expect(index.nameKey(of: "丽单").contains("dan1"))
        #expect(index.nameKey(of: "单丽").hasPrefix("shan4"))
    }

    @Test func compoundSurnames() {
        // 尉迟 yùchí (尉 alone is wèi), 欧阳 ōuyáng, 万俟 mòqí (万 alone is wàn), 长孙 zhǎngsūn.
        #expect(index.nameKey(of: "尉迟恭").hasPrefix("yu4"))
        #expect(index.nameKey(of: "尉明").hasPrefix("wei4"))
        #expect(index.nameKey(of: "万俟卨").hasPrefix("mo4"))
        #expect(index.nameKey(of: "万明").hasPrefix("wan4"))
        #expect(sorted(["欧阳明辉", "欧明", "王明"]) == ["欧明", "欧阳明辉", "王明"])
        #expect(sorted(["尉迟恭", "于明", "魏明"]) == ["魏明", "于明", "尉迟恭"])
        // Two characters are a surname and a given name: 单于 is Shàn Yú, not the compound Chányú.
        #expect(index.nameKey(of: "单于").hasPrefix("shan4"))
        #expect(index.nameKey(of: "单于明").hasPrefix("chan2"))
    }

    @Test func latinAndMinorityNames() {
        // Latin words sort among the pinyin by their letters, case and accents aside; Li just before 李.
        #expect(sorted(["李娜", "Li Na", "Amy Wang", "安娜", "Zoë", "张三"]) == ["Amy Wang", "安娜", "Li Na", "李娜", "张三", "Zoë"])
        #expect(sorted(["bob", "Bob", "Émile", "Eva"]) == ["Bob", "bob", "Émile", "Eva"])
        // A minority name's · joins its parts and gives nothing: 买买提·艾力 sorts as maimaiti aili.
        #expect(sorted(["马明", "买买提·艾力", "麦明"]) == ["马明", "买买提·艾力", "麦明"])
        #expect(sorted(["阿依古丽·买买提", "艾力"]) == ["阿依古丽·买买提", "艾力"])
    }

    @Test func anyOtherCharacterSortsAfterTheLettersAndTheNameBreaksTies() {
        #expect(sorted(["Иван", "张三", "Zhang"]) == ["Zhang", "张三", "Иван"])
        // A name is never equal to another's key: the name itself ends the key.
        #expect(index.nameKey(of: "张三") != index.nameKey(of: "张三 "))
        #expect(index.nameKey(of: "张三").hasSuffix(" 张三"))
    }

    @Test func withoutTheReadingsCharactersGoByCodePoint() {
        let bare = PinyinIndex(table: "张\tz\n")
        #expect(!bare.hasReadings)
        let names = ["郭婷", "高峰"]
        let order = names.sorted { bare.nameKey(of: $0) < bare.nameKey(of: $1) }
        #expect(order == ["郭婷", "高峰"])  // 郭 U+90ED before 高 U+9AD8: why the readings are shipped
    }
}

@Suite struct TextKeyTests {
    let index = NameKeyTests().index

    @Test func otherTextHasNoSurnameReadings() {
        // 单县 is read dān here, as 乐平 lè: only a person's name starts with a surname.
        #expect(index.textKey(of: "单县医院").hasPrefix("dan1"))
        #expect(index.nameKey(of: "单县医院").hasPrefix("shan4"))
        #expect(index.textKey(of: "尉迟医院").hasPrefix("wei4"))
    }
}
