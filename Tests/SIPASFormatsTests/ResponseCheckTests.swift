import Foundation
import Testing
import SIPASCore
@testable import SIPASFormats

/// One form's answers are held to the rules of a row of the responses CSV, with the same messages.
@Suite struct ResponseCheckTests {
    let check = ResponseCheck(schema: ResponsesSchema(Fixtures.small))

    @Test func storesAnswersAsTheFileWouldStoreThem() {
        let out = check.check(["F": " 01 ", "A1": "4", "A2": "5", "M": "3; 1;3", "N": "12.50", "D": "2026-11-22", "T": " tự do "])
        #expect(out.problems.isEmpty)
        #expect(out.answers == ["1", "4", "5", "3;1", "12.5", "2026-11-22", " tự do "])
        #expect(out.irrelevant.isEmpty)
    }

    @Test func anAnswerToASkippedItemIsReportedNotRefused() {
        let out = check.check(["F": "2", "A2": "4"])
        #expect(out.problems.isEmpty)
        #expect(out.irrelevant == ["A2"])
    }

    @Test(arguments: [
        ("A1", "7", "mã 7 không thuộc"), ("A1", "bốn", "không phải mã số nguyên"), ("M", "1;;2", "lựa chọn trống"),
        ("M", "1;x", "\"x\" không phải mã số nguyên"), ("N", "1,5", "không phải số thập phân"), ("D", "22/11/2026", "ISO 8601"),
        ("T", "a\u{0}b", "ký tự điều khiển ở vị trí 2"), ("Z9", "1", "không có câu hỏi \"Z9\""),
    ])
    func refusesWhatTheFileRefusesWithTheSameWords(item: String, value: String, fragment: String) {
        let out = check.check([item: value])
        #expect(out.problems.count == 1)
        #expect(out.problems.first?.item == item)
        #expect(out.problems.first?.message.contains(fragment) == true, "\(out.problems)")
        guard item != "Z9" else { return }
        let csv = "response_id,\(item)\nr1,\"\(value)\"\n"
        var messages: [String] = []
        let r = reader(csv)
        r.deliversRowsAfterProblems = true
        if r.readHeader() { r.readRows { _ in } }
        messages = r.problems.map(\.message)
        if item != "T" { #expect(messages == out.problems.map(\.message)) }
    }
}
