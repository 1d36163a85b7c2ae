/// One page of a long table (a national campaign's 3,321 units): which rows it shows and the
/// links to the pages either side; nothing to page when everything fits on one.
struct Pagination: Sendable {
    let current: Int
    let pages: Int
    /// Rows of the page shown.
    let range: Range<Int>

    init(count: Int, page: Int, size: Int) {
        pages = max(1, (count + size - 1) / size)
        current = min(max(1, page), pages)
        range = ((current - 1) * size)..<min(current * size, count)
    }

    var isPaged: Bool { pages > 1 }

    /// The links to the previous and next pages: `base` followed by the page number.
    func links(_ base: String) -> (previous: String?, next: String?) {
        (current > 1 ? base + String(current - 1) : nil, current < pages ? base + String(current + 1) : nil)
    }
}
