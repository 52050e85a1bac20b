"""Service Bus conformance scenarios with the official Python SDK (azure-servicebus), unmodified.

Usage: python conformance.py "<connection string>"   (entities: conformance/sdks/Config.json)
Prints "ok <scenario>" per scenario; exits 1 at the first failure.
"""
import datetime
import sys
import time
import uuid

from azure.servicebus import (NEXT_AVAILABLE_SESSION, ServiceBusClient, ServiceBusMessage,
                              ServiceBusReceiveMode, ServiceBusSubQueue)
from azure.servicebus.exceptions import ServiceBusAuthenticationError, ServiceBusError, MessageLockLostError
from azure.servicebus.management import CorrelationRuleFilter, ServiceBusAdministrationClient, SqlRuleFilter
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError

CS = sys.argv[1]
WAIT = 5


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def receive(client, queue, n=1, **kw):
    with client.get_queue_receiver(queue, **kw) as r:
        return r, r.receive_messages(max_message_count=n, max_wait_time=WAIT)


def send_receive_complete(client):
    with client.get_queue_sender("basic") as s:
        s.send_messages(ServiceBusMessage("hello", message_id="m-1", subject="greeting"))
    with client.get_queue_receiver("basic") as r:
        [m] = r.receive_messages(max_message_count=1, max_wait_time=WAIT)
        check(str(m) == "hello" and m.message_id == "m-1" and m.subject == "greeting", f"got {m}")
        check(m.delivery_count == 0 and m.sequence_number >= 1 and m.lock_token, "stamps")
        r.complete_message(m)
        check(r.receive_messages(max_message_count=1, max_wait_time=1) == [], "completed message came back")


def application_properties(client):
    props = {"int": 42, "neg": -7, "float": 1.5, "bool": True, "str": "s", "bytes": b"\x01\x02",
             "time": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc), "uuid": uuid.UUID(int=7)}
    with client.get_queue_sender("basic") as s:
        s.send_messages(ServiceBusMessage("props", application_properties=props))
    with client.get_queue_receiver("basic") as r:
        [m] = r.receive_messages(max_message_count=1, max_wait_time=WAIT)
        got = {(k.decode() if isinstance(k, bytes) else k): v for k, v in m.application_properties.items()}
        for k, v in props.items():
            g = got.get(k)
            if isinstance(g, bytes) and isinstance(v, str):
                g = g.decode()
            if isinstance(v, datetime.datetime):
                # pyamqp hands an application-property timestamp back as epoch milliseconds.
                ms = g if isinstance(g, int) else int(g.timestamp() * 1000)
                check(ms == int(v.timestamp() * 1000), f"{k}: {g!r} != {v!r}")
            else:
                check(g == v and type(g) is type(v), f"{k}: {g!r} ({type(g).__name__}) != {v!r} ({type(v).__name__})")
        r.complete_message(m)


def batch_of_100(client):
    with client.get_queue_sender("basic") as s:
        batch = s.create_message_batch()
        for i in range(100):
            batch.add_message(ServiceBusMessage(f"b{i}"))
        s.send_messages(batch)
    got = []
    with client.get_queue_receiver("basic") as r:
        while len(got) < 100:
            msgs = r.receive_messages(max_message_count=100, max_wait_time=WAIT)
            check(msgs, f"only {len(got)} of 100")
            for m in msgs:
                got.append(str(m))
                r.complete_message(m)
    check(got == [f"b{i}" for i in range(100)], "batch order")


