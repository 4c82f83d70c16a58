// placeholder until the target lands
@main struct CallCoreBenchMain { static func main() {} }
