import CeledgerLedger
import CeledgerSheets
import CeledgerTestSupport
import PropertyBased
import Testing

@testable import CeledgerSQLite

@Test func csvReaderNeverCrashesOnRandomBytes() async {
    await propertyCheck(input: Gen.uint8().array(of: 0...300)) { bytes in
        let reader = CSVReader(bytes: bytes)
        var rows = 0
        do throws(CSVError) {
            while try reader.next() != nil { rows += 1 }
        } catch {
            #expect(error.line >= 1)
        }
        #expect(rows <= bytes.count + 1)
    }
}
