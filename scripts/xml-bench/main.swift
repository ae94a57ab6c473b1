// Reads one large worksheet part (sheet1.xml) with the hand-written pull parser (XMLPull.swift) and with
// FoundationXML's XMLParser, extracting the same events: every cell's reference, its type and the text of
// its <v> (for a shared string, the index). Built and run by scripts/xml-parser-bench.sh; not a test.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// What both parsers extract: cells, references, shared-string indexes, a checksum over all of it.
struct Extract: Equatable {
    var cells = 0
    var sharedCells = 0
    var sharedIndexSum = 0
    var referenceBytes = 0
    var valueBytes = 0
}

func pull(_ bytes: [UInt8]) throws -> Extract {
    let p = XMLPullParser(bytes: bytes)
    var out = Extract()
    let kC = Array("c".utf8), kV = Array("v".utf8), kR = Array("r".utf8), kT = Array("t".utf8)
    var inCell = false, inValue = false, shared = false
    var value: [UInt8] = []
    while true {
        switch try p.next() {
        case .eof: return out
        case .start:
            if p.isNamed(kC) {
                out.cells += 1
                inCell = true
                out.referenceBytes += p.rawAttribute(kR)?.count ?? 0
                shared = p.rawAttribute(kT).map { $0.elementsEqual([0x73]) } ?? false
                if shared { out.sharedCells += 1 }
            } else if inCell && p.isNamed(kV) {
                inValue = true
                value.removeAll(keepingCapacity: true)
            }
        case .end:
            if inValue && p.isNamed(kV) {
                inValue = false
                out.valueBytes += value.count
                if shared { out.sharedIndexSum += Int(String(decoding: value, as: UTF8.self)) ?? 0 }
            } else if p.isNamed(kC) {
                inCell = false
            }
        case .text:
            if inValue { try p.appendText(to: &value) }
        }
    }
}

final class Delegate: NSObject, XMLParserDelegate {
    var out = Extract()
    var inCell = false, inValue = false, shared = false
    var value = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if name == "c" {
            out.cells += 1
            inCell = true
            out.referenceBytes += attributes["r"]?.utf8.count ?? 0
            shared = attributes["t"] == "s"
            if shared { out.sharedCells += 1 }
        } else if inCell && name == "v" {
            inValue = true
            value = ""
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if inValue && name == "v" {
            inValue = false
            out.valueBytes += value.utf8.count
            if shared { out.sharedIndexSum += Int(value) ?? 0 }
        } else if name == "c" {
            inCell = false
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inValue { value += string }
    }
}

func foundation(_ data: Data) -> Extract {
    // From a stream, which XMLParser hands to libxml2 in chunks (as the reader gets a zip entry); given the
    // whole Data at once, libxml2 refuses a document this large without XML_PARSE_HUGE.
    let parser = XMLParser(stream: InputStream(data: data))
    let d = Delegate()
    parser.delegate = d
    guard parser.parse() else { fatalError("XMLParser failed: \(String(describing: parser.parserError))") }
    return d.out
}

func best(_ runs: Int, _ body: () throws -> Extract) rethrows -> (Double, Extract) {
    var times: [Double] = []
    var last = Extract()
    for _ in 0..<runs {
        let t0 = DispatchTime.now().uptimeNanoseconds
        last = try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    return (times.min()!, last)
}

let path = CommandLine.arguments[1]
let data = try Data(contentsOf: URL(fileURLWithPath: path))
let bytes = [UInt8](data)
let runs = 3
let (tPull, a) = try best(runs) { try pull(bytes) }
let (tFoundation, b) = best(runs) { foundation(data) }
precondition(a == b, "the parsers disagree: \(a) vs \(b)")
print("sheet: \(path), \(bytes.count / (1 << 20)) MiB, \(a.cells) cells (\(a.sharedCells) shared strings)")
print(String(format: "hand-written pull parser: %.3f s (best of %d)", tPull, runs))
print(String(format: "FoundationXML XMLParser:  %.3f s (best of %d)", tFoundation, runs))
print(String(format: "ratio: FoundationXML takes %.1f× as long", tFoundation / tPull))
