// The administration client (admin.Client, ATOM over HTTPS): entities created, read, updated,
// listed and deleted at run time, then used over AMQP. The SDK calls https://<Endpoint host:port>;
// the emulator's certificate is trusted through SSL_CERT_FILE (the test sets it), no code change.
package main

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"
)

func statusOf(err error) int {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return re.StatusCode
	}
	return 0
}

func administration() {
	ctx := ctxFor(30 * time.Second)
	ac := must(admin.NewClientFromConnectionString(cs, nil))
	created := must(ac.CreateQueue(ctx, "go-admin-q", &admin.CreateQueueOptions{Properties: &admin.QueueProperties{LockDuration: to.Ptr("PT30S"), MaxDeliveryCount: to.Ptr[int32](4)}}))
	check(*created.LockDuration == "PT30S" && *created.MaxDeliveryCount == 4, "created %+v", created.QueueProperties)
	_, err := ac.CreateQueue(ctx, "go-admin-q", nil)
	check(statusOf(err) == http.StatusConflict, "409 expected: %v", err)
	props := created.QueueProperties
	props.MaxDeliveryCount = to.Ptr[int32](6)
	must(ac.UpdateQueue(ctx, "go-admin-q", props, nil))
	got := must(ac.GetQueue(ctx, "go-admin-q", nil))
	check(got != nil && *got.MaxDeliveryCount == 6, "updated max delivery count")
	var names []string
	pager := ac.NewListQueuesPager(nil)
	for pager.More() {
		page := must(pager.NextPage(ctx))
		for _, q := range page.Queues {
			names = append(names, q.QueueName)
		}
	}
	check(contains(names, "go-admin-q"), "listed %v", names)
	send("go-admin-q", &azservicebus.Message{Body: []byte("made at run time")})
	rt := must(ac.GetQueueRuntimeProperties(ctx, "go-admin-q", nil))
	check(rt.ActiveMessageCount == 1, "runtime count %d", rt.ActiveMessageCount)
	r := must(client.NewReceiverForQueue("go-admin-q", nil))
	msgs := receive(r, 1, 5*time.Second)
	check(len(msgs) == 1 && string(msgs[0].Body) == "made at run time", "received %v", msgs)
	ok(r.CompleteMessage(ctx, msgs[0], nil))
	r.Close(ctx)

	must(ac.CreateTopic(ctx, "go-admin-t", nil))
	must(ac.CreateSubscription(ctx, "go-admin-t", "eu", nil))
	must(ac.DeleteRule(ctx, "go-admin-t", "eu", "$Default", nil))
	must(ac.CreateRule(ctx, "go-admin-t", "eu", &admin.CreateRuleOptions{Name: to.Ptr("region"), Filter: &admin.SQLFilter{Expression: "region = 'eu'"}}))
	must(ac.CreateRule(ctx, "go-admin-t", "eu", &admin.CreateRuleOptions{Name: to.Ptr("vip"), Filter: &admin.CorrelationFilter{CorrelationID: to.Ptr("vip")}}))
	var rules []string
	rp := ac.NewListRulesPager("go-admin-t", "eu", nil)
	for rp.More() {
		for _, rule := range must(rp.NextPage(ctx)).Rules {
			rules = append(rules, rule.Name)
		}
	}
	sort.Strings(rules)
	check(len(rules) == 2 && rules[0] == "region" && rules[1] == "vip", "rules %v", rules)
	rule := must(ac.GetRule(ctx, "go-admin-t", "eu", "region", nil))
	check(rule.Filter.(*admin.SQLFilter).Expression == "region = 'eu'", "sql rule read back")
	send("go-admin-t", &azservicebus.Message{Body: []byte("eu"), ApplicationProperties: map[string]any{"region": "eu"}},
		&azservicebus.Message{Body: []byte("us"), ApplicationProperties: map[string]any{"region": "us"}},
		&azservicebus.Message{Body: []byte("vip"), CorrelationID: to.Ptr("vip")})
	sr := must(client.NewReceiverForSubscription("go-admin-t", "eu", &azservicebus.ReceiverOptions{ReceiveMode: azservicebus.ReceiveModeReceiveAndDelete}))
	var bodies []string
	for _, m := range receive(sr, 10, 2*time.Second) {
		bodies = append(bodies, string(m.Body))
	}
	sr.Close(ctx)
	sort.Strings(bodies)
	check(len(bodies) == 2 && bodies[0] == "eu" && bodies[1] == "vip", "routed by rules created at run time: %v", bodies)

	_, err = ac.CreateQueue(ctx, "go-bad", &admin.CreateQueueOptions{Properties: &admin.QueueProperties{LockDuration: to.Ptr("PT10M")}})
	check(statusOf(err) == http.StatusBadRequest, "400 expected: %v", err)
	must(ac.DeleteTopic(ctx, "go-admin-t", nil))
	must(ac.DeleteQueue(ctx, "go-admin-q", nil))
	gone, err := ac.GetQueue(ctx, "go-admin-q", nil)
	check(gone == nil && err == nil, "a missing queue reads as nil (the service's empty feed): %v %v", gone, err)
	_, err = ac.DeleteQueue(ctx, "go-admin-q", nil)
	check(statusOf(err) == http.StatusNotFound, "404 expected: %v", err)
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

var _ = context.Background