def abandon_and_max_delivery(client):
    with client.get_queue_sender("abandon") as s:
        s.send_messages(ServiceBusMessage("a"))
    with client.get_queue_receiver("abandon") as r:
        [m] = r.receive_messages(max_message_count=1, max_wait_time=WAIT)
        r.abandon_message(m)
        [m] = r.receive_messages(max_message_count=1, max_wait_time=WAIT)
        check(m.delivery_count == 1, f"delivery count {m.delivery_count}")
        r.abandon_message(m)  # max delivery count 2: dead-lettered
    with client.get_queue_receiver("abandon", sub_queue=ServiceBusSubQueue.DEAD_LETTER) as d:
        [m] = d.receive_messages(max_message_count=1, max_wait_time=WAIT)
        check(m.dead_letter_reason == "MaxDeliveryCountExceeded", f"reason {m.dead_letter_reason}")
        d.complete_message(m)


def dead_letter(client):
    with client.get_queue_sender("deadletter") as s:
        s.send_messages(ServiceBusMessage("d", message_id="d-1"))
    with client.get_queue_receiver("deadletter") as r:
        [m] = r.receive_messages(max_message_count=1, max_wait_time=WAIT)
        r.dead_letter_message(m, reason="bad-input", error_description="field x missing")
    with client.get_queue_receiver("deadletter", sub_queue=ServiceBusSubQueue.DEAD_LETTER) as d:
        [m] = d.receive_messages(max_message_count=1, max_wait_time=WAIT)
        check(m.message_id == "d-1" and m.dead_letter_reason == "bad-input", f"dlq {m.dead_letter_reason}")
        check(m.dead_letter_error_description == "field x missing", "description")
        d.complete_message(m)


def lock_renew(client):
    with client.get_queue_sender("renew") as s:
        s.send_messages(ServiceBusMessage("r"))
    with client.get_queue_receiver("renew") as r:
        [m] = r.receive_messages(max_message_count=1, max_wait_time=WAIT)
        before = m.locked_until_utc
        time.sleep(0.2)
        after = r.renew_message_lock(m)
        check(after > before, f"renewed {after} <= {before}")
        r.complete_message(m)


def lock_expiry(client):
    with client.get_queue_sender("expiry") as s:
        s.send_messages(ServiceBusMessage("e"))
    with client.get_queue_receiver("expiry") as r:
        [m] = r.receive_messages(max_message_count=1, max_wait_time=WAIT)
        time.sleep(1.5)
        try:
            r.complete_message(m)
            raise AssertionError("settling an expired lock succeeded")
        except MessageLockLostError:
            pass
        [m] = r.receive_messages(max_message_count=1, max_wait_time=WAIT)
        check(m.delivery_count == 1, f"redelivered with count {m.delivery_count}")
        r.complete_message(m)


def defer(client):
    with client.get_queue_sender("defer") as s:
        s.send_messages(ServiceBusMessage("later"))
    with client.get_queue_receiver("defer") as r:
        [m] = r.receive_messages(max_message_count=1, max_wait_time=WAIT)
        seq = m.sequence_number
        r.defer_message(m)
        [d] = r.receive_deferred_messages([seq])
        check(str(d) == "later" and d.lock_token, "deferred")
        r.complete_message(d)


def peek(client):
    with client.get_queue_sender("peek") as s:
        s.send_messages([ServiceBusMessage(f"p{i}") for i in range(3)])
    with client.get_queue_receiver("peek") as r:
        peeked = r.peek_messages(max_message_count=10)
        check([str(m) for m in peeked] == ["p0", "p1", "p2"], "peek")
        got = r.receive_messages(max_message_count=3, max_wait_time=WAIT)
        check(len(got) == 3, "peeked messages not received")
        for m in got:
            r.complete_message(m)


def schedule_and_cancel(client):
    at = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=1)
    with client.get_queue_sender("schedule") as s:
        [keep, drop] = s.schedule_messages([ServiceBusMessage("keep"), ServiceBusMessage("drop")], at)
        check(isinstance(keep, int) and keep != drop, f"sequence numbers {keep} {drop}")
        s.cancel_scheduled_messages(drop)
    with client.get_queue_receiver("schedule") as r:
        got = r.receive_messages(max_message_count=2, max_wait_time=WAIT)
        check([str(m) for m in got] == ["keep"], f"got {[str(m) for m in got]}")
        r.complete_message(got[0])


