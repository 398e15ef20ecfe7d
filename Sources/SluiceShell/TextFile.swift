import Foundation

/// Writing an export: atomically (a failed write leaves the old file as it was), and on
/// failure a reason a user can act on, not Foundation's ("The operation could not be
/// completed", "NSCocoaErrorDomain error 512").
public enum TextFile {
    /// Writes `text` to `path`; nil when it worked, else why it did not.
    public static func write(_ text: String, to path: String) -> String? {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return nil
        } catch {
            return whyNotWritable(path)
        }
    }

    static func whyNotWritable(_ path: String) -> String {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return "it is a directory" }
        let parent = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        if !files.fileExists(atPath: parent, isDirectory: &isDirectory) { return "no such directory \(parent)" }
        if !isDirectory.boolValue { return "\(parent) is not a directory" }
        if !files.isWritableFile(atPath: parent) { return "permission denied: \(parent) is not writable" }
        if files.fileExists(atPath: path) && !files.isWritableFile(atPath: path) { return "permission denied" }
        return "the file system refused it (full, or read-only?)"
    }
}
