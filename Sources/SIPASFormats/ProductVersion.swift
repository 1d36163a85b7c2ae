/// The product's version, written into every file that records how it was made (draw records).
public enum ProductVersion {
    public static let current = "0.15.0"
    public static var software: String { "sipas \(current)" }
}
