package e2e

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"

	"github.com/bottleneck-io/bottleneck-operator/internal/controlplane"
)

const (
	// installNamespace and managerAccount are what config/default makes of
	// config/rbac's `system` namespace and `controller-manager` account.
	installNamespace = "bottleneck-system"
	managerAccount   = "bottleneck-controller-manager"
	managerUser      = "system:serviceaccount:" + installNamespace + ":" + managerAccount
)

// auditPolicyYAML records the metadata of the manager's requests and of
// nobody else's, so that the log holds only what the manager did.
const auditPolicyYAML = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: Metadata
  users: ["` + managerUser + `"]
- level: None
`

// startAuditedControlPlane is startControlPlane with the API server's audit
// log on; it returns the admin kubeconfig's path and the log's path.
func startAuditedControlPlane() (kubeconfig, auditLog string) {
	GinkgoHelper()
	dir := GinkgoT().TempDir()
	policy := filepath.Join(dir, "audit-policy.yaml")
	Expect(os.WriteFile(policy, []byte(auditPolicyYAML), 0o600)).To(Succeed())
	auditLog = filepath.Join(dir, "audit.log")
	env, err := controlplane.StartWith(root, controlplane.Options{AuditPolicyFile: policy, AuditLogPath: auditLog})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(env.Stop)
	kubeconfig = filepath.Join(dir, "kubeconfig")
	Expect(os.WriteFile(kubeconfig, env.Kubeconfig, 0o600)).To(Succeed())
	return kubeconfig, auditLog
}

// installMonitoringCRDs installs the monitoring.coreos.com CRDs that
// hack/monitoring-crds/generate.sh makes, and waits until they serve.
func installMonitoringCRDs(ctx context.Context, kubeconfig string) {
	GinkgoHelper()
	kubectlOK(ctx, kubeconfig, "apply", "--server-side", "-f", "testdata/monitoring-crds")
	kubectlOK(ctx, kubeconfig, "wait", "--for=condition=Established", "--timeout=30s",
		"crd/servicemonitors.monitoring.coreos.com", "crd/prometheusrules.monitoring.coreos.com")
}

// dryRun applies manifest with --dry-run=server and returns kubectl's
// output: the API server admits or refuses each object, and creates none.
func dryRun(ctx context.Context, kubeconfig, manifest string) string {
	GinkgoHelper()
	path := filepath.Join(GinkgoT().TempDir(), "manifest.yaml")
	Expect(os.WriteFile(path, []byte(manifest), 0o600)).To(Succeed())
	return kubectlOK(ctx, kubeconfig, "apply", "--dry-run=server", "-f", path)
}

// decodeManifests splits multi-document YAML into objects.
func decodeManifests(text string) []unstructured.Unstructured {
	GinkgoHelper()
	var objs []unstructured.Unstructured
	dec := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(text), 4096)
	for {
		var obj unstructured.Unstructured
		err := dec.Decode(&obj.Object)
		if errors.Is(err, io.EOF) {
			return objs
		}
		Expect(err).NotTo(HaveOccurred())
		if len(obj.Object) > 0 {
			objs = append(objs, obj)
		}
	}
}

// rbacKinds are the objects of the install that make the manager's
// identity and what it may do.
var rbacKinds = []string{"ServiceAccount", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}

// writeRBAC writes the install's RBAC objects to a file for kubectl apply.
func writeRBAC(objs []unstructured.Unstructured) string {
	GinkgoHelper()
	var b strings.Builder
	for _, obj := range objs {
		if slices.Contains(rbacKinds, obj.GetKind()) {
			out, err := yaml.Marshal(obj.Object)
			Expect(err).NotTo(HaveOccurred())
			b.WriteString("---\n")
			b.Write(out)
		}
	}
	path := filepath.Join(GinkgoT().TempDir(), "rbac.yaml")
	Expect(os.WriteFile(path, []byte(b.String()), 0o600)).To(Succeed())
	return path
}

// permission is one verb on one resource ("forecasts/status" for a
// subresource) of an API group, in Namespace, or in every namespace when
// Namespace is empty (a ClusterRole's rule, a cluster-wide request).
type permission struct {
	Group, Resource, Verb, Namespace string
}

func (p permission) String() string {
	where := "cluster-wide"
	if p.Namespace != "" {
		where = "in " + p.Namespace
	}
	group := p.Group
	if group == "" {
		group = "core"
	}
	return fmt.Sprintf("%s %s.%s %s", p.Verb, p.Resource, group, where)
}

// covers says whether the grant p allows the request use.
func (p permission) covers(use permission) bool {
	return p.Group == use.Group && p.Resource == use.Resource && p.Verb == use.Verb &&
		(p.Namespace == "" || p.Namespace == use.Namespace)
}

// grantsTo returns every permission the objects' bindings give to the
// ServiceAccount namespace/name, failing on a wildcard or a resourceNames
// rule, which least privilege and this comparison leave out.
func grantsTo(objs []unstructured.Unstructured, namespace, name string) []permission {
	GinkgoHelper()
	rules := map[string][]rbacv1.PolicyRule{} // by "Kind namespace/name"
	for _, obj := range objs {
		switch obj.GetKind() {
		case "Role", "ClusterRole":
			var role rbacv1.Role // a ClusterRole's rules decode the same
			Expect(runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, &role)).To(Succeed())
			rules[obj.GetKind()+" "+obj.GetNamespace()+"/"+obj.GetName()] = role.Rules
		}
	}
	var grants []permission
	for _, obj := range objs {
		if obj.GetKind() != "RoleBinding" && obj.GetKind() != "ClusterRoleBinding" {
			continue
		}
		var binding rbacv1.RoleBinding
		Expect(runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, &binding)).To(Succeed())
		if !bindsAccount(binding.Subjects, namespace, name) {
			continue
		}
		roleNamespace := "" // a ClusterRole; a Role is in the binding's namespace
		if binding.RoleRef.Kind == "Role" {
			roleNamespace = binding.Namespace
		}
		role, ok := rules[binding.RoleRef.Kind+" "+roleNamespace+"/"+binding.RoleRef.Name]
		Expect(ok).To(BeTrue(), "%s %s binds %s %s, which the install lacks", obj.GetKind(), obj.GetName(),
			binding.RoleRef.Kind, binding.RoleRef.Name)
		grants = append(grants, expand(role, binding.Namespace)...)
	}
	return grants
}

func bindsAccount(subjects []rbacv1.Subject, namespace, name string) bool {
	return slices.ContainsFunc(subjects, func(s rbacv1.Subject) bool {
		return s.Kind == rbacv1.ServiceAccountKind && s.Namespace == namespace && s.Name == name
	})
}

// expand lists the permissions of rules, bound in namespace ("" for a
// ClusterRoleBinding).
func expand(rules []rbacv1.PolicyRule, namespace string) []permission {
	GinkgoHelper()
	var out []permission
	for _, r := range rules {
		Expect(r.ResourceNames).To(BeEmpty(), "a rule with resourceNames: %v", r)
		for _, list := range [][]string{r.APIGroups, r.Resources, r.Verbs} {
			Expect(list).NotTo(ContainElement("*"), "a wildcard in %v", r)
		}
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				for _, v := range r.Verbs {
					out = append(out, permission{Group: g, Resource: res, Verb: v, Namespace: namespace})
				}
			}
		}
	}
	return out
}

// auditEvent is the part of an audit.k8s.io/v1 Event the test reads.
type auditEvent struct {
	RequestURI string `json:"requestURI"`
	Verb       string `json:"verb"`
	User       struct {
		Username string `json:"username"`
	} `json:"user"`
	ObjectRef *struct {
		Resource, Subresource, Namespace, APIGroup string
	} `json:"objectRef"`
	ResponseStatus *struct {
		Code int32 `json:"code"`
	} `json:"responseStatus"`
}

// permission is what the request needed, or false for a request to a
// non-resource path (discovery, /version), which every user may make.
func (e auditEvent) permission() (permission, bool) {
	if e.ObjectRef == nil {
		return permission{}, false
	}
	resource := e.ObjectRef.Resource
	if e.ObjectRef.Subresource != "" {
		resource += "/" + e.ObjectRef.Subresource
	}
	return permission{Group: e.ObjectRef.APIGroup, Resource: resource, Verb: e.Verb, Namespace: e.ObjectRef.Namespace}, true
}

// readAudit returns the events of user's requests in the audit log.
func readAudit(path, user string) []auditEvent {
	GinkgoHelper()
	f, err := os.Open(path)
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	var events []auditEvent
	lines := bufio.NewScanner(f)
	lines.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	for lines.Scan() {
		var e auditEvent
		Expect(json.Unmarshal(lines.Bytes(), &e)).To(Succeed())
		if e.User.Username == user {
			events = append(events, e)
		}
	}
	Expect(lines.Err()).NotTo(HaveOccurred())
	return events
}

// rbacReport compares what was granted with what was used.
type rbacReport struct {
	used      []permission // each once
	forbidden []string     // requests answered 403
	ungranted []permission // used, but no grant covers it
	unused    []permission // granted, never used, and not a known rarer path
}

// problems names each refused request, each request the grants do not
// cover, and each grant never used.
func (r rbacReport) problems() []string {
	var out []string
	for _, req := range r.forbidden {
		out = append(out, "refused (403): "+req)
	}
	for _, p := range r.ungranted {
		out = append(out, "used but not granted: "+p.String())
	}
	for _, p := range r.unused {
		out = append(out, "granted but never used (remove it, or add it to rarerPaths with the code path that needs it): "+p.String())
	}
	return out
}

// compareRBAC checks the requests of events against grants; rarer lists,
// with the reason, the grants a short run may not use.
func compareRBAC(events []auditEvent, grants []permission, rarer map[permission]string) rbacReport {
	var r rbacReport
	for _, e := range events {
		if e.ResponseStatus != nil && e.ResponseStatus.Code == http.StatusForbidden {
			r.forbidden = append(r.forbidden, e.Verb+" "+e.RequestURI)
		}
		if p, ok := e.permission(); ok && !slices.Contains(r.used, p) {
			r.used = append(r.used, p)
		}
	}
	for _, use := range r.used {
		if !slices.ContainsFunc(grants, func(g permission) bool { return g.covers(use) }) {
			r.ungranted = append(r.ungranted, use)
		}
	}
	for _, g := range grants {
		_, known := rarer[g]
		if !known && !slices.ContainsFunc(r.used, g.covers) {
			r.unused = append(r.unused, g)
		}
	}
	return r
}

// runCommand runs a command in dir and fails the spec, with its output, when
// it fails.
func runCommand(ctx context.Context, dir, name string, args ...string) {
	GinkgoHelper()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "%s %s: %s", name, strings.Join(args, " "), out)
}

// serviceAccountKubeconfig writes a kubeconfig of the admin one's cluster
// that authenticates with a token the API server issues to the
// ServiceAccount (the TokenRequest API), as a pod's projected token would.
func serviceAccountKubeconfig(ctx context.Context, adminKubeconfig, namespace, name string) string {
	GinkgoHelper()
	config, err := clientcmd.LoadFromFile(adminKubeconfig)
	Expect(err).NotTo(HaveOccurred())
	token := serviceAccountToken(ctx, adminKubeconfig, namespace, name)
	for _, auth := range config.AuthInfos {
		auth.ClientCertificateData, auth.ClientKeyData = nil, nil
		auth.ClientCertificate, auth.ClientKey = "", ""
		auth.Token = token
	}
	path := filepath.Join(GinkgoT().TempDir(), name+".kubeconfig")
	Expect(clientcmd.WriteToFile(*config, path)).To(Succeed())
	return path
}

// serviceAccountToken returns a token of the ServiceAccount. It is never
// printed: a failure shows kubectl's output only when kubectl failed.
func serviceAccountToken(ctx context.Context, adminKubeconfig, namespace, name string) string {
	GinkgoHelper()
	out, err := run(ctx, adminKubeconfig, "create", "token", name, "-n", namespace, "--duration=1h")
	Expect(err).NotTo(HaveOccurred(), "kubectl create token: %s", out)
	return strings.TrimSpace(out)
}

// scrapeSecure gets the manager's HTTPS metrics page (its certificate is
// self-signed) with a bearer token, and returns the status and the body.
func scrapeSecure(ctx context.Context, addr, token string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+addr+"/metrics", nil)
	if err != nil {
		return 0, "", err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}