def receive_and_delete(client):
    with client.get_queue_sender("deleting") as s:
        s.send_messages(ServiceBusMessage("gone"))
    with client.get_queue_receiver("deleting", receive_mode=ServiceBusReceiveMode.RECEIVE_AND_DELETE) as r:
        [m] = r.receive_messages(max_message_count=1, max_wait_time=WAIT)
        check(str(m) == "gone", "receive and delete")
    with client.get_queue_receiver("deleting") as r:
        check(r.peek_messages(max_message_count=5) == [], "message still there")


def duplicate_detection(client):
    with client.get_queue_sender("dedup") as s:
        s.send_messages(ServiceBusMessage("one", message_id="same"))
        s.send_messages(ServiceBusMessage("two", message_id="same"))
    with client.get_queue_receiver("dedup") as r:
        got = r.receive_messages(max_message_count=2, max_wait_time=2)
        check([str(m) for m in got] == ["one"], f"dedup {[str(m) for m in got]}")
        r.complete_message(got[0])


def sessions(client):
    with client.get_queue_sender("sessions") as s:
        s.send_messages([ServiceBusMessage(f"{sid}-{i}", session_id=sid) for sid in ("a", "b") for i in range(3)])
    with client.get_queue_receiver("sessions", session_id="b") as r:
        got = r.receive_messages(max_message_count=3, max_wait_time=WAIT)
        check([str(m) for m in got] == ["b-0", "b-1", "b-2"], "session order")
        r.session.set_state(b"halfway")
        check(r.session.get_state() == b"halfway", "session state")
        before = r.session.locked_until_utc
        time.sleep(0.1)
        r.session.renew_lock()
        check(r.session.locked_until_utc > before, "session lock renew")
        for m in got:
            r.complete_message(m)
    with client.get_queue_receiver("sessions", session_id=NEXT_AVAILABLE_SESSION, max_wait_time=WAIT) as r:
        check(r.session.session_id == "a", f"next available {r.session.session_id}")
        for m in r.receive_messages(max_message_count=3, max_wait_time=WAIT):
            r.complete_message(m)


def topic_filters(client):
    with client.get_topic_sender("events") as s:
        s.send_messages([ServiceBusMessage("invoice", subject="billing"), ServiceBusMessage("hello", subject="other"),
                         ServiceBusMessage("eu-big", application_properties={"region": "eu", "amount": 50}),
                         ServiceBusMessage("eu-small", application_properties={"region": "eu", "amount": 5}),
                         ServiceBusMessage("us-big", application_properties={"region": "us", "amount": 50})])
    def bodies(sub):
        with client.get_subscription_receiver("events", sub) as r:
            got = r.receive_messages(max_message_count=10, max_wait_time=2)
            for m in got:
                r.complete_message(m)
            return sorted(str(m) for m in got)
    check(bodies("all") == ["eu-big", "eu-small", "hello", "invoice", "us-big"], "fan-out to all")
    check(bodies("billing") == ["invoice"], "correlation filter")
    got = bodies("eu-sql")
    check(got == ["eu-big"], f"SQL filter region = 'eu' AND amount >= 10: {got}")
    bodies("dynamic")


def wrong_key(client):
    bad = CS.replace("SharedAccessKey=", "SharedAccessKey=wrong")
    with ServiceBusClient.from_connection_string(bad, retry_total=0) as c:
        try:
            with c.get_queue_sender("basic") as s:
                s.send_messages(ServiceBusMessage("x"))
            raise AssertionError("a wrong key was accepted")
        except ServiceBusAuthenticationError:
            pass
        except ServiceBusError as e:
            check("401" in str(e) or "nauthori" in str(e), f"wrong key: {e!r}")


