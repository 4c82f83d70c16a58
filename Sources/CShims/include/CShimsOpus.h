// Opus: what Swift cannot call directly (variadic functions, function-like macros).
#ifndef CALLBOX_CSHIMS_OPUS_H
#define CALLBOX_CSHIMS_OPUS_H

#include <opus/opus.h>

#endif
