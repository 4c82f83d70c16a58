import Callbox
import Glibc

exit(CommandLineTool.main(CommandLine.arguments))
