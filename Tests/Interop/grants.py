"""Call permissions for tests that place business-initiated calls: the box refuses a dial
without one before Meta is asked, and Meta (the fake) refuses a connect without one."""
import time

import meta
from box import wait_for


def grant_permission(box, graph, phone=meta.CALLER, permanent=False):
    """The user accepts a permission request: Meta holds the grant and the box hears the
    reply webhook, as in production. Returns once the box's ledger has it."""
    graph.grant(phone, "permanent" if permanent else "temporary")
    wamid = f"wamid.GRANT{time.monotonic_ns()}"
    assert box.deliver(meta.permission_reply(wamid, permanent=permanent, sender=phone))[0] == 200
    wanted = "permanent" if permanent else "temporary"
    wait_for(lambda: box.query("select state from permissions where contact_key = ?", phone) == [{"state": wanted}],
             what="permission in the ledger")
