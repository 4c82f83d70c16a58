"""The desk handset against aiortc playing the WhatsApp user, over 127.0.0.1.

The box runs the simulated board: what it plays goes to data_dir/speaker.raw, what the
handset microphone hears comes from data_dir/mic.raw, and the hook switch is the FIFO
data_dir/hook. aiortc plays a 440 Hz tone and records what it hears; mic.raw holds 1 kHz.
"""
import json
import os
import time

import pytest

import meta
from box import wait_for
from grants import grant_permission
from phone import LossyRelay, Phone, analyse, rewrite_candidates, tone_ratio
from simulated_board import MIC_HZ, speaker, write_tone

PHONE_HZ = 440


def hook(box, state):
    with open(os.path.join(box.data_dir, "hook"), "w") as f:
        f.write(state + "\n")


@pytest.fixture
def handset_box(make_box):
    def make(**kwargs):
        box = make_box(**kwargs)
        return box
    return make


@pytest.fixture
def phone():
    peer = Phone(PHONE_HZ)
    yield peer
    peer.close()


def start_box_with_mic(make_box, **kwargs):
    box = make_box(**kwargs)
    write_tone(os.path.join(box.data_dir, "mic.raw"), MIC_HZ)
    return box


def states(box, call_key):
    return [r["to_state"] for r in box.query(
        "select to_state from call_journal where call_key = ? order by seq", call_key)]


def answer_inbound(box, graph, phone, call_id, offer):
    box.deliver(meta.connect_offer(call_id, sdp=offer))
    wait_for(lambda: "ringing" in states(box, call_id), what="ringing")
    hook(box, "offhook")
    wait_for(lambda: graph.calls("pre_accept"), what="pre_accept")
    answer = graph.calls("pre_accept")[0].json["session"]["sdp"]
    phone.accept_answer(answer)
    wait_for(lambda: graph.calls("accept"), what="accept")
    wait_for(lambda: "active" in states(box, call_id), what="active")
    return answer


def test_an_inbound_call_answered_by_lifting_the_handset_carries_audio_both_ways(make_box, graph, phone):
    box = start_box_with_mic(make_box)
    call_id = "wacid.HANDSET001"
    answer = answer_inbound(box, graph, phone, call_id, phone.offer())
    accepted_at = time.monotonic()
    assert answer.count("a=fingerprint:") == 1 and "a=fingerprint:sha-256 " in answer
    assert "a=setup:active" in answer and "a=ice-lite" not in answer
    assert graph.calls("accept")[0].json["session"]["sdp"] == answer
    wait_for(lambda: phone.state == "connected", timeout=15, what="DTLS/ICE connected")
    time.sleep(4)
    heard_by_phone = phone.audio(since=accepted_at + 1.5)
    frequency, level = analyse(heard_by_phone)
    assert abs(frequency - MIC_HZ) < 15, (frequency, level)
    assert -30 < level < -6, level
    played = speaker(box)
    played = played[len(played) - 2 * 48_000:]
    frequency, level = analyse(played)
    assert abs(frequency - PHONE_HZ) < 15, (frequency, level)
    assert -30 < level < -6, level
    hook(box, "onhook")
    wait_for(lambda: graph.calls("terminate"), what="terminate after hang-up")
    wait_for(lambda: box.query("select * from calls where call_id = ?", call_id), what="call record")
    record = box.query("select * from calls where call_id = ?", call_id)[0]
    assert record["outcome"] == "completed" and record["answered_by"] == "handset"
    quality = json.loads(record["quality"])
    assert quality["packets_received"] > 100 and quality["jitter_ms"] >= 0 and "rtt_ms" in quality
    assert graph.all_problems() == []


def test_no_media_reaches_the_phone_before_accept_returns(make_box, graph, phone):
    box = start_box_with_mic(make_box)
    graph.delay_seconds = 1.5
    call_id = "wacid.HANDSET002"
    answer_inbound(box, graph, phone, call_id, phone.offer())
    accept_answered = graph.calls("accept")[0]
    wait_for(lambda: phone.received, timeout=15, what="first audio")
    first_audio = phone.received[0][0]
    assert first_audio >= accept_answered.answered_at, "media started before accept returned 200"


