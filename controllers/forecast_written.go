package controllers

import (
	"sync"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/resourceversion"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// writtenVersions remembers the resourceVersion of this controller's last
// status write of each Forecast, until the cache has caught up with it.
type writtenVersions struct {
	mu      sync.Mutex
	version map[types.NamespacedName]string
}

func (w *writtenVersions) wrote(fc *v1.Forecast) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.version == nil {
		w.version = map[types.NamespacedName]string{}
	}
	w.version[client.ObjectKeyFromObject(fc)] = fc.ResourceVersion
}

// behind reports whether fc is older than the last write, with ok false
// when the versions do not compare. A Forecast this replica has not written
// is not behind: the cache was filled from a list made after any write of
// an earlier replica, whose lease had to end first.
func (w *writtenVersions) behind(fc *v1.Forecast) (behind, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	key := client.ObjectKeyFromObject(fc)
	last, found := w.version[key]
	if !found {
		return false, true
	}
	c, err := resourceversion.CompareResourceVersion(fc.ResourceVersion, last)
	if err != nil {
		return false, false
	}
	if c >= 0 {
		delete(w.version, key) // caught up
	}
	return c < 0, true
}

func (w *writtenVersions) forget(name types.NamespacedName) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.version, name)
}
