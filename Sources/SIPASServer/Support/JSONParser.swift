/// A strict RFC 8259 parser into `JSONValue`. Every write request body goes through it: the
/// generic decoder path (one thrown error per type tried, per value) cost more than storing the
/// response the body carries.
struct JSONParser {
    struct Malformed: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        let value = try parser.value()
        parser.skipSpace()
        guard parser.i == bytes.count else { throw Malformed() }
        return value
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private var current: UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func skipSpace() {
        while let c = current, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 }
    }

    private mutating func expect(_ literal: String) throws {
        for byte in literal.utf8 {
            guard current == byte else { throw Malformed() }
            i += 1
        }
    }

    private mutating func value() throws -> JSONValue {
        skipSpace()
        guard let c = current else { throw Malformed() }
        switch c {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        default: return .number(try number())
        }
    }

    private mutating func nested<T>(_ body: (inout JSONParser) throws -> T) throws -> T {
        depth += 1
        guard depth <= 64 else { throw Malformed() }
        defer { depth -= 1 }
        return try body(&self)
    }

    private mutating func object() throws -> JSONValue {
        try nested { p in
            p.i += 1
            var members: [String: JSONValue] = [:]
            p.skipSpace()
            if p.current == UInt8(ascii: "}") { p.i += 1; return .object(members) }
            while true {
                p.skipSpace()
                guard p.current == UInt8(ascii: "\"") else { throw Malformed() }
                let key = try p.string()
                p.skipSpace()
                guard p.current == UInt8(ascii: ":") else { throw Malformed() }
                p.i += 1
                // A repeated name is ambiguous (which one did the sender mean?): refused.
                guard members.updateValue(try p.value(), forKey: key) == nil else { throw Malformed() }
                p.skipSpace()
                switch p.current {
                case UInt8(ascii: ","): p.i += 1
                case UInt8(ascii: "}"): p.i += 1; return .object(members)
                default: throw Malformed()
                }
            }
        }
    }

    private mutating func array() throws -> JSONValue {
        try nested { p in
            p.i += 1
            var elements: [JSONValue] = []
            p.skipSpace()
            if p.current == UInt8(ascii: "]") { p.i += 1; return .array(elements) }
            while true {
                elements.append(try p.value())
                p.skipSpace()
                switch p.current {
                case UInt8(ascii: ","): p.i += 1
                case UInt8(ascii: "]"): p.i += 1; return .array(elements)
                default: throw Malformed()
                }
            }
        }
    }

    private mutating func number() throws -> Double {
        let start = i
        if current == UInt8(ascii: "-") { i += 1 }
        guard let first = current, first >= 0x30 && first <= 0x39 else { throw Malformed() }
        i += 1
        if first == 0x30, let c = current, c >= 0x30 && c <= 0x39 { throw Malformed() }  // no leading zeros
        skipDigits()
        if current == UInt8(ascii: ".") {
            i += 1
            guard try requireDigit() else { throw Malformed() }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            i += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { i += 1 }
            guard try requireDigit() else { throw Malformed() }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw Malformed() }
        return value
    }

    private mutating func skipDigits() {
        while let c = current, c >= 0x30 && c <= 0x39 { i += 1 }
    }

    private mutating func requireDigit() throws -> Bool {
        guard let c = current, c >= 0x30 && c <= 0x39 else { return false }
        skipDigits()
        return true
    }

    private mutating func string() throws -> String {
        i += 1
        let start = i
        // The usual case, no escapes: one copy straight from the bytes.
        while let c = current, c != UInt8(ascii: "\""), c != UInt8(ascii: "\\") {
            guard c >= 0x20 else { throw Malformed() }
            i += 1
        }
        guard let stop = current else { throw Malformed() }
        var out = Array(bytes[start..<i])
        if stop == UInt8(ascii: "\"") {
            i += 1
            return try validUTF8(out)
        }
        while true {
            guard let c = current else { throw Malformed() }
            i += 1
            switch c {
            case UInt8(ascii: "\""): return try validUTF8(out)
            case UInt8(ascii: "\\"): try escape(into: &out)
            case 0..<0x20: throw Malformed()
            default: out.append(c)
            }
        }
    }

    private func validUTF8(_ bytes: [UInt8]) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw Malformed() }
        return text
    }

    private mutating func escape(into out: inout [UInt8]) throws {
        guard let c = current else { throw Malformed() }
        i += 1
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(c)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if scalar >= 0xD800 && scalar < 0xDC00 {
                // A high surrogate must be followed by an escaped low one.
                try expect("\\u")
                let low = try hex4()
                guard low >= 0xDC00 && low < 0xE000 else { throw Malformed() }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00 && scalar < 0xE000 {
                throw Malformed()
            }
            guard let u = Unicode.Scalar(scalar) else { throw Malformed() }
            out.append(contentsOf: Array(String(Character(u)).utf8))
        default: throw Malformed()
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count else { throw Malformed() }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            i += 1
            switch c {
            case 0x30...0x39: v = v << 4 | UInt32(c - 0x30)
            case 0x41...0x46: v = v << 4 | UInt32(c - 0x41 + 10)
            case 0x61...0x66: v = v << 4 | UInt32(c - 0x61 + 10)
            default: throw Malformed()
            }
        }
        return v
    }
}