def test_an_outbound_call_via_the_handset_rings_back_then_talks(make_box, graph, phone):
    box = start_box_with_mic(make_box)
    grant_permission(box, graph)
    status, body, _ = box.post_json("/dev/calls/dial", {"to": meta.CALLER, "via": "handset"})
    assert status == 200, body
    wait_for(lambda: graph.calls("connect"), what="connect")
    offer = graph.calls("connect")[0].json["session"]["sdp"]
    assert "a=setup:actpass" in offer and offer.count("a=fingerprint:") == 1
    call_id = "wacid.FAKE00000001"
    wait_for(lambda: states(box, call_id), what="call id learned")
    box.deliver(meta.call_status(call_id, "RINGING"))
    time.sleep(1.5)
    ringback = speaker(box)
    frequency, level = analyse(ringback[len(ringback) - 48_000:])
    assert level > -40, "ring-back is heard in the earpiece while the phone rings"
    answer = phone.answer(offer)
    box.deliver(meta.connect_answer(call_id, sdp=answer.replace("a=setup:active", "a=setup:active")))
    box.deliver(meta.call_status(call_id, "ACCEPTED"))
    wait_for(lambda: "active" in states(box, call_id), what="active")
    wait_for(lambda: phone.state == "connected", timeout=15, what="connected (box as DTLS server)")
    time.sleep(4)
    frequency, _ = analyse(phone.audio()[-2 * 48_000:])
    assert abs(frequency - MIC_HZ) < 15
    played = speaker(box)
    frequency, _ = analyse(played[len(played) - 2 * 48_000:])
    assert abs(frequency - PHONE_HZ) < 15
    box.post_json(f"/dev/calls/{call_id}/hangup", {})
    wait_for(lambda: graph.calls("terminate"), what="terminate")


def test_loss_and_reordering_are_concealed(make_box, graph, phone):
    box = start_box_with_mic(make_box)
    relay = LossyRelay(loss=0.08, reorder=0.05)
    try:
        offer = rewrite_candidates(phone.offer(), "127.0.0.1", relay.port_for_box)
        call_id = "wacid.LOSSY00001"
        box.deliver(meta.connect_offer(call_id, sdp=offer))
        wait_for(lambda: "ringing" in states(box, call_id), what="ringing")
        hook(box, "offhook")
        wait_for(lambda: graph.calls("pre_accept"), what="pre_accept")
        answer = graph.calls("pre_accept")[0].json["session"]["sdp"]
        candidate = [l for l in answer.split("\r\n") if l.startswith("a=candidate:")][0].split(" ")
        relay.box_address = (candidate[4], int(candidate[5]))
        phone.accept_answer(rewrite_candidates(answer, "127.0.0.1", relay.port_for_phone))
        wait_for(lambda: phone.state == "connected", timeout=20, what="connected through the relay")
        time.sleep(6)
        played = speaker(box)
        played = played[len(played) - 4 * 48_000:]
        frequency, _ = analyse(played)
        assert abs(frequency - PHONE_HZ) < 15
        intelligibility = tone_ratio(played, PHONE_HZ)
        hook(box, "onhook")
        wait_for(lambda: box.query("select quality from calls where call_id = ?", call_id), what="record")
        quality = json.loads(box.query("select quality from calls where call_id = ?", call_id)[0]["quality"])
        print(f"\nrelay dropped {relay.rtp_dropped}, reordered {relay.rtp_reordered} of "
              f"{relay.rtp_forwarded + relay.rtp_dropped} RTP packets; box concealed "
              f"{quality['concealed_frames']} of {quality['frames_played']} frames "
              f"({quality['concealment_ratio']:.1%}, FEC {quality['fec_frames']}, PLC {quality['plc_frames']}); "
              f"tone energy ratio {intelligibility:.2f}")
        assert relay.rtp_dropped > 10
        assert quality["concealed_frames"] > 0
        assert intelligibility > 0.8
    finally:
        relay.close()


def test_a_call_whose_media_never_connects_ends_with_its_reason(make_box, graph, phone):
    box = start_box_with_mic(make_box)
    call_id = "wacid.NOMEDIA001"
    # The phone's offer points at a port where nobody answers, and the phone never
    # learns the box's answer: ICE cannot succeed.
    offer = rewrite_candidates(phone.offer(), "127.0.0.1", 9)
    box.deliver(meta.connect_offer(call_id, sdp=offer))
    wait_for(lambda: "ringing" in states(box, call_id), what="ringing")
    hook(box, "offhook")
    wait_for(lambda: box.query("select * from calls where call_id = ?", call_id), timeout=60, what="failed call")
    record = box.query("select * from calls where call_id = ?", call_id)[0]
    assert record["outcome"] == "failed"
    assert record["end_reason"] in ("no_media", "media_lost")
    assert graph.calls("terminate"), "the call is ended at Meta"
