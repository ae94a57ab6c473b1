import CeledgerText

/// `--help` under a Chinese UI. The command definitions stay English (the man page and
/// `--experimental-dump-help` are made from them); the help the parser renders is rewritten here: its
/// headings, the overview and the subcommands' summaries, and the options this table knows, each entry
/// re-wrapped. An option it does not know keeps its English text.
enum ChineseHelp {
    static let headings: [(String, String)] = [
        ("OVERVIEW:", "概述："), ("USAGE:", "用法："), ("OPTIONS:", "选项："), ("SUBCOMMANDS:", "子命令："),
        ("ARGUMENTS:", "参数："), ("A CLASS FROM A SIGN-IN SHEET (IMPORT CLASS):", "签到表登记培训班（import class）："),
    ]

    /// Each command's summary, by its name as the help's usage line writes it ("import", "report annual").
    static let abstracts: [String: String] = [
        "": "继续教育登记簿（依据《江西省专业技术人员继续教育办法》）。不带子命令时打开终端界面。",
        "ui": "打开终端界面（不带子命令时的默认操作）；不写 --db 时打开上次打开的登记簿和年度。",
        "init": "新建登记簿，或把旧登记簿升级到当前结构；再次运行不会改变任何内容。",
        "import": "从 CSV 或 XLSX 文件导入人员、学习记录或培训班（中文或英文表头，列序随意）。单位自己的花名册可以原样导入：自动找表头，忽略用不到的列，跳过空行和合计行；有误则整批不导入，并逐行说明原因和改法。",
        "export": "导出人员或学习记录：CSV（英文代码，可原样导回）、XLSX（中文界面下为中文表头和取值，学习记录带姓名，也可导回）或 JSON。",
        "template": "生成中文表头的空白导入模板（带 BOM 的 CSV，或带填写说明的 XLSX）。",
        "report": "报表：年度达标（annual）、多年情况（window）、统计（stats）。",
        "report annual": "每个人某年度已认定的学时与当年规则的对照；可输出表格、JSON、CSV、XLSX，或可打印的 A4 网页（--format html）。",
        "report window": "多年情况：每个人在连续几年里每年是否达标（职称评审用）。",
        "report stats": "年度统计（第二十条）：人数、达标人数、达标率、人均学时，按学习方式和科目类别分列。",
        "demo": "在空登记簿里生成逼真的演示数据（同一种子结果相同）。",
        "rules": "规则文件：列出、查看、检查，加入或删除本登记簿自己的规则。",
        "review": "学时认定：列出记录，（批量）认定或不予认定，重新打开已认定的记录。",
        "card": "打印某人一年或几年的继续教育学时证明：文本或 A4 网页，带证明编号。",
        "history": "某人及其记录的全部修改记录：时间（本机时间）、操作人、内容（只增不改）。",
        "backup": "把登记簿复制成一个新的 SQLite 文件；使用中也能得到一致的副本（服务器上的登记簿：同一时刻的快照，可在任何电脑上用 --db 文件 打开）。",
        "restore": "用备份替换登记簿（先询问，或加 --yes）。",
        "check": "检查登记簿：SQLite 完整性和外键（文件）、修改记录的哈希链、存储的年度合计，以及每一行是否符合规则；有问题时结束状态为 1。",
        "migrate": "把 SQLite 登记簿（--db 文件）整体迁入空的 PostgreSQL 登记簿（一个事务，全部或全不），再逐项比对两边；不一致时结束状态为 1。",
        "settings": "查看或修改本登记簿的设置：--employer 单位名称（本单位，只需设置一次）。",
        "rules list": "本登记簿知道的全部规则（随附的和本登记簿自己的）及各自判断的年度。",
        "rules show": "规则的学时要求、折算方式和上限，每个数字都注明出处。",
        "rules check": "检查规则文件：有误的值会指出它在文件中的位置；有误时结束状态为 1。",
        "rules add": "把规则文件存入登记簿（本单位自己的规则，或某规则的新版本），并重算它判断的年度。",
        "rules remove": "停用本登记簿自己的某个规则（停用记入修改记录），并重算它判断过的年度。",
        "review list": "列出记录及其认定状态：默认列出待认定的，早的在前。",
        "review recognize": "认定记录：按认定学时，否则按规则的建议学时，否则按申报学时；认定后锁定。",
        "review reject": "不予认定记录，须写明理由；已认定的记录须先重新打开。",
        "review reopen": "重新打开已认定的记录以便更正：回到待认定并写明理由；修改记录里保留原样。",
        "evidence": "证明材料：为学习记录添加扫描的证书、成绩单（PDF、JPEG、PNG、OFD，每个最多 20 MiB，存于登记簿内），列出、取出、移除。",
        "evidence add": "为一条学习记录添加证明材料（全部添加或全不添加）。",
        "evidence list": "列出证明材料：某条记录的（记录编号）、某人的（--id），或全部。",
        "evidence get": "把证明材料原样写到文件（-o）。",
        "evidence remove": "移除证明材料，须写明理由（文件仍保留在登记簿及修改记录中）。",
        "clerk": "经办人：添加、列出、修改、移除（角色：录入员 recorder、审核员 reviewer、管理员 admin）。",
        "clerk add": "添加经办人（登记簿的第一位经办人须是管理员）。",
        "clerk list": "列出本登记簿的全部经办人（含已移除的）：角色、负责单位、由谁添加。",
        "clerk set": "修改经办人的角色或负责单位（管理员操作）。",
        "clerk remove": "移除经办人（修改记录和经办人列表仍保留其姓名）。",
    ]

