/// `callbox check-config FILE`: every problem in the config and the files it names, one
/// `file:line: message` each. The CLI prints them and exits 1, or exits 0 when the list is empty.
public enum ConfigCheck {
    public static func problems(path: String) -> [ConfigProblem] {
        switch ConfigLoader.load(path: path) {
        case .success: []
        case .failure(let problems): problems.all
        }
    }
}
