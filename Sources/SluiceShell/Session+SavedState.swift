import SluiceEngine
import SluiceSQL
import SluiceStore

/// What a saved session's header says about the engine: its seed and the session variables
/// that differ from their defaults, as they are after the last cell (SCHEMA.md, `settings`).
extension Session {
    /// The header for the cells run so far, written with every cell the notebook saves.
    var savedState: SessionState {
        SessionState(seed: engine.settings.seed, settings: Session.settingsJSON(engine.settings))
    }

    /// The variables that differ from their defaults as one compact JSON object, keys in
    /// alphabetical order, numbers and booleans as JSON numbers and booleans, e.g.
    /// `{"flow_control":"permits","seed":7}`; `{}` when every variable has its default.
    static func settingsJSON(_ settings: EngineSettings) -> String {
        let changed = SessionVariables.all
            .filter { $0.value(in: settings) != $0.defaultValue }
            .sorted { $0.name < $1.name }
        let members = changed.map { Renderer.jsonString($0.name) + ":" + Renderer.jsonValue(.setting($0.value(in: settings))) }
        return "{" + members.joined(separator: ",") + "}"
    }
}