    /// Option help by the option's first name.
    static let options: [String: String] = [
        "--db":
            "登记簿文件，或 PostgreSQL 服务器上的登记簿 postgresql://用户@主机:端口/数据库（默认：$CELEDGER_DB，否则 $XDG_DATA_HOME/celedger/ledger.sqlite）。",
        "--lang": "提示信息的语言：zh 或 en（默认跟随系统语言，非英文环境都用中文）。",
        "--user": "经办人，记入修改记录、证明和导出（默认：$CELEDGER_USER，否则界面记住的经办人，否则系统登录用户名）。",
        "--role": "角色：recorder（录入员）、reviewer（审核员）或 admin（管理员）。",
        "clerk add --unit": "经办人负责的单位（可重复；不写则负责全部单位）。",
        "clerk add --db-role": "仅用于 PostgreSQL 服务器上的登记簿：经办人连接所用的已有数据库登录角色（按其角色授予所需权限）。",
        "clerk set --unit": "经办人此后负责的单位（可重复；替换原有的）。",
        "--all-units": "经办人重新负责全部单位。",
        "--version": "显示版本。",
        "migrate --to": "迁入的空 PostgreSQL 登记簿：postgresql://用户@主机:端口/数据库。",
        "-h, --help": "显示帮助。",
        "--year": "年度（默认：今年）。",
        "--unit": "只含此单位（用人单位）的人员。",
        "import --unit": "没有单位的人员所属的单位，用于没有单位列的文件（默认：本登记簿的用人单位）。",
        "import <kind>": "persons（人员）、records（学习记录）或 class（培训班）",
        "import <file>": "CSV 或 XLSX 文件。",
        "--format": "输出格式：table（表格）、json、csv，有的命令还有 xlsx（须写 -o）、html（可打印的 A4 网页）；见 docs/cli.md。",
        "-o, --output": "写到此文件，而不是标准输出。",
        "--encoding": "CSV 文件的编码：utf-8、gb18030 或 gbk（默认自动识别）。",
        "--skip-invalid": "导入正确的行；有误的行连同原因写到原文件旁边的同类文件（staff.xlsx → staff.rejected.xlsx）。培训班不适用：整体导入或不导入。",
        "--dry-run": "只检查，不写入任何数据。",
        "--strict": "拒绝登记簿不认识的列（默认忽略，并说明忽略了哪些）。",
        "--missing-evidence": "只列出已认定但没有证明材料的记录（隐含 --state recognized）。",
        "--bundle": "写一个压缩包供申报使用：A4 网页版证明，加上每条记录的证明材料（第二十一条）。",
        "--removed": "也列出已移除的证明材料（谁移除、理由）。",
        "evidence remove --reason": "移除的理由（必填，记入修改记录）。",
        "evidence add <file>": "证明文件：PDF、JPEG、PNG 或 OFD，每个最多 20 MiB。",
        "evidence get <evidence>": "证明材料编号（E12 或 12）。",
        "evidence remove <evidence>": "证明材料编号（E12 或 12）。",
        "clerk add <name>": "经办人姓名（修改记录和学时证明上即印此名）。",
        "clerk set <name>": "经办人姓名。",
        "clerk remove <name>": "经办人姓名。",
        "--employer": "本登记簿的用人单位：导入的人员没有单位时即为此单位，也是证明上的出具单位。",
        "--mode": "培训班的学习方式：培训、实践、学术活动、网络学习、学历教育、其他（或 training…）。",
        "--category": "科目类别：公需科目或专业科目（public、professional）。",
        "--title": "培训内容。",
        "--provider": "举办单位。",
        "--start-date": "开始日期（yyyy-mm-dd）。",
        "--end-date": "结束日期（yyyy-mm-dd）。",
        "--claimed-hours": "每人的申报学时（默认：规则的建议学时，规则能给出时）。",
        "--recognized-hours": "每人的认定学时。",
        "--recognition": "认定状态：待认定、已认定、不予认定。",
        "--assessment": "所有人的考核结果（签到表中有考核一列时以每人的为准）。",
        "--no-bom": "CSV 不带 UTF-8 BOM（给脚本用）。",
        "--stamp": "CSV 最后加一行“# celedger …”，写明操作人和时间（导入时跳过）。",
        "--reveal": "表格中显示完整身份证号（默认打码）。",
        "--status": "只列达标（met）或未达标（short）的人员。",
        "--sort": "排序：unit（单位、部门、身份证号）或 needed（尚需学时多的在前；--status short 时默认如此）。",
        "--recompute": "按记录重算所有年度合计。",
        "--issuer": "出具单位（默认：本登记簿的用人单位，否则 $CELEDGER_ISSUER，否则此人的单位）。",
        "ui --year": "打开的年度（默认：上次查看的年度，否则今年）。不写 --db 时打开上次打开的登记簿。",
        "ui --view": "用按 V 保存的视图打开人员列表（筛选、搜索、排序、年度；存于 ~/.config/celedger/views.json）。",
        "init --recompute": "按记录重算所有存储的年度合计（check 发现不一致时要求这样做）。",
        "export <kind>": "persons（人员）或 records（学习记录）",
        "template <kind>": "persons（人员）或 records（学习记录）",
        "export --year": "只导出此年度：结束日期在此年度的记录，此年度在职的人员。",
        "export --format": "csv、xlsx 或 json（默认 csv）。",
        "template --format": "csv 或 xlsx（默认 csv）。",
        "card --format": "txt 或 html（默认：输出文件以 .html 结尾时为 html，否则 txt）。",
        "history --format": "table（表格，默认）或 json。",
        "report annual --format": "table（表格，默认）、json、csv、xlsx（须写 -o：明细表和可打印的表）或 html（可打印的 A4 网页：标题、所用规则、按部门小计、制表/审核/日期）。",
        "report window --format": "table（表格，默认）、json 或 csv。",
        "report stats --format": "table（表格，默认）、json 或 csv。",
        "review list --format": "table（表格，默认）、csv 或 json。",
        "report annual --department": "只含此部门的人员（给了 --unit 时为该单位的部门）。",
        "report annual --stamp": "CSV 最后加一行“# celedger report annual …”，写明制表人、时间和登记簿修改记录链的链头。",
        "report window --from": "第一个年度。",
        "report window --to": "最后一个年度。",
        "report window --incomplete": "只列在须达标的年度中有未达标的人员。",
        "report stats --by": "分组方式：unit（单位，默认）、department（部门）、title_level（职称级别）、mode（学习方式）或 category（科目类别）。",
        "demo --persons": "人数（1 到 10,000,000；每人每年四五条记录；默认 500）。",
        "demo --years": "年度范围，如 2021-2025（默认：最近五年）。",
        "demo --seed": "随机数种子（同一种子结果相同；默认 1）。",
        "rules list --years": "显示这些年度各由哪个规则判断（默认：最近十年）。",
        "rules show <id|year>": "规则的编号，或一个年度（即判断该年度的规则）。",
        "rules check <file>": "规则文件（JSON）。",
        "rules add <file>": "规则文件（JSON）。",
        "rules remove <id>": "规则的编号。",
        "<record>": "记录编号（review list 和 history 显示的编号，带不带 # 均可）。",
        "--id": "只含此人（身份证号）。",
        "review list --mode": "只含此学习方式的记录（training、practice、academic、online、degree、other，或中文名称）。",
        "review list --year": "只含此年度的记录（按结束日期）。",
        "review recognize --mode": "只含此学习方式的记录（training、practice、academic、online、degree、other，或中文名称）。",
        "review recognize --year": "只含此年度的记录（按结束日期）。",
        "review reject --mode": "只含此学习方式的记录（training、practice、academic、online、degree、other，或中文名称）。",
        "review reject --year": "只含此年度的记录（按结束日期）。",
        "review reopen --mode": "只含此学习方式的记录（training、practice、academic、online、degree、other，或中文名称）。",
        "review reopen --year": "只含此年度的记录（按结束日期）。",
        "review list --state": "pending（待认定，默认）、recognized（已认定）、rejected（不予认定）或 all（全部）。",
        "review recognize --all": "过滤条件找到的全部待认定记录。",
        "review reject --all": "过滤条件找到的全部待认定记录。",
        "review reopen --all": "过滤条件找到的全部已认定记录。",
        "review reject --reason": "不予认定的理由（必填）。",
        "review reopen --reason": "重新打开的理由（必填）。",
        "review recognize --reviewer": "认定人（默认：--user，否则系统登录用户名）。",
        "review reject --reviewer": "作出决定的人（默认：--user，否则系统登录用户名）。",
        "review reopen --reviewer": "重新打开的人（默认：--user，否则系统登录用户名）。",
        "review recognize --dry-run": "只说明将认定哪些记录，不写入。",
        "<id-number>": "此人的身份证号。",
        "card --year": "（第一个）年度（默认：今年）。",
        "card --to": "最后一个年度，用于跨几年的证明（最多 10 年）。",
        "card --draft": "草稿：不编号也不留存，证明上写明不作证明之用。",
        "backup <file>": "新文件（不能已存在）。",
        "restore <file>": "要恢复的备份文件。",
        "restore --yes": "不询问（给脚本用）。",
    ]

