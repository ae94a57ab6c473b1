import CeledgerTestSupport
import Foundation
import Testing

/// `celedger evidence` on the real binary: files kept inside the ledger, their bytes back exactly, carried
/// by backup and restore, hostile files refused with their reason and nothing changed.
@Suite("evidence")
struct EvidenceCLITests {
    static let pdf = Data("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8)
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 64))

    /// 张三 with one recognised record (number 1).
    func ledger() throws -> Sandbox {
        let s = try Sandbox()
        try s.importOK("persons", "p.csv", "id_number,name,unit\n\(Staff.zhang),张三,南昌市第一医院\n")
        try s.importOK(
            "records", "r.csv",
            """
            id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours
            \(Staff.zhang),training,professional,心血管研修,2024-03-04,2024-03-05,16,16

            """)
        return s
    }

    @Test("add, list (table and JSON), get -o gives the same bytes, remove keeps it in the history")
    func roundTrip() throws {
        let s = try ledger()
        let scan = try s.write("结业证书.pdf", Self.pdf)
        let photo = try s.write("photo.png", Self.png)
        let added = try s.ok(["evidence", "add", "1", scan, photo], lang: "zh")
        #expect(added.stdoutLines.count == 2)
        #expect(added.stdoutLines[0].hasPrefix("已添加 E1：结业证书.pdf（PDF，"), "\(added.summary)")
        #expect(added.stdoutLines[0].contains("→ 记录 1 张三“心血管研修”"))
        let list = try s.ok(["evidence", "list", "1"], lang: "zh")
        #expect(list.stdout.contains("结业证书.pdf") && list.stdout.contains("photo.png") && list.stdout.contains("PNG"))
        let json =
            try JSONSerialization.jsonObject(
                with: s.ok(["evidence", "list", "--id", Staff.zhang, "--format", "json"]).stdoutData)
            as! [[String: Any]]
        #expect(json.map { $0["evidence"] as! String } == ["E1", "E2"])
        #expect(json[0]["file_name"] as? String == "结业证书.pdf" && json[0]["type"] as? String == "pdf")
        #expect(json[0]["size"] as? Int == Self.pdf.count && (json[0]["sha256"] as? String)?.count == 64)
        #expect(json[0]["record"] as? Int == 1 && json[0]["name"] as? String == "张三")
        // Out again, byte for byte, owner-only.
        let out = s.path("out.pdf")
        let got = try s.ok(["evidence", "get", "E1", "-o", out])
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == Self.pdf, "\(got.summary)")
        let mode = try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // Removal needs a reason, and keeps the file and its history.
        #expect(try s.run(["evidence", "remove", "E2", "--reason", " "]).status == 1)
        let removed = try s.ok(["evidence", "remove", "E2", "--reason", "拍照不清"], lang: "zh")
        #expect(removed.stdout.contains("已移除 E2：photo.png（理由：拍照不清"))
        #expect(!(try s.ok(["evidence", "list", "1"]).stdout.contains("photo.png")))
        #expect(try s.ok(["evidence", "list", "1", "--removed"]).stdout.contains("拍照不清"))
        let again = try s.run(["evidence", "remove", "E2", "--reason", "again"])
        #expect(again.status == 1 && again.stderr.contains("proof E2 was removed already"))
        let history = try s.ok(["history", Staff.zhang], lang: "zh").stdout
        #expect(history.contains("添加证明 E1") && history.contains("移除证明 E2") && history.contains("理由：拍照不清"))
        #expect(
            history.contains(
                try s.ok(["evidence", "list", "1", "--format", "json"]).stdout.components(separatedBy: "\"sha256\":\"")[1].prefix(
                    64)))
        // The chain covers it: check is clean.
        #expect(try s.run(["check"]).status == 0)
    }

    @Test("backup and restore carry the files: the same bytes after a restore, in a copied ledger too")
    func backupAndRestore() throws {
        let s = try ledger()
        var big = Data([0xFF, 0xD8, 0xFF, 0xE0])
        big.append(Data((0..<400_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }))
        try s.ok(["evidence", "add", "1", try s.write("证书.jpg", big)])
        try s.ok(["backup", s.path("backup.sqlite")])
        try s.ok(["evidence", "remove", "E1", "--reason", "测试"])
        try s.ok(["evidence", "add", "1", try s.write("another.pdf", Self.pdf)])
        try s.ok(["restore", s.path("backup.sqlite"), "--yes"])
        let list = try s.ok(["evidence", "list", "1"]).stdout
        #expect(list.contains("证书.jpg") && !list.contains("another.pdf"), "\(list)")
        try s.ok(["evidence", "get", "E1", "-o", s.path("back.jpg")])
        #expect(try Data(contentsOf: URL(fileURLWithPath: s.path("back.jpg"))) == big)
        // The backup file itself, used as a ledger.
        try s.ok(["--db", s.path("backup.sqlite"), "evidence", "get", "1", "-o", s.path("copy.jpg")], db: false)
        #expect(try Data(contentsOf: URL(fileURLWithPath: s.path("copy.jpg"))) == big)
    }

    @Test("hostile files: empty, too large, a folder, a symbolic link, not a known kind; a ../ path keeps its base name")
    func hostile() throws {
        let s = try ledger()
        let empty = try s.write("empty.pdf", Data())
        let huge = s.path("huge.pdf")
        FileManager.default.createFile(atPath: huge, contents: Self.pdf)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: huge))
        try h.truncate(atOffset: 21 * 1024 * 1024)  // sparse: 21 MiB without writing them
        try h.close()
        let real = try s.write("real.pdf", Self.pdf)
        try FileManager.default.createSymbolicLink(atPath: s.path("link.pdf"), withDestinationPath: real)
        let text = try s.write("notes.pdf", Data("meeting notes".utf8))
        try FileManager.default.createDirectory(atPath: s.path("folder"), withIntermediateDirectories: true)
        let r = try s.run(["evidence", "add", "1", empty, huge, s.path("folder"), s.path("link.pdf"), text, real])
        #expect(r.status == 1)
        #expect(r.stderrLines.contains("\(empty): empty.pdf: the file is empty (0 bytes); not added"), "\(r.summary)")
        #expect(r.stderrLines.contains { $0.hasPrefix("\(huge) is too large (21.0 MiB; at most 20 MiB a file)") }, "\(r.summary)")
        #expect(r.stderrLines.contains("\(s.path("folder")) is a folder, not a file"))
        #expect(r.stderrLines.contains { $0.hasPrefix("\(s.path("link.pdf")) is a symbolic link to \(real)") })
        #expect(r.stderrLines.contains { $0.contains("notes.pdf: not a PDF, JPEG, PNG or OFD file") })
        #expect(r.stderrLines.last == "celedger: 5 files cannot be added; nothing added")
        #expect(try s.ok(["evidence", "list"]).stdout == "no proof\n", "the good file was not added either")
        let zh = try s.run(["evidence", "add", "1", empty], lang: "zh")
        #expect(zh.stderrLines.first == "\(empty)：empty.pdf：文件为空（0 字节）；未添加", "\(zh.summary)")
        // A path through .. is a path: the name kept is the file's own.
        try FileManager.default.createDirectory(atPath: s.path("sub"), withIntermediateDirectories: true)
        let up = try s.ok(["evidence", "add", "1", s.path("sub") + "/../real.pdf"])
        #expect(up.stdout.hasPrefix("added E1: real.pdf (PDF"), "\(up.summary)")
        // No such record, no such proof, get to a symbolic link: refused.
        #expect(try s.run(["evidence", "add", "99", real]).stderr.contains("no record numbered 99"))
        #expect(try s.run(["evidence", "get", "E9", "-o", s.path("x")]).stderr.contains("no proof numbered E9"))
        let got = try s.run(["evidence", "get", "E1", "-o", s.path("link.pdf")])
        #expect(got.status != 0 && got.stderr.contains("symbolic link"), "\(got.summary)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: real)) == Self.pdf, "the link's target is untouched")
    }

    @Test("review list --missing-evidence, the card's proof list by name and digest, and the bundle zip")
    func reviewCardAndBundle() throws {
        let s = try ledger()
        try s.importOK(
            "records", "r2.csv",
            """
            id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours,recognition
            \(Staff.zhang),online,public,公需网课,2024-05-01,2024-05-03,20,20,recognized
            \(Staff.zhang),training,professional,待定培训,2024-06-01,2024-06-02,16,,pending

            """)
        let missing = try s.ok(["review", "list", "--missing-evidence", "--format", "csv"]).stdout
        #expect(missing.contains("心血管研修") && missing.contains("公需网课") && !missing.contains("待定培训"), "\(missing)")
        try s.ok(["evidence", "add", "1", try s.write("结业证书.pdf", Self.pdf)])
        let after = try s.ok(["review", "list", "--missing-evidence", "--format", "csv"]).stdout
        #expect(!after.contains("心血管研修") && after.contains("公需网课"), "\(after)")
        // Removed proof is no proof.
        try s.ok(["evidence", "remove", "E1", "--reason", "错传"])
        #expect(try s.ok(["review", "list", "--missing-evidence", "--format", "csv"]).stdout.contains("心血管研修"))
        try s.ok(["evidence", "add", "1", try s.write("证书.pdf", Self.pdf)])

        let digest = try s.ok(["evidence", "list", "1", "--format", "json"]).stdout.components(separatedBy: "\"sha256\":\"")[1]
            .prefix(64)
        let card = try s.ok(["card", Staff.zhang, "--year", "2024", "--draft"], lang: "zh").stdout
        #expect(card.contains("证明材料（文件名与 SHA-256"), "\(card)")
        #expect(card.contains("2024 心血管研修（2024-03-04~2024-03-05）：证书.pdf") && card.contains("SHA-256 \(digest)"))
        let html = try s.ok(["card", Staff.zhang, "--year", "2024", "--draft", "--format", "html"], lang: "zh").stdout
        #expect(html.contains("<td>证书.pdf</td>") && html.contains("<code>\(digest)</code>"))

        let zip = s.path("申请.zip")
        let b = try s.ok(["card", Staff.zhang, "--year", "2024", "--bundle", zip], lang: "zh")
        #expect(b.stdout.contains("已写入 \(zip)：学时证明 JX-") && b.stdout.contains("及 1 个证明材料"), "\(b.summary)")
        let listing = try Python.run([
            "-c",
            "import zipfile,sys,hashlib\nz=zipfile.ZipFile(sys.argv[1])\nfor n in z.namelist(): print(n, hashlib.sha256(z.read(n)).hexdigest())",
            zip,
        ])
        #expect(listing.status == 0, "\(listing.summary)")
        let lines = listing.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 && lines[0].hasPrefix("学时证明-张三-2024.html "), "\(lines)")
        #expect(lines[1] == "证明材料/E2-证书.pdf \(digest)", "\(lines)")
        #expect(try FileManager.default.attributesOfItem(atPath: zip)[.posixPermissions] as? Int == 0o600)
    }
}
