import Testing
@testable import SIPASCore

@Suite struct ValidatorTests {
    func issues(_ change: (inout Questionnaire) -> Void) -> [ValidationIssue] {
        var q = Harness.questionnaire()
        change(&q)
        return QuestionnaireValidator.issues(in: q)
    }

    func expectIssue(at path: String, containing fragment: String, _ change: (inout Questionnaire) -> Void,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        let found = issues(change)
        #expect(found.contains { $0.path == path && $0.message.contains(fragment) },
                "expected \(path): …\(fragment)… in \(found)", sourceLocation: sourceLocation)
    }

    @Test func theTestQuestionnaireIsValid() {
        #expect(issues { _ in }.isEmpty)
    }

    @Test func aConditionReadsOnlyEarlierAnswers() {
        expectIssue(at: "sections[0].items[3].relevant", containing: "own item") { $0.sections[0].items[3].relevant = "B1 == 1" }
        expectIssue(at: "sections[0].items[0].relevant", containing: "later item") { $0.sections[0].items[0].relevant = "A1 == 4" }
    }

    @Test func unknownScale() {
        expectIssue(at: "sections[0].items[1].scale", containing: "unknown scale") { $0.sections[0].items[1].scale = "nope" }
    }

    @Test func duplicateCodesAcrossItemsAndNodes() {
        expectIssue(at: "sections[0].items[2]", containing: "duplicate code") { $0.sections[0].items[2].code = "A1" }
        expectIssue(at: "indices[0].children[1]", containing: "duplicate code") {
            $0.indices[0].children[1] = .node(IndexNode(code: "A1", title: "x", children: [.reference("B1")]))
        }
    }

    @Test func treeLeafMustBeALikertItem() {
        expectIssue(at: "indices[0].children[1].children[0]", containing: "likert") {
            $0.indices[0].children[1] = .node(IndexNode(code: "B", title: "B", children: [.reference("F")]))
        }
    }

    @Test func unknownItemInATree() {
        expectIssue(at: "indices[0].children[0].children[1]", containing: "unknown item \"B9\"") {
            $0.indices[0].children[0] = .node(IndexNode(code: "A", title: "A", children: [.reference("A1"), .reference("B9")]))
        }
    }

    @Test func cycleThroughReferences() {
        expectIssue(at: "indices[1].children[0]", containing: "cycle") {
            $0.indices[0].children.append(.reference("LOOP"))
            $0.indices.append(IndexNode(code: "LOOP", title: "loop", children: [.reference("ROOT")]))
        }
    }

    @Test func relevantMustParseAndNameComparableItems() {
        expectIssue(at: "sections[0].items[3].relevant", containing: "=") { $0.sections[0].items[3].relevant = "F = 1" }
        expectIssue(at: "sections[0].items[3].relevant", containing: "unknown item \"G\"") { $0.sections[0].items[3].relevant = "G == 1" }
        expectIssue(at: "sections[0].items[3].relevant", containing: "not comparable") {
            $0.sections[0].items.append(Item(code: "T", type: .text, text: "t"))
            $0.sections[0].items[3].relevant = "T == 1"
        }
    }

    @Test func weightedNodesNeedParallelPositiveWeights() {
        expectIssue(at: "indices[0].weights", containing: "parallel") { $0.indices[0].rule = .weighted; $0.indices[0].weights = [1] }
        expectIssue(at: "indices[0].weights[1]", containing: "> 0") { $0.indices[0].rule = .weighted; $0.indices[0].weights = [1, 0] }
        expectIssue(at: "indices[0].weights", containing: "needs weights") { $0.indices[0].rule = .weighted }
        expectIssue(at: "indices[0].weights", containing: "rule: weighted") { $0.indices[0].weights = [1, 2] }
    }

    @Test func codesAndIdsFollowTheirPatterns() {
        expectIssue(at: "id", containing: "[a-z0-9-]+") { $0.id = "SIPAS 2017" }
        expectIssue(at: "sections[0].items[1].code", containing: "[A-Z0-9_.]+") { $0.sections[0].items[1].code = "a1" }
        expectIssue(at: "sections[0].items[1].code", containing: "at least one letter") { $0.sections[0].items[1].code = "12" }
    }

    @Test func scaleRules() {
        expectIssue(at: "scales.sat5.satisfied[0]", containing: "not one of the scale's codes") { $0.scales[0].satisfied = [7] }
        expectIssue(at: "scales.sat5.not_applicable[0]", containing: "also a rated code") { $0.scales[0].notApplicable = [3] }
    }

    @Test func itemShapes() {
        expectIssue(at: "sections[0].items[0].options", containing: "needs options") { $0.sections[0].items[0].options = nil }
        expectIssue(at: "sections[0].items[1].scale", containing: "needs a scale") { $0.sections[0].items[1].scale = nil }
    }
}