    /// "See 'celedger help [report ]<subcommand>' for detailed help." in Chinese.
    static func footer(_ line: String) -> String? {
        let start = "See 'celedger help ", end = "<subcommand>' for detailed help."
        guard line.hasPrefix(start), line.hasSuffix(end) else { return nil }
        let parent = line.dropFirst(start.count).dropLast(end.count)
        return "子命令的详细帮助：celedger help \(parent)<子命令>，或 celedger \(parent)<子命令> --help。"
    }

    /// The help text rewritten in Chinese.
    static func translate(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // The command, from the usage line: "USAGE: celedger report annual [...]".
        var command = ""
        if let usage = lines.first(where: { $0.hasPrefix("USAGE: celedger") }) {
            let words = usage.dropFirst("USAGE: celedger".count).split(separator: " ").map(String.init)
            command = words.prefix { !$0.hasPrefix("[") && !$0.hasPrefix("<") && !$0.hasPrefix("-") }.joined(separator: " ")
        }
        var out: [String] = []
        var i = 0
        var section = ""
        while i < lines.count {
            let line = lines[i]
            if line.hasPrefix("OVERVIEW:") {
                // The overview paragraph(s) up to the usage line become the command's Chinese summary.
                var j = i + 1
                while j < lines.count && !lines[j].hasPrefix("USAGE:") { j += 1 }
                if let zh = abstracts[command] {
                    out += wrap("概述：" + zh, width: 80)
                    out.append("")
                    i = j
                    continue
                }
                out.append(line.replacingOccurrences(of: "OVERVIEW:", with: "概述："))
                i += 1
                continue
            }
            if let h = headings.first(where: { line.hasPrefix($0.0) }) {
                section = h.0
                out.append(h.1 + line.dropFirst(h.0.count))
                i += 1
                continue
            }
            if let zh = footer(line.trimmingCharacters(in: .whitespaces)) {
                out.append(String(line.prefix { $0 == " " }) + zh)
                i += 1
                continue
            }
            // An entry: "  name   help…" then continuation lines indented to the help column.
            if section != "USAGE:", line.hasPrefix("  "), !line.hasPrefix("   ") {
                let body = line.dropFirst(2)
                var name: String
                if let r = body.range(of: "  ") {
                    name = String(body[..<r.lowerBound])
                } else {
                    name = String(body)
                }
                // A name as wide as its column leaves one space before the help: the name is its option
                // words ("-o,", "--claimed-hours", "<hours>"), the rest is help.
                if section != "SUBCOMMANDS:" {
                    let words = name.split(separator: " ", omittingEmptySubsequences: false)
                    var count = 0
                    for w in words {
                        guard w.hasPrefix("-") || w.hasPrefix("<") else { break }
                        count += 1
                    }
                    if count > 0 && count < words.count { name = words.prefix(count).joined(separator: " ") }
                }
                var j = i + 1
                while j < lines.count, lines[j].hasPrefix(String(repeating: " ", count: 10)) { j += 1 }
                let key =
                    section == "SUBCOMMANDS:"
                    ? subcommandKey(name, parent: command) : section == "ARGUMENTS:" ? name : optionKey(name)
                let zh = section == "SUBCOMMANDS:" ? abstracts[key] : options[command + " " + key] ?? options[key]
                if let zh {
                    out += entry(name, zh)
                } else {
                    out += lines[i..<j]
                }
                i = j
                continue
            }
            out.append(line)
            i += 1
        }
        return out.joined(separator: "\n")
    }

