import Callbox
