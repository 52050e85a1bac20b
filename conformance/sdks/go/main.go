// Service Bus conformance scenarios with the official Go SDK (azservicebus), unmodified.
// Usage: conformance "connection string" [scenario...]. Prints "ok scenario" per scenario; exits 1 on failure.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

var (
	cs     string
	client *azservicebus.Client
)

func check(cond bool, format string, args ...any) {
	if !cond {
		panic(fmt.Sprintf(format, args...))
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func ok(err error) {
	if err != nil {
		panic(err)
	}
}

func ctxFor(d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	_ = cancel
	return ctx
}

func send(queue string, msgs ...*azservicebus.Message) {
	s := must(client.NewSender(queue, nil))
	defer s.Close(context.Background())
	for _, m := range msgs {
		ok(s.SendMessage(ctxFor(10*time.Second), m, nil))
	}
}

type messageReceiver interface {
	ReceiveMessages(ctx context.Context, maxMessages int, options *azservicebus.ReceiveMessagesOptions) ([]*azservicebus.ReceivedMessage, error)
}

func receive(r messageReceiver, n int, wait time.Duration) []*azservicebus.ReceivedMessage {
	msgs, err := r.ReceiveMessages(ctxFor(wait), n, nil)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		panic(err)
	}
	return msgs
}

func body(m *azservicebus.ReceivedMessage) string { return string(m.Body) }

func ptr[T any](v T) *T { return &v }

func sendReceiveComplete() {
	send("basic", &azservicebus.Message{Body: []byte("hello"), MessageID: ptr("m-1"), Subject: ptr("greeting")})
	r := must(client.NewReceiverForQueue("basic", nil))
	defer r.Close(context.Background())
	m := receive(r, 1, 5*time.Second)[0]
	check(body(m) == "hello" && m.MessageID == "m-1" && *m.Subject == "greeting", "got %v", m)
	check(m.DeliveryCount == 1 && *m.SequenceNumber >= 1, "stamps: delivery count %d", m.DeliveryCount)
	ok(r.CompleteMessage(ctxFor(5*time.Second), m, nil))
	check(len(receive(r, 1, time.Second)) == 0, "completed message came back")
}

func applicationProperties() {
	props := map[string]any{"int32": int32(-7), "int64": int64(9_000_000_000), "uint32": uint32(7), "uint64": uint64(9_000_000_001),
		"int16": int16(-3), "int8": int8(-2), "uint8": uint8(2), "bool": true, "float64": 2.25, "float32": float32(1.5),
		"str": "s", "time": time.UnixMilli(1_700_000_000_000).UTC()}
	send("basic", &azservicebus.Message{Body: []byte("props"), ApplicationProperties: props})
	r := must(client.NewReceiverForQueue("basic", nil))
	defer r.Close(context.Background())
	m := receive(r, 1, 5*time.Second)[0]
	for k, v := range props {
		got := m.ApplicationProperties[k]
		if t, isTime := v.(time.Time); isTime {
			gt, _ := got.(time.Time)
			check(gt.Equal(t), "%s: %v != %v", k, got, v)
			continue
		}
		check(reflect.DeepEqual(got, v), "%s: %v (%T) != %v (%T)", k, got, got, v, v)
	}
	ok(r.CompleteMessage(ctxFor(5*time.Second), m, nil))
}

func batchOf100() {
	s := must(client.NewSender("basic", nil))
	batch := must(s.NewMessageBatch(ctxFor(5*time.Second), nil))
	for i := 0; i < 100; i++ {
		ok(batch.AddMessage(&azservicebus.Message{Body: []byte(fmt.Sprintf("b%d", i))}, nil))
	}
	ok(s.SendMessageBatch(ctxFor(10*time.Second), batch, nil))
	s.Close(context.Background())
	r := must(client.NewReceiverForQueue("basic", nil))
	defer r.Close(context.Background())
	var got []string
	for len(got) < 100 {
		ms := receive(r, 100, 5*time.Second)
		check(len(ms) > 0, "only %d of 100", len(got))
		for _, m := range ms {
			got = append(got, body(m))
			ok(r.CompleteMessage(ctxFor(5*time.Second), m, nil))
		}
	}
	for i, b := range got {
		check(b == fmt.Sprintf("b%d", i), "batch order at %d: %s", i, b)
	}
}

func abandonAndMaxDelivery() {
	send("abandon", &azservicebus.Message{Body: []byte("a")})
	r := must(client.NewReceiverForQueue("abandon", nil))
	m := receive(r, 1, 5*time.Second)[0]
	ok(r.AbandonMessage(ctxFor(5*time.Second), m, nil))
	m = receive(r, 1, 5*time.Second)[0]
	check(m.DeliveryCount == 2, "delivery count %d", m.DeliveryCount)
	ok(r.AbandonMessage(ctxFor(5*time.Second), m, nil))
	r.Close(context.Background())
	d := must(client.NewReceiverForQueue("abandon", &azservicebus.ReceiverOptions{SubQueue: azservicebus.SubQueueDeadLetter}))
	defer d.Close(context.Background())
	m = receive(d, 1, 5*time.Second)[0]
	check(m.DeadLetterReason != nil && *m.DeadLetterReason == "MaxDeliveryCountExceeded", "reason %v", m.DeadLetterReason)
	ok(d.CompleteMessage(ctxFor(5*time.Second), m, nil))
}

func deadLetter() {
	send("deadletter", &azservicebus.Message{Body: []byte("d"), MessageID: ptr("d-1")})
	r := must(client.NewReceiverForQueue("deadletter", nil))
	m := receive(r, 1, 5*time.Second)[0]
	ok(r.DeadLetterMessage(ctxFor(5*time.Second), m, &azservicebus.DeadLetterOptions{Reason: ptr("bad-input"), ErrorDescription: ptr("field x missing")}))
	r.Close(context.Background())
	d := must(client.NewReceiverForQueue("deadletter", &azservicebus.ReceiverOptions{SubQueue: azservicebus.SubQueueDeadLetter}))
	defer d.Close(context.Background())
	m = receive(d, 1, 5*time.Second)[0]
	check(m.MessageID == "d-1" && *m.DeadLetterReason == "bad-input" && *m.DeadLetterErrorDescription == "field x missing", "dlq %v", m.DeadLetterReason)
	ok(d.CompleteMessage(ctxFor(5*time.Second), m, nil))
}

func lockRenew() {
	send("renew", &azservicebus.Message{Body: []byte("r")})
	r := must(client.NewReceiverForQueue("renew", nil))
	defer r.Close(context.Background())
	m := receive(r, 1, 5*time.Second)[0]
	before := *m.LockedUntil
	time.Sleep(200 * time.Millisecond)
	ok(r.RenewMessageLock(ctxFor(5*time.Second), m, nil))
	check(m.LockedUntil.After(before), "renewed %v <= %v", m.LockedUntil, before)
	ok(r.CompleteMessage(ctxFor(5*time.Second), m, nil))
}

func lockExpiry() {
	send("expiry", &azservicebus.Message{Body: []byte("e")})
	r := must(client.NewReceiverForQueue("expiry", nil))
	defer r.Close(context.Background())
	m := receive(r, 1, 5*time.Second)[0]
	time.Sleep(1500 * time.Millisecond)
	err := r.CompleteMessage(ctxFor(5*time.Second), m, nil)
	var sbErr *azservicebus.Error
	check(errors.As(err, &sbErr) && sbErr.Code == azservicebus.CodeLockLost, "settling an expired lock: %v", err)
	m = receive(r, 1, 5*time.Second)[0]
	check(m.DeliveryCount == 2, "redelivered with count %d", m.DeliveryCount)
	ok(r.CompleteMessage(ctxFor(5*time.Second), m, nil))
}

func deferScenario() {
	send("defer", &azservicebus.Message{Body: []byte("later")})
	r := must(client.NewReceiverForQueue("defer", nil))
	defer r.Close(context.Background())
	m := receive(r, 1, 5*time.Second)[0]
	seq := *m.SequenceNumber
	ok(r.DeferMessage(ctxFor(5*time.Second), m, nil))
	ds := must(r.ReceiveDeferredMessages(ctxFor(5*time.Second), []int64{seq}, nil))
	check(len(ds) == 1 && body(ds[0]) == "later", "deferred")
	ok(r.CompleteMessage(ctxFor(5*time.Second), ds[0], nil))
}

func peek() {
	send("peek", &azservicebus.Message{Body: []byte("p0")}, &azservicebus.Message{Body: []byte("p1")}, &azservicebus.Message{Body: []byte("p2")})
	r := must(client.NewReceiverForQueue("peek", nil))
	defer r.Close(context.Background())
	peeked := must(r.PeekMessages(ctxFor(5*time.Second), 10, nil))
	var bodies []string
	for _, m := range peeked {
		bodies = append(bodies, body(m))
	}
	check(reflect.DeepEqual(bodies, []string{"p0", "p1", "p2"}), "peek %v", bodies)
	got := receive(r, 3, 5*time.Second)
	check(len(got) == 3, "peeked messages not received")
	for _, m := range got {
		ok(r.CompleteMessage(ctxFor(5*time.Second), m, nil))
	}
}

func scheduleAndCancel() {
	s := must(client.NewSender("schedule", nil))
	at := time.Now().Add(time.Second)
	seqs := must(s.ScheduleMessages(ctxFor(5*time.Second), []*azservicebus.Message{{Body: []byte("keep")}, {Body: []byte("drop")}}, at, nil))
	check(len(seqs) == 2 && seqs[0] != seqs[1], "sequence numbers %v", seqs)
	ok(s.CancelScheduledMessages(ctxFor(5*time.Second), seqs[1:], nil))
	s.Close(context.Background())
	r := must(client.NewReceiverForQueue("schedule", nil))
	defer r.Close(context.Background())
	got := receive(r, 2, 5*time.Second)
	check(len(got) >= 1 && body(got[0]) == "keep", "got %d", len(got))
	got = append(got, receive(r, 1, 1500*time.Millisecond)...)
	check(len(got) == 1, "cancelled message arrived")
	ok(r.CompleteMessage(ctxFor(5*time.Second), got[0], nil))
}

func receiveAndDelete() {
	send("deleting", &azservicebus.Message{Body: []byte("gone")})
	r := must(client.NewReceiverForQueue("deleting", &azservicebus.ReceiverOptions{ReceiveMode: azservicebus.ReceiveModeReceiveAndDelete}))
	defer r.Close(context.Background())
	got := receive(r, 1, 5*time.Second)
	check(len(got) == 1 && body(got[0]) == "gone", "receive and delete")
	check(len(must(r.PeekMessages(ctxFor(5*time.Second), 5, nil))) == 0, "message still there")
}

func duplicateDetection() {
	send("dedup", &azservicebus.Message{Body: []byte("one"), MessageID: ptr("same")}, &azservicebus.Message{Body: []byte("two"), MessageID: ptr("same")})
	r := must(client.NewReceiverForQueue("dedup", nil))
	defer r.Close(context.Background())
	got := receive(r, 2, 2*time.Second)
	check(len(got) == 1 && body(got[0]) == "one", "dedup %d", len(got))
	ok(r.CompleteMessage(ctxFor(5*time.Second), got[0], nil))
}

func sessions() {
	var msgs []*azservicebus.Message
	for _, sid := range []string{"a", "b"} {
		for i := 0; i < 3; i++ {
			msgs = append(msgs, &azservicebus.Message{Body: []byte(fmt.Sprintf("%s-%d", sid, i)), SessionID: ptr(sid)})
		}
	}
	send("sessions", msgs...)
	r := must(client.AcceptSessionForQueue(ctxFor(5*time.Second), "sessions", "b", nil))
	got := receive(r, 3, 5*time.Second)
	var bodies []string
	for _, m := range got {
		bodies = append(bodies, body(m))
	}
	check(reflect.DeepEqual(bodies, []string{"b-0", "b-1", "b-2"}), "session order %v", bodies)
	ok(r.SetSessionState(ctxFor(5*time.Second), []byte("halfway"), nil))
	check(string(must(r.GetSessionState(ctxFor(5*time.Second), nil))) == "halfway", "session state")
	before := r.LockedUntil()
	time.Sleep(100 * time.Millisecond)
	ok(r.RenewSessionLock(ctxFor(5*time.Second), nil))
	check(r.LockedUntil().After(before), "session lock renew")
	for _, m := range got {
		ok(r.CompleteMessage(ctxFor(5*time.Second), m, nil))
	}
	r.Close(context.Background())
	n := must(client.AcceptNextSessionForQueue(ctxFor(5*time.Second), "sessions", nil))
	defer n.Close(context.Background())
	check(n.SessionID() == "a", "next available %s", n.SessionID())
	for _, m := range receive(n, 3, 5*time.Second) {
		ok(n.CompleteMessage(ctxFor(5*time.Second), m, nil))
	}
}

func topicFilters() {
	withProps := func(b, region string, amount int64) *azservicebus.Message {
		return &azservicebus.Message{Body: []byte(b), ApplicationProperties: map[string]any{"region": region, "amount": amount}}
	}
	send("events", &azservicebus.Message{Body: []byte("invoice"), Subject: ptr("billing")}, &azservicebus.Message{Body: []byte("hello"), Subject: ptr("other")},
		withProps("eu-big", "eu", 50), withProps("eu-small", "eu", 5), withProps("us-big", "us", 50))
	bodies := func(sub string) []string {
		r := must(client.NewReceiverForSubscription("events", sub, nil))
		defer r.Close(context.Background())
		var out []string
		for _, m := range receive(r, 10, 2*time.Second) {
			out = append(out, body(m))
			ok(r.CompleteMessage(ctxFor(5*time.Second), m, nil))
		}
		sort.Strings(out)
		return out
	}
	check(reflect.DeepEqual(bodies("all"), []string{"eu-big", "eu-small", "hello", "invoice", "us-big"}), "fan-out to all")
	check(reflect.DeepEqual(bodies("billing"), []string{"invoice"}), "correlation filter")
	sql := bodies("eu-sql")
	check(reflect.DeepEqual(sql, []string{"eu-big"}), "SQL filter region = 'eu' AND amount >= 10: %v", sql)
	bodies("dynamic")
}

func wrongKey() {
	bad := strings.Replace(cs, "SharedAccessKey=", "SharedAccessKey=wrong", 1)
	c := must(azservicebus.NewClientFromConnectionString(bad, &azservicebus.ClientOptions{RetryOptions: azservicebus.RetryOptions{MaxRetries: -1}}))
	defer c.Close(context.Background())
	s := must(c.NewSender("basic", nil))
	err := s.SendMessage(ctxFor(10*time.Second), &azservicebus.Message{Body: []byte("x")}, nil)
	var sbErr *azservicebus.Error
	check(err != nil, "a wrong key was accepted")
	check(errors.As(err, &sbErr) && sbErr.Code == azservicebus.CodeUnauthorizedAccess || strings.Contains(err.Error(), "401"), "wrong key: %v", err)
}

func main() {
	cs = os.Args[1]
	only := map[string]bool{}
	for _, a := range os.Args[2:] {
		only[a] = true
	}
	client = must(azservicebus.NewClientFromConnectionString(cs, nil))
	scenarios := []struct {
		name string
		fn   func()
	}{
		{"send_receive_complete", sendReceiveComplete}, {"application_properties", applicationProperties}, {"batch_of_100", batchOf100},
		{"abandon_and_max_delivery", abandonAndMaxDelivery}, {"dead_letter", deadLetter}, {"lock_renew", lockRenew}, {"lock_expiry", lockExpiry},
		{"defer", deferScenario}, {"peek", peek}, {"schedule_and_cancel", scheduleAndCancel}, {"receive_and_delete", receiveAndDelete},
		{"duplicate_detection", duplicateDetection}, {"sessions", sessions}, {"topic_filters", topicFilters}, {"wrong_key", wrongKey},
		{"administration", administration},
	}
	for _, s := range scenarios {
		if len(only) > 0 && !only[s.name] {
			continue
		}
		start := time.Now()
		func() {
			defer func() {
				if r := recover(); r != nil {
					fmt.Printf("FAIL %s: %v\n", s.name, r)
					os.Exit(1)
				}
			}()
			s.fn()
		}()
		fmt.Printf("ok %s %.2fs\n", s.name, time.Since(start).Seconds())
	}
	client.Close(context.Background())
}
