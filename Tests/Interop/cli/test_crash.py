"""kill -9 at the worst moments: nothing lost, nothing done twice."""
import os
import time

import meta
from box import wait_for


def states(box, call_key):
    """The call's state changes; the `routed` row records a decision, not a change."""
    return [r["to_state"] for r in box.query(
        "select to_state from call_journal where call_key = ? and event != 'routed' order by seq", call_key)]


def test_a_delivery_answered_200_survives_kill_9_and_is_processed_once(make_box, graph):
    box = make_box(ring_timeout="5s")
    call_id = "wacid.CRASH00001"
    assert box.deliver(meta.connect_offer(call_id))[0] == 200
    box.kill9()
    rows = box.query("select id, state from inbox")
    assert len(rows) == 1, "the 200 was only sent after the commit"
    box.start()
    wait_for(lambda: box.query("select state from inbox")[0]["state"] == "processed", what="processed after restart")
    wait_for(lambda: box.query("select * from calls where call_id = ?", call_id), timeout=15, what="missed")
    assert states(box, call_id).count("ringing") == 1
    assert len(graph.calls("reject")) == 1
    assert len(box.query("select * from calls where call_id = ?", call_id)) == 1


def test_a_ringing_call_keeps_ringing_across_kill_9_and_times_out_once(make_box, graph):
    box = make_box(ring_timeout="5s")
    call_id = "wacid.CRASH00002"
    box.deliver(meta.connect_offer(call_id))
    wait_for(lambda: "ringing" in states(box, call_id), what="ringing")
    box.kill9()
    box.start()
    # Still ringing after the restart, on the original deadline, then missed exactly once.
    assert box.query("select outcome from calls where call_id = ?", call_id) == []
    wait_for(lambda: box.query("select * from calls where call_id = ?", call_id), timeout=15, what="missed")
    assert box.query("select outcome from calls where call_id = ?", call_id)[0]["outcome"] == "missed"
    # The reject goes to Meta just after the missed call is committed.
    wait_for(lambda: graph.calls("reject"), what="reject at Meta")
    time.sleep(0.5)
    assert len(graph.calls("reject")) == 1
    assert states(box, call_id).count("missed") == 1


def test_an_active_call_whose_media_died_is_ended_at_meta_once(make_box, graph):
    box = make_box()
    call_id = "wacid.CRASH00003"
    box.deliver(meta.connect_offer(call_id))
    wait_for(lambda: "ringing" in states(box, call_id))
    box.post_json(f"/dev/calls/{call_id}/answer", {"sdp": meta.BOX_ANSWER, "via": "handset"})
    wait_for(lambda: "active" in states(box, call_id))
    box.kill9()
    box.start()
    wait_for(lambda: graph.calls("terminate"), what="terminate after restart")
    wait_for(lambda: box.query("select * from calls where call_id = ?", call_id), what="call record")
    box.stop()
    box.start()
    wait_for(lambda: box.get("/healthz")[0] == 200)
    assert len(graph.calls("terminate")) == 1
    assert len(box.query("select * from calls where call_id = ?", call_id)) == 1


def test_sigterm_closes_the_journal_cleanly(box):
    box.deliver(meta.text_message("wamid.BEFORESTOP", "hi"))
    box.stop()
    assert box.process.returncode == 0
    assert box.query("select state from inbox")[0]["state"] == "processed"


def test_sigterm_leaves_no_write_ahead_log_behind(box):
    box.deliver(meta.connect_offer("wacid.STOPPING01"))
    box.stop()
    wal = os.path.join(box.data_dir, "callbox.db-wal")
    assert not os.path.exists(wal) or os.path.getsize(wal) == 0, "the journal was checkpointed and closed"


def test_sighup_never_stops_the_box(box):
    """Under systemd's Restart=on-failure a box that exited 0 on SIGHUP would stay down."""
    import signal
    import time
    for _ in range(3):
        box.process.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    assert box.process.poll() is None, "the box exited on SIGHUP"
    assert box.get("/healthz")[0] == 200
    assert box.deliver(meta.text_message("wamid.AFTERSIGHUP", "hi"))[0] == 200
    with open(box.log_path) as f:
        assert "SIGHUP received: the box keeps running" in f.read()
    box.stop()
    assert box.process.returncode == 0
