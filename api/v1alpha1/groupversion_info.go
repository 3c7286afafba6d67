// Package v1alpha1 contains the API of bottleneck-operator: the cluster-scoped
// ProviderLock that holds the one LLM provider serving every request, and the
// namespaced Forecast that asks it for a bottleneck forecast of a region.
//
// +kubebuilder:object:generate=true
// +groupName=forecast.bottleneck.io
package v1alpha1

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

var (
	// GroupVersion is the group and version of this API.
	GroupVersion = schema.GroupVersion{Group: "forecast.bottleneck.io", Version: "v1alpha1"}

	// SchemeBuilder registers the API's types with a runtime.Scheme.
	SchemeBuilder = &scheme.Builder{GroupVersion: GroupVersion}

	// AddToScheme adds the API's types to a runtime.Scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)
