package chart

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// What the values beyond the defaults change, object by object.
func TestChartValues(t *testing.T) {
	root := repoRoot(t)
	render := func(t *testing.T, values map[string]any) map[string]Object {
		t.Helper()
		return decode(t, check(RenderChart(filepath.Join(root, ChartPath), values))(t))
	}

	t.Run("credentialsNamespace moves the Secrets grant, and only it", func(t *testing.T) {
		objects := render(t, map[string]any{"credentialsNamespace": "provider-keys"})
		for _, key := range []string{
			"Role/provider-keys/bottleneck-manager-role",
			"RoleBinding/provider-keys/bottleneck-manager-credentials-rolebinding",
			"Role/" + Namespace + "/bottleneck-leader-election-role",
		} {
			if _, ok := objects[key]; !ok {
				t.Errorf("no %s in %v", key, sortedKeys(objects))
			}
		}
		if _, ok := objects["Role/"+Namespace+"/bottleneck-manager-role"]; ok {
			t.Errorf("the Secrets Role stays in %s", Namespace)
		}
		if args := managerArgs(t, objects); !slices.Contains(args, "--credentials-namespace=provider-keys") {
			t.Errorf("args %v lack --credentials-namespace=provider-keys", args)
		}
	})

	t.Run("an exposed, secure dashboard gets a port, a Service and an ingress rule", func(t *testing.T) {
		objects := render(t, map[string]any{"dashboard": map[string]any{"expose": true, "secure": true}})
		args := managerArgs(t, objects)
		for _, arg := range []string{"--dashboard-bind-address=:8082", "--dashboard-secure"} {
			if !slices.Contains(args, arg) {
				t.Errorf("args %v lack %s", args, arg)
			}
		}
		if !slices.Contains(containerPorts(t, objects), int64(8082)) {
			t.Error("the manager container has no port 8082")
		}
		if _, ok := objects["Service/"+Namespace+"/bottleneck-controller-manager-dashboard-service"]; !ok {
			t.Error("no dashboard Service")
		}
		if !slices.Contains(ingressPorts(t, objects), int64(8082)) {
			t.Error("the NetworkPolicy admits no traffic to port 8082")
		}
	})

	t.Run("the default dashboard stays on loopback, unreachable from the network", func(t *testing.T) {
		objects := render(t, Values(false))
		if args := managerArgs(t, objects); !slices.Contains(args, "--dashboard-bind-address=127.0.0.1:8082") {
			t.Errorf("args %v do not bind the dashboard to loopback", args)
		}
		if slices.Contains(containerPorts(t, objects), int64(8082)) || slices.Contains(ingressPorts(t, objects), int64(8082)) {
			t.Error("port 8082 is open although the dashboard is on loopback")
		}
	})

	t.Run("a dashboard turned off binds nowhere", func(t *testing.T) {
		objects := render(t, map[string]any{"dashboard": map[string]any{"enabled": false, "expose": true}})
		if args := managerArgs(t, objects); !slices.Contains(args, "--dashboard-bind-address=0") {
			t.Errorf("args %v leave the dashboard on", args)
		}
		if _, ok := objects["Service/"+Namespace+"/bottleneck-controller-manager-dashboard-service"]; ok {
			t.Error("a dashboard Service although the dashboard is off")
		}
	})

	t.Run("exposing an unauthenticated dashboard is refused", func(t *testing.T) {
		_, err := RenderChart(filepath.Join(root, ChartPath), map[string]any{"dashboard": map[string]any{"expose": true}})
		if err == nil || !strings.Contains(err.Error(), "set dashboard.secure=true") {
			t.Errorf("err = %v, want the refusal that names dashboard.secure", err)
		}
	})

	t.Run("a typo, a wrong type or a selector label is refused, naming the value", func(t *testing.T) {
		for _, tc := range []struct {
			values map[string]any
			names  string
		}{
			{map[string]any{"replicas": 3}, "replicas"},
			{map[string]any{"replicaCount": "two"}, "replicaCount"},
			{map[string]any{"dashboard": map[string]any{"bindAddress": ":8082"}}, "bindAddress"},
			{map[string]any{"gracefulShutdownTimeout": "40"}, "gracefulShutdownTimeout"},
			{map[string]any{"credentialsNamespace": "Provider_Keys"}, "credentialsNamespace"},
			{map[string]any{"podLabels": map[string]any{"control-plane": "other"}}, "podLabels sets control-plane"},
		} {
			_, err := RenderChart(filepath.Join(root, ChartPath), tc.values)
			if err == nil || !strings.Contains(err.Error(), tc.names) {
				t.Errorf("values %v: err = %v, want a refusal naming %s", tc.values, err, tc.names)
			}
		}
	})

	t.Run("by default HTTPS may go anywhere", func(t *testing.T) {
		if open := httpsAnywhere(t, render(t, Values(false))); len(open) == 0 {
			t.Error("no egress rule lets HTTPS out to any address: the providers are unreachable")
		}
	})

	t.Run("apiServerEgress and providerEgress together narrow HTTPS", func(t *testing.T) {
		tcp := func(port int) map[string]any { return map[string]any{"port": port, "protocol": "TCP"} }
		apiServer := map[string]any{
			"to":    []any{map[string]any{"ipBlock": map[string]any{"cidr": "10.0.0.1/32"}}},
			"ports": []any{tcp(443), tcp(6443)},
		}
		models := map[string]any{
			"to":    []any{map[string]any{"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "models"}}}},
			"ports": []any{tcp(8000)},
		}
		objects := render(t, map[string]any{"networkPolicy": map[string]any{
			"apiServerEgress": []any{apiServer}, "providerEgress": []any{models}}})
		if open := httpsAnywhere(t, objects); len(open) > 0 {
			t.Errorf("HTTPS still goes anywhere through %s", toYAML(t, open))
		}
		egress := toYAML(t, field[[]any](t, objects["NetworkPolicy/"+Namespace+"/bottleneck-controller-manager"], "spec", "egress"))
		for _, want := range []string{"10.0.0.1/32", "models"} {
			if !strings.Contains(egress, want) {
				t.Errorf("egress = %s, want a rule with %s", egress, want)
			}
		}
	})

	t.Run("one replica gets no PodDisruptionBudget, which would block every drain", func(t *testing.T) {
		objects := render(t, map[string]any{"replicaCount": 1})
		if _, ok := objects["PodDisruptionBudget/"+Namespace+"/bottleneck-controller-manager"]; ok {
			t.Error("a PodDisruptionBudget with minAvailable 1 for a single replica")
		}
		if _, ok := render(t, Values(false))["PodDisruptionBudget/"+Namespace+"/bottleneck-controller-manager"]; !ok {
			t.Error("no PodDisruptionBudget for the default two replicas")
		}
	})

	t.Run("extraArgs may not set a flag that a value sets and checks", func(t *testing.T) {
		for _, tc := range []struct{ arg, names string }{
			{"--dashboard-bind-address=:8082", "--dashboard-bind-address, which the chart sets itself: set dashboard.enabled and dashboard.expose"},
			{"-leader-elect=false", "--leader-elect, which the chart sets itself: set leaderElection.enabled"},
			{"--credentials-namespace", "--credentials-namespace, which the chart sets itself: set credentialsNamespace"},
		} {
			_, err := RenderChart(filepath.Join(root, ChartPath), map[string]any{"extraArgs": []any{"--zap-log-level=debug", tc.arg}})
			if err == nil || !strings.Contains(err.Error(), tc.names) {
				t.Errorf("extraArgs %s: err = %v, want a refusal naming %s", tc.arg, err, tc.names)
			}
		}
		args := managerArgs(t, render(t, map[string]any{"extraArgs": []any{"--zap-log-level=debug", "--forecast-concurrency=8"}}))
		if !slices.Contains(args, "--zap-log-level=debug") || !slices.Contains(args, "--forecast-concurrency=8") {
			t.Errorf("args %v lack the extra flags", args)
		}
	})

	t.Run("two replicas without leader election are refused", func(t *testing.T) {
		_, err := RenderChart(filepath.Join(root, ChartPath), map[string]any{"leaderElection": map[string]any{"enabled": false}})
		if err == nil || !strings.Contains(err.Error(), "keep leader election on") {
			t.Errorf("err = %v, want the refusal of two managers at once", err)
		}
		objects := render(t, map[string]any{"leaderElection": map[string]any{"enabled": false}, "replicaCount": 1})
		if args := managerArgs(t, objects); slices.Contains(args, "--leader-elect") {
			t.Errorf("args %v elect a leader although leader election is off", args)
		}
	})

	t.Run("the graceful shutdown timeout and grace period are set together", func(t *testing.T) {
		objects := render(t, map[string]any{"gracefulShutdownTimeout": "130s", "terminationGracePeriodSeconds": 150})
		if args := managerArgs(t, objects); !slices.Contains(args, "--graceful-shutdown-timeout=130s") {
			t.Errorf("args %v lack --graceful-shutdown-timeout=130s", args)
		}
		deployment := objects["Deployment/"+Namespace+"/bottleneck-controller-manager"]
		if got := field[float64](t, deployment, "spec", "template", "spec", "terminationGracePeriodSeconds"); got != 150 {
			t.Errorf("terminationGracePeriodSeconds = %v, want 150", got)
		}
	})
}

// httpsAnywhere returns the NetworkPolicy's egress rules that let port 443
// out to any address: no peer (to) at all, or an ipBlock of 0.0.0.0/0.
func httpsAnywhere(t *testing.T, objects map[string]Object) []any {
	t.Helper()
	var open []any
	for _, rule := range field[[]any](t, objects["NetworkPolicy/"+Namespace+"/bottleneck-controller-manager"], "spec", "egress") {
		r := rule.(map[string]any)
		if list, _ := r["ports"].([]any); !slices.Contains(ports(list, "port"), int64(443)) {
			continue
		}
		if peers, _ := r["to"].([]any); len(peers) == 0 || strings.Contains(toYAML(t, peers), "0.0.0.0/0") {
			open = append(open, rule)
		}
	}
	return open
}

func manager(t *testing.T, objects map[string]Object) map[string]any {
	t.Helper()
	deployment, ok := objects["Deployment/"+Namespace+"/bottleneck-controller-manager"]
	if !ok {
		t.Fatal("no manager Deployment")
	}
	containers := field[[]any](t, deployment, "spec", "template", "spec", "containers")
	return containers[0].(map[string]any)
}

func managerArgs(t *testing.T, objects map[string]Object) []string {
	t.Helper()
	var args []string
	for _, arg := range field[[]any](t, manager(t, objects), "args") {
		args = append(args, arg.(string))
	}
	return args
}

func containerPorts(t *testing.T, objects map[string]Object) []int64 {
	t.Helper()
	return ports(field[[]any](t, manager(t, objects), "ports"), "containerPort")
}

func ingressPorts(t *testing.T, objects map[string]Object) []int64 {
	t.Helper()
	var all []int64
	for _, rule := range field[[]any](t, objects["NetworkPolicy/"+Namespace+"/bottleneck-controller-manager"], "spec", "ingress") {
		all = append(all, ports(rule.(map[string]any)["ports"].([]any), "port")...)
	}
	return all
}

func ports(list []any, name string) []int64 {
	var out []int64
	for _, p := range list {
		out = append(out, int64(p.(map[string]any)[name].(float64)))
	}
	return out
}

// field returns obj's value at path, failing the test if it is missing or
// not a T.
func field[T any](t *testing.T, obj Object, path ...string) T {
	t.Helper()
	var v any = obj
	for _, name := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%v: %q is not in an object", path, name)
		}
		v = m[name]
	}
	typed, ok := v.(T)
	if !ok {
		t.Fatalf("%v is %T, not %T", path, v, *new(T))
	}
	return typed
}

func toYAML(t *testing.T, v any) string {
	t.Helper()
	return string(check(yaml.Marshal(v))(t))
}
