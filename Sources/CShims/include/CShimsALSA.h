// ALSA: what Swift cannot call directly (variadic functions, function-like macros).
#ifndef CALLBOX_CSHIMS_ALSA_H
#define CALLBOX_CSHIMS_ALSA_H

#include <alsa/asoundlib.h>

#endif