    static func subcommandKey(_ name: String, parent: String) -> String {
        // "recognize, recognise, approve": the command and its aliases, known by the first.
        let bare = String(name.replacingOccurrences(of: " (default)", with: "").split(separator: ",").first ?? "")
        return parent.isEmpty ? bare : parent + " " + bare
    }

    /// "--year <year>" → "--year"; "-o, --output <file>" → "-o, --output".
    static func optionKey(_ name: String) -> String {
        name.split(separator: " ").filter { !$0.hasPrefix("<") }.joined(separator: " ")
    }

    /// A help entry: the name in a 24-cell column, the text wrapped at 80 cells.
    static func entry(_ name: String, _ text: String) -> [String] {
        let column = 26
        let lines = wrap(text, width: 80 - column)
        let head = "  " + name
        let pad = String(repeating: " ", count: column)
        var out: [String] = []
        if DisplayWidth.of(head) + 2 <= column {
            out.append(head + String(repeating: " ", count: column - DisplayWidth.of(head)) + (lines.first ?? ""))
            out += lines.dropFirst().map { pad + $0 }
        } else {
            out.append(head)
            out += lines.map { pad + $0 }
        }
        return out
    }

    /// Chinese text wrapped at `width` cells by the shared rules (`CeledgerText.wrap`): words such as
    /// `postgresql://…` stay whole, a closing mark never starts a line.
    static func wrap(_ text: String, width: Int) -> [String] { CeledgerText.wrap(text, width: width) }
}
