"""The demo's WhatsApp user: the sandbox's own WebRTC peer (ICE-lite, controlled, as Meta
is), heard on the simulated handset and hearing its microphone."""
import json
import os
import subprocess
import time

import numpy

from box import BINARY, Box, wait_for
from phone import analyse
from simulated_board import MIC_HZ, speaker, write_tone

SANDBOX_TONE_HZ = 440


def test_a_sandbox_call_answered_on_the_handset_is_heard_both_ways(tmp_path):
    box = Box(tmp_path / "sandbox", "sandbox")
    box.start()
    try:
        write_tone(os.path.join(box.data_dir, "mic.raw"), MIC_HZ)
        result = subprocess.run([BINARY, "simulate", "--config", box.config_path, "incoming-call"],
                                capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr
        assert "/dev/sandbox/incoming-call" in result.stdout
        call_id = result.stdout.split('"call":"')[1].split('"')[0]
        wait_for(lambda: box.query("select to_state from call_journal where call_key = ? and to_state = 'ringing'", call_id),
                 what="ringing")
        with open(os.path.join(box.data_dir, "hook"), "w") as f:
            f.write("offhook\n")
        wait_for(lambda: box.query("select to_state from call_journal where call_key = ? and to_state = 'active'", call_id),
                 what="active")
        time.sleep(4)
        played = speaker(box)
        frequency, level = analyse(played[len(played) - 2 * 48_000:])
        assert abs(frequency - SANDBOX_TONE_HZ) < 15, (frequency, level)
        heard = numpy.fromfile(os.path.join(box.data_dir, "sandbox-heard.raw"), dtype="<i2")
        frequency, level = analyse(heard[len(heard) - 2 * 48_000:])
        assert abs(frequency - MIC_HZ) < 15, (frequency, level)
        with open(os.path.join(box.data_dir, "hook"), "w") as f:
            f.write("onhook\n")
        wait_for(lambda: box.query("select outcome from calls where call_id = ?", call_id), what="record")
        assert box.query("select outcome from calls where call_id = ?", call_id)[0]["outcome"] == "completed"
    finally:
        box.stop()


def test_keypad_digits_reach_the_user_and_mute_silences_the_handset(tmp_path):
    box = Box(tmp_path / "sandbox", "sandbox")
    box.start()
    try:
        write_tone(os.path.join(box.data_dir, "mic.raw"), MIC_HZ)
        status, body, _ = box.post_json("/dev/sandbox/incoming-call", {"from": "34600111222"})
        assert status == 200, body
        call_id = json.loads(body)["call"]
        wait_for(lambda: box.query("select 1 from call_journal where call_key = ? and to_state = 'ringing'", call_id))
        with open(os.path.join(box.data_dir, "hook"), "w") as f:
            f.write("offhook\n")
        wait_for(lambda: box.query("select 1 from call_journal where call_key = ? and to_state = 'active'", call_id))
        time.sleep(1)
        status, body, _ = box.post_json(f"/dev/calls/{call_id}/dtmf", {"digits": "12#"})
        assert status == 200, body
        assert box.post_json(f"/dev/calls/{call_id}/dtmf", {"digits": "1x"})[0] == 409
        wait_for(lambda: box.log().count("heard a keypad digit") == 3, what="three digits at the user's phone")
        digits = [line.split("digit=")[1].strip() for line in box.log().splitlines() if "heard a keypad digit" in line]
        assert digits == ["1", "2", "#"]
        assert box.post_json(f"/dev/calls/{call_id}/mute", {"muted": True})[0] == 200
        time.sleep(2)
        heard = numpy.fromfile(os.path.join(box.data_dir, "sandbox-heard.raw"), dtype="<i2")
        _, level = analyse(heard[len(heard) - 48_000:])
        assert level < -60, f"muted handset still heard at {level:.1f} dBFS"
    finally:
        box.stop()
