/// `generateName`: the base plus five random characters from the upstream alphabet
/// (no vowels, no confusable digits), the base cut so the result stays within 63 characters.
enum NameGenerator {
    static let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    static func generate(base: String) -> String {
        let maxBase = 63 - 5
        let b = base.count > maxBase ? String(base.prefix(maxBase)) : base
        return b + String((0..<5).map { _ in alphabet.randomElement()! })
    }
}
