package metrics

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"sigs.k8s.io/yaml"
)

// TestAlertRules checks and unit-tests the PrometheusRule's alerts with
// promtool (Debian's prometheus package; make test installs it): the rule
// groups are taken out of config/prometheus/rules.yaml into a rule file, and
// config/prometheus/tests/alerts_test.yaml is run against it.
func TestAlertRules(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatal("promtool is missing: run `make promtool` (it installs Debian's prometheus package), or make test")
	}
	dir := t.TempDir()
	writeRuleGroups(t, filepath.Join("..", "..", "config", "prometheus", "rules.yaml"), filepath.Join(dir, "rules.yaml"))
	tests, err := os.ReadFile(filepath.Join("..", "..", "config", "prometheus", "tests", "alerts_test.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "alerts_test.yaml"), tests, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check", "rules", "rules.yaml"}, {"test", "rules", "alerts_test.yaml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %v: %v\n%s", args, err, out)
		}
	}
}

// writeRuleGroups writes the spec of the PrometheusRule in from, which is
// a Prometheus rule file, to to.
func writeRuleGroups(t *testing.T, from, to string) {
	t.Helper()
	raw, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	var rule struct {
		Kind string         `json:"kind"`
		Spec map[string]any `json:"spec"`
	}
	if err := yaml.Unmarshal(raw, &rule); err != nil {
		t.Fatalf("%s: %v", from, err)
	}
	if rule.Kind != "PrometheusRule" || rule.Spec["groups"] == nil {
		t.Fatalf("%s is not a PrometheusRule with groups", from)
	}
	groups, err := yaml.Marshal(rule.Spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, groups, 0o644); err != nil {
		t.Fatal(err)
	}
}
