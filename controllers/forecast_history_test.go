package controllers

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// TestHistoryReadOncePerVersion: the ConfigMap is read from the API server
// once per version, however often Forecasts are reconciled, and read again
// when it changes.
func TestHistoryReadOncePerVersion(t *testing.T) {
	ctx := context.Background()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "series"},
		Data: map[string]string{"csv": "2026-01,10\n2026-02,12\n2026-03,13\n"}}
	cluster := fake.NewClientBuilder().WithObjects(cm).Build()
	reads := 0
	reader := interceptor.NewClient(cluster, interceptor.Funcs{
		Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
			reads++
			return c.Get(ctx, key, obj, opts...)
		}})
	var h configMapHistories
	for range 5 {
		points, err := h.read(ctx, cluster, reader, "ns", "series", "csv")
		if err != nil || len(points) != 3 || points[2].Value != 13 {
			t.Fatalf("read %v, %v", points, err)
		}
		points[0].Value = -1 // the caller's copy
	}
	if reads != 1 {
		t.Fatalf("%d reads of an unchanged ConfigMap, want 1", reads)
	}

	cm.Data["csv"] += "2026-04,15\n"
	if err := cluster.Update(ctx, cm); err != nil {
		t.Fatal(err)
	}
	points, err := h.read(ctx, cluster, reader, "ns", "series", "csv")
	if err != nil || len(points) != 4 || points[0].Value != 10 || reads != 2 {
		t.Fatalf("after a change: %v, %v, %d reads", points, err, reads)
	}

	if err := cluster.Delete(ctx, cm); err != nil {
		t.Fatal(err)
	}
	if _, err := h.read(ctx, cluster, reader, "ns", "series", "csv"); err == nil {
		t.Fatal("a deleted ConfigMap still has a history")
	}
	if len(h.parsed) != 0 {
		t.Fatalf("kept %d series of a deleted ConfigMap", len(h.parsed))
	}
}

// TestWrittenVersions: a cached copy older than the last write is behind,
// one as new or newer is not, and versions that are not numbers say
// nothing.
func TestWrittenVersions(t *testing.T) {
	fc := func(rv string) *v1.Forecast {
		return &v1.Forecast{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "a", ResourceVersion: rv}}
	}
	var w writtenVersions
	if behind, ok := w.behind(fc("5")); behind || !ok {
		t.Fatalf("never written: behind=%v ok=%v", behind, ok)
	}
	w.wrote(fc("100"))
	if behind, ok := w.behind(fc("99")); !behind || !ok {
		t.Fatalf("99 after writing 100: behind=%v ok=%v", behind, ok)
	}
	if _, ok := w.behind(fc("x")); ok {
		t.Fatal("a version that is not a number compared")
	}
	if behind, ok := w.behind(fc("101")); behind || !ok {
		t.Fatalf("101 after writing 100: behind=%v ok=%v", behind, ok)
	}
	if len(w.version) != 0 {
		t.Fatal("the mark stays after the cache caught up")
	}
}
