import CeledgerDomain
import CeledgerSheets

extension Message {
    /// A file's message in the words the formats gave it.
    public init(_ m: SheetMessage) { self.init(zh: m.zh, en: m.en) }
}

extension SheetError {
    /// The error's message as the domain's `Message`, word for word.
    public var text: Message { Message(message) }
}
