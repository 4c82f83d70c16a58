#include "CShimsOpus.h"

int cb_opus_set_bitrate(OpusEncoder *e, int v) { return opus_encoder_ctl(e, OPUS_SET_BITRATE(v)); }
int cb_opus_set_inband_fec(OpusEncoder *e, int v) { return opus_encoder_ctl(e, OPUS_SET_INBAND_FEC(v)); }
int cb_opus_set_packet_loss_perc(OpusEncoder *e, int v) { return opus_encoder_ctl(e, OPUS_SET_PACKET_LOSS_PERC(v)); }
int cb_opus_set_signal(OpusEncoder *e, int v) { return opus_encoder_ctl(e, OPUS_SET_SIGNAL(v)); }
int cb_opus_set_complexity(OpusEncoder *e, int v) { return opus_encoder_ctl(e, OPUS_SET_COMPLEXITY(v)); }
int cb_opus_set_max_bandwidth(OpusEncoder *e, int v) { return opus_encoder_ctl(e, OPUS_SET_MAX_BANDWIDTH(v)); }
int cb_opus_set_dtx(OpusEncoder *e, int v) { return opus_encoder_ctl(e, OPUS_SET_DTX(v)); }
int cb_opus_get_lookahead(OpusEncoder *e, int *v) { return opus_encoder_ctl(e, OPUS_GET_LOOKAHEAD(v)); }
int cb_opus_decoder_reset(OpusDecoder *d) { return opus_decoder_ctl(d, OPUS_RESET_STATE); }
