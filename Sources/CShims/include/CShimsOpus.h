// Opus: what Swift cannot call directly (variadic functions, function-like macros).
#ifndef CALLBOX_CSHIMS_OPUS_H
#define CALLBOX_CSHIMS_OPUS_H

#include <opus/opus.h>

// opus_encoder_ctl and opus_decoder_ctl are variadic and their requests are macros.
// Each returns the libopus error code (OPUS_OK on success).
int cb_opus_set_bitrate(OpusEncoder *encoder, int bits_per_second);
int cb_opus_set_inband_fec(OpusEncoder *encoder, int enabled);
int cb_opus_set_packet_loss_perc(OpusEncoder *encoder, int percent);
int cb_opus_set_signal(OpusEncoder *encoder, int signal);
int cb_opus_set_complexity(OpusEncoder *encoder, int complexity);
int cb_opus_set_dtx(OpusEncoder *encoder, int enabled);
int cb_opus_set_max_bandwidth(OpusEncoder *encoder, int bandwidth);
int cb_opus_get_lookahead(OpusEncoder *encoder, int *samples);
int cb_opus_decoder_reset(OpusDecoder *decoder);

#endif
