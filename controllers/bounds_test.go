package controllers

import (
	"os"
	"path/filepath"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

// TestEngineBoundsMatchTheSchema compares every bound of the engine's
// Result with the Forecast status schema the API server enforces: a result
// the engine returns must never be refused on write.
func TestEngineBoundsMatchTheSchema(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "config", "crd", "bases", "forecast.bottleneck.io_forecasts.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var crd apiextensionsv1.CustomResourceDefinition
	if err := yaml.Unmarshal(raw, &crd); err != nil {
		t.Fatal(err)
	}
	status := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["status"]
	prop := func(s apiextensionsv1.JSONSchemaProps, path ...string) apiextensionsv1.JSONSchemaProps {
		for _, p := range path {
			if p == "[]" {
				s = *s.Items.Schema
				continue
			}
			next, ok := s.Properties[p]
			if !ok {
				t.Fatalf("the schema has no %v", path)
			}
			s = next
		}
		return s
	}
	maxLength := func(path ...string) int64 {
		s := prop(status, path...)
		if s.MaxLength == nil {
			t.Fatalf("status.%v has no maxLength", path)
		}
		return *s.MaxLength
	}
	maxItems := func(path ...string) int64 {
		s := prop(status, path...)
		if s.MaxItems == nil {
			t.Fatalf("status.%v has no maxItems", path)
		}
		return *s.MaxItems
	}
	for _, b := range []struct {
		what         string
		engine, crd  int64
		engineAtMost bool // the engine's bound may be tighter
	}{
		{"summary", engine.MaxSummary, maxLength("summary"), false},
		{"bottleneck name", engine.MaxName, maxLength("bottlenecks", "[]", "name"), false},
		{"bottleneck description", engine.MaxDescription, maxLength("bottlenecks", "[]", "description"), false},
		{"bottleneck period", engine.MaxPeriod, maxLength("bottlenecks", "[]", "period"), false},
		{"bottlenecks", engine.MaxBottlenecks, maxItems("bottlenecks"), false},
		{"predictions", engine.MaxHorizon, maxItems("predictions"), false},
		{"prediction value", int64(len(decimal(-1.7976931348623157e308))), maxLength("predictions", "[]", "value"), true},
		{"lastAttempt message", 1024, maxLength("lastAttempt", "message"), false},
	} {
		if b.engine > b.crd || (!b.engineAtMost && b.engine != b.crd) {
			t.Errorf("%s: the engine allows %d, the schema %d", b.what, b.engine, b.crd)
		}
	}
}
