import CSIPASDeflate

/// A ZIP archive written in memory (deflated entries, UTF-8 names), as Office Open XML packages
/// are: enough for a workbook, nothing of ZIP's other features.
struct ZipArchive {
    private var bytes: [UInt8] = []
    private var directory: [UInt8] = []
    private var entries = 0

    mutating func add(_ name: String, _ content: [UInt8]) {
        let crc = content.withUnsafeBufferPointer { sipas_crc32($0.baseAddress, $0.count) }
        var compressed = [UInt8](repeating: 0, count: sipas_deflate_bound(content.count))
        let size = content.withUnsafeBufferPointer { input in
            compressed.withUnsafeMutableBufferPointer { output in
                sipas_deflate_raw(input.baseAddress, input.count, output.baseAddress, output.count, 1)
            }
        }
        precondition(size > 0 || content.isEmpty, "deflate failed with room for its worst case")
        compressed.removeSubrange(size...)
        let name = Array(name.utf8)
        let offset = UInt32(bytes.count)
        // Local header: signature, version 2.0, flags (bit 11: UTF-8 name), deflate, a fixed date.
        bytes += le32(0x0403_4b50) + le16(20) + le16(0x0800) + le16(8) + le16(0) + le16(0x5821)
        bytes += le32(crc) + le32(UInt32(compressed.count)) + le32(UInt32(content.count)) + le16(UInt16(name.count)) + le16(0)
        bytes += name
        bytes += compressed
        directory += le32(0x0201_4b50) + le16(20) + le16(20) + le16(0x0800) + le16(8) + le16(0) + le16(0x5821)
        directory += le32(crc) + le32(UInt32(compressed.count)) + le32(UInt32(content.count)) + le16(UInt16(name.count))
        directory += le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset)
        directory += name
        entries += 1
    }

    /// The archive, with its central directory.
    func finished() -> [UInt8] {
        let start = UInt32(bytes.count)
        return bytes + directory + le32(0x0605_4b50) + le16(0) + le16(0) + le16(UInt16(entries)) + le16(UInt16(entries))
            + le32(UInt32(directory.count)) + le32(start) + le16(0)
    }

    private func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8)] }
    private func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xff), UInt8((v >> 8) & 0xff), UInt8((v >> 16) & 0xff), UInt8(v >> 24)] }
}