def administration(client):
    # The SDK calls https://<Endpoint host:port>; the emulator's certificate is trusted through
    # REQUESTS_CA_BUNDLE (the test sets it), no code change.
    with ServiceBusAdministrationClient.from_connection_string(CS) as admin:
        q = admin.create_queue("py-admin-q", lock_duration=datetime.timedelta(seconds=30), max_delivery_count=4)
        check((q.name, q.lock_duration, q.max_delivery_count) == ("py-admin-q", datetime.timedelta(seconds=30), 4), f"created {q}")
        try:
            admin.create_queue("py-admin-q")
            raise AssertionError("409 expected")
        except ResourceExistsError:
            pass
        q.max_delivery_count = 6
        admin.update_queue(q)
        check(admin.get_queue("py-admin-q").max_delivery_count == 6, "updated max delivery count")
        check("py-admin-q" in [x.name for x in admin.list_queues()], "listed")
        with client.get_queue_sender("py-admin-q") as s:
            s.send_messages(ServiceBusMessage("made at run time"))
        check(admin.get_queue_runtime_properties("py-admin-q").active_message_count == 1, "runtime count")
        r, got = receive(client, "py-admin-q")
        check([str(m) for m in got] == ["made at run time"], f"received {got}")
        admin.create_topic("py-admin-t")
        admin.create_subscription("py-admin-t", "eu")
        admin.delete_rule("py-admin-t", "eu", "$Default")
        admin.create_rule("py-admin-t", "eu", "region", filter=SqlRuleFilter("region = 'eu'"))
        admin.create_rule("py-admin-t", "eu", "vip", filter=CorrelationRuleFilter(correlation_id="vip"))
        check(sorted(x.name for x in admin.list_rules("py-admin-t", "eu")) == ["region", "vip"], "rules listed")
        check(admin.get_rule("py-admin-t", "eu", "region").filter.sql_expression == "region = 'eu'", "sql rule read back")
        with client.get_topic_sender("py-admin-t") as s:
            s.send_messages([ServiceBusMessage("eu", application_properties={"region": "eu"}),
                             ServiceBusMessage("us", application_properties={"region": "us"}),
                             ServiceBusMessage("vip", correlation_id="vip")])
        with client.get_subscription_receiver("py-admin-t", "eu", receive_mode=ServiceBusReceiveMode.RECEIVE_AND_DELETE) as r:
            got = sorted(str(m) for m in r.receive_messages(max_message_count=10, max_wait_time=2))
        check(got == ["eu", "vip"], f"routed by rules created at run time: {got}")
        try:
            admin.create_queue("py-bad", lock_duration=datetime.timedelta(minutes=10))
            raise AssertionError("400 expected")
        except HttpResponseError as e:
            check(e.status_code == 400, f"bad definition: {e.status_code}")
        admin.delete_topic("py-admin-t")
        admin.delete_queue("py-admin-q")
        for get in (lambda: admin.get_queue("py-admin-q"), lambda: admin.delete_queue("py-admin-q")):
            try:
                get()
                raise AssertionError("404 expected")
            except ResourceNotFoundError:
                pass


SCENARIOS = [send_receive_complete, application_properties, batch_of_100, abandon_and_max_delivery, dead_letter,
             lock_renew, lock_expiry, defer, peek, schedule_and_cancel, receive_and_delete, duplicate_detection,
             sessions, topic_filters, wrong_key, administration]

if __name__ == "__main__":
    only = set(sys.argv[2:])
    with ServiceBusClient.from_connection_string(CS) as client:
        for scenario in SCENARIOS:
            if only and scenario.__name__ not in only:
                continue
            t = time.monotonic()
            try:
                scenario(client)
            except Exception as e:  # noqa: BLE001 - report and stop
                print(f"FAIL {scenario.__name__}: {e!r}", flush=True)
                sys.exit(1)
            print(f"ok {scenario.__name__} {time.monotonic() - t:.2f}s", flush=True)
