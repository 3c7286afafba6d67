package operator

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// lastApplied is the annotation `kubectl apply` writes: a whole copy of the
// object as last applied, which nothing in the operator reads.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// slimForCache drops from every object the cache keeps what the operator
// never reads: managedFields and kubectl's last-applied copy, together often
// larger than a Forecast's spec. Of a metadata-only object (the operator
// watches ConfigMaps that way, to find by name the Forecasts that read them)
// only the identity is kept: labels, annotations and owners go too. The controllers write status with merge patches and the
// lock with a status update, so a slimmed copy never travels back: the API
// server keeps an object's managedFields when a write leaves them out.
func slimForCache(obj any) (any, error) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return obj, nil // a tombstone or a foreign type: keep it as it is
	}
	m.SetManagedFields(nil)
	if a := m.GetAnnotations(); a[lastApplied] != "" {
		delete(a, lastApplied)
		m.SetAnnotations(a)
	}
	if p, ok := obj.(*metav1.PartialObjectMetadata); ok {
		p.Labels, p.Annotations, p.OwnerReferences = nil, nil, nil
	}
	return obj, nil
}
