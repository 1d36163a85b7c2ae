import Mustache

// Rows of the large tables (3,321 units in a national campaign) give their fields by name:
// without this the template engine reflects over every row for every field it looks up.

extension RankingPage.Line: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "rank": return rank
        case "rankRange": return rankRange
        case "code": return code
        case "name": return self.name
        case "href": return href
        case "estimate": return estimate
        case "interval": return interval
        case "n": return n
        case "lowN": return lowN
        case "standing": return standing
        case "target": return target
        case "targetOutcome": return targetOutcome
        case "hasTargets": return hasTargets
        default: return nil
        }
    }
}

extension DashboardPage.UnitOption: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "code": return code
        case "name": return self.name
        case "selected": return selected
        default: return nil
        }
    }
}

extension ReceivedPage.Count: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "count": return count
        case "share": return share
        default: return nil
        }
    }
}

extension ChangePage.Line: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "depthClass": return depthClass
        case "name": return self.name
        case "earlier": return earlier
        case "later": return later
        case "delta": return delta
        case "interval": return interval
        case "direction": return direction
        default: return nil
        }
    }
}

extension CampaignPage.UnitLine: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "code": return code
        case "name": return self.name
        case "target": return target
        default: return nil
        }
    }
}
