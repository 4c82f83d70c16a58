"""Slow and greedy clients cannot lock Meta's webhooks out (issue 10, item 1).

Before the box had a request deadline and per-address shares, 320 connections from five
addresses, each trickling a header byte a second, held every slot: no signed webhook from a
sixth address was answered at all."""
import socket
import time

import slowloris
from box import wait_for


def refused(box, reason):
    """The box's count, read once the attacker's closed sockets have given their slots back."""
    metrics = {}

    def scraped():
        try:
            metrics.update(box.metrics())
            return True
        except OSError:
            return False
    wait_for(scraped, what="/metrics answers once the attack is over")
    return metrics.get(f'callbox_http_connections_refused_total{{reason="{reason}"}}', 0)


def p99_under_attack(box, connections, addresses, webhooks, also=None):
    """Signed webhooks from 127.0.0.9 while `connections` slow sockets from `addresses` loopback
    addresses press on the box; asserts every one was answered 200 and returns the p99 in ms.
    `also` runs under the same attack once the webhooks are through."""
    attacker = slowloris.Slowloris(box.port, connections=connections, addresses=addresses).start()
    try:
        time.sleep(1)
        latencies, failures = slowloris.signed_webhook_latencies(box.port, webhooks)
        if also:
            also()
    finally:
        attacker.stop()
    assert not failures, failures[:5]
    p99 = slowloris.percentile(latencies, 0.99)
    print(f"\n{connections} slow connections from {addresses} addresses: {len(latencies)} signed webhooks answered 200; "
          f"p50 {slowloris.percentile(latencies, 0.5):.1f} ms, p99 {p99:.1f} ms, max {max(latencies):.1f} ms; "
          f"attacker opened {attacker.opened}, the box cut or refused {attacker.closed_by_box}")
    return p99


def test_a_request_head_trickled_a_byte_a_second_is_cut_at_its_deadline(box):
    # Each byte restarts libmicrohttpd's 30 s idle timeout; only the head deadline ends this.
    cut = slowloris.seconds_until_cut(box.port, slowloris.HEAD_START)
    assert cut is not None, "a trickled head held its connection for 20 s"
    assert 9 <= cut <= 13, cut
    assert refused(box, "slow") >= 1


def test_a_kept_alive_connection_owes_its_next_head_within_the_deadline(box):
    client = socket.create_connection(("127.0.0.1", box.port))
    client.sendall(b"GET /healthz HTTP/1.1\r\nHost: box\r\n\r\n")
    client.settimeout(5)
    assert client.recv(4096).startswith(b"HTTP/1.1 200")
    client.settimeout(15)
    started = time.monotonic()
    assert client.recv(4096) == b"", "the box sent more than one answer"
    assert 9 <= time.monotonic() - started <= 13


def test_two_hundred_slow_connections_from_four_addresses_do_not_delay_signed_webhooks(box):
    # 15 s of webhooks: longer than the head deadline, so the attacker's sockets are cut and reopened.
    assert p99_under_attack(box, 200, 4, webhooks=150) < 50
    assert refused(box, "slow") > 0
    assert wait_for(lambda: box.query("SELECT count(*) AS n FROM inbox")[0]["n"] == 150, what="all 150 committed")


def test_three_hundred_twenty_from_five_addresses_no_longer_hold_every_slot(box):
    assert p99_under_attack(box, 320, 5, webhooks=100) < 50
    # A busy box gives each address a small share, so these five cannot take the rest.
    assert refused(box, "per_address") > 0


def test_slots_kept_for_metas_addresses_let_webhooks_through_a_crowd_of_addresses(make_box):
    box = make_box(extra={"http": {"webhook_sources": "meta, 127.0.0.9"}})
    stranger = []
    # Five connections each from sixty addresses: every address keeps within its share, so only
    # the slots kept back for webhook sources are left for Meta.
    assert p99_under_attack(box, 300, 60, webhooks=100,
                            also=lambda: stranger.extend(slowloris.signed_webhook_latencies(box.port, 1, source="127.0.0.250"))) < 50
    # Proof that the reserve is what let 127.0.0.9 in: an address outside it was turned away.
    assert stranger[0] == [] and len(stranger[1]) == 1
    assert refused(box, "reserved") > 0
