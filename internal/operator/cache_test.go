package operator

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

func TestSlimForCache(t *testing.T) {
	fc := &v1.Forecast{ObjectMeta: metav1.ObjectMeta{Name: "usa", Namespace: "team-a",
		Annotations:   map[string]string{lastApplied: `{"apiVersion":"…a whole copy…"}`, "team": "ports"},
		ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationApply}}},
		Spec: v1.ForecastSpec{Region: "USA", History: []v1.DataPoint{{Period: "2025-01", Value: "1"}}}}
	out, err := slimForCache(fc)
	if err != nil {
		t.Fatal(err)
	}
	got := out.(*v1.Forecast)
	if got.ManagedFields != nil || got.Annotations[lastApplied] != "" {
		t.Errorf("managedFields or the last-applied copy kept: %+v", got.ObjectMeta)
	}
	if got.Annotations["team"] != "ports" || len(got.Spec.History) != 1 || got.Name != "usa" {
		t.Errorf("what the operator and the dashboard read must stay: %+v", got)
	}

	cm := &metav1.PartialObjectMetadata{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: "history", Namespace: "team-a", ResourceVersion: "42",
			Labels: map[string]string{"app": "x"}, Annotations: map[string]string{"a": "b"},
			OwnerReferences: []metav1.OwnerReference{{Name: "owner"}}}}
	out, _ = slimForCache(cm)
	if p := out.(*metav1.PartialObjectMetadata); p.Labels != nil || p.Annotations != nil || p.OwnerReferences != nil ||
		p.Name != "history" || p.Namespace != "team-a" || p.ResourceVersion != "42" {
		t.Errorf("a ConfigMap's metadata keeps only its identity: %+v", p.ObjectMeta)
	}

	if out, err := slimForCache("not an object"); err != nil || out != "not an object" {
		t.Errorf("a foreign value must pass through: %v, %v", out, err)
	}
}
