// placeholder until the target lands
@main struct MediaBenchMain { static func main() {} }
