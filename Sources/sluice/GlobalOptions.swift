/// `--db PATH` before a subcommand's name, as psql, sqlite3 and git users write global options:
/// `sluice --db x.sqlite sessions` means `sluice sessions --db x.sqlite`.
///
/// ArgumentParser reads a subcommand's options only after its name, and without one it runs
/// the default command (`shell`), whose arguments are script files: `sluice --db x.sqlite
/// sessions` used to look for a script named `sessions`. So the arguments are reordered before
/// they are parsed: `--db PATH` (or `--db=PATH`) options at the very start, followed by a
/// subcommand's name, move just after that name. Nothing else moves, and a `--db` option's
/// value is never taken for a subcommand (`--db sessions` names a store file). As without
/// `--db`, a word in the subcommand position is the subcommand: a script file named
/// `sessions` runs as `sluice ./sessions` or `sluice -f sessions`.
enum GlobalOptions {
    /// The arguments (without the program's name) with leading `--db` options moved after the
    /// subcommand name that follows them; unchanged when no subcommand name follows them.
    static func reordered(_ arguments: [String], subcommands: [String]) -> [String] {
        var leading: [String] = []
        var rest = arguments[...]
        while let first = rest.first {
            if first == "--db", rest.count >= 2 {
                leading += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("--db=") {
                leading.append(first)
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        guard !leading.isEmpty, let name = rest.first, subcommands.contains(name) else { return arguments }
        return [name] + leading + rest.dropFirst()
    }
}
