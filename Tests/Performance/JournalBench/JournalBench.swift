// placeholder until the target lands
@main struct JournalBenchMain { static func main() {} }
