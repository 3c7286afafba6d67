# bottleneck-operator. `make help` lists the targets.

IMG ?= ghcr.io/bottleneck-io/bottleneck-operator:latest
# The version stamped into the binary (bottleneck-operator --version).
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
K8S_VERSION ?= 1.37.2
CONTROLLER_TOOLS_VERSION ?= v0.23.0
CHART = charts/bottleneck-operator

LOCALBIN ?= $(CURDIR)/bin
CONTROLLER_GEN ?= $(LOCALBIN)/controller-gen
# The local control plane: kube-apiserver, etcd and kubectl built from source
# by hack/build-controlplane.sh (no release download).
CONTROLPLANE_DIR ?= $(LOCALBIN)/k8s/$(K8S_VERSION)-$(shell go env GOOS)-$(shell go env GOARCH)
# kubectl from PATH, or the one built with the control plane.
KUBECTL ?= $(shell command -v kubectl || echo $(CONTROLPLANE_DIR)/kubectl)

export KUBEBUILDER_ASSETS = $(CONTROLPLANE_DIR)
export CONTROLPLANE_DIR

SHELL = /usr/bin/env bash -o pipefail
.SHELLFLAGS = -ec

.PHONY: all
all: build

##@ General

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "\nUsage:\n  make \033[36m<target>\033[0m\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) } ' $(MAKEFILE_LIST)

##@ Development

.PHONY: manifests
manifests: controller-gen ## Generate the CRDs and the RBAC role from the code markers, and copy them (and the alert rules) into the Helm chart.
	$(CONTROLLER_GEN) rbac:roleName=manager-role crd paths="./..." output:crd:artifacts:config=config/crd/bases
	cp config/crd/bases/*.yaml $(CHART)/crds/
	cp config/rbac/role.yaml config/prometheus/rules.yaml $(CHART)/files/

.PHONY: generate
generate: controller-gen ## Generate the DeepCopy methods of the API types.
	$(CONTROLLER_GEN) object:headerFile="hack/boilerplate.go.txt" paths="./..."

.PHONY: docs
docs: ## Write the API reference, docs/reference/api.md, from the Go types in api/v1alpha1.
	go run ./hack/apidocs

.PHONY: fmt
fmt: ## Run go fmt.
	go fmt ./...

.PHONY: vet
vet: ## Run go vet.
	go vet ./...

.PHONY: test
test: manifests generate fmt vet controlplane chromium promtool ## Run every test: unit, envtest suites, end-to-end on a real control plane, the dashboard in Chromium, and the alert rules in promtool.
	go test ./... -count=1 -timeout 30m
	cd hack/promqlnames && go test ./... -count=1
	go -C hack/chart test ./... -count=1

.PHONY: chromium
chromium: ## Install Debian's chromium for the dashboard's browser test, when missing.
	hack/install-deb.sh chromium chromium fonts-liberation

.PHONY: promtool
promtool: ## Install Debian's prometheus package for promtool, which tests the alert rules, when missing.
	hack/install-deb.sh promtool prometheus

.PHONY: bench
bench: ## Run the benchmarks.
	go test -run '^$$' -bench . -benchmem ./internal/...

.PHONY: bench-e2e
bench-e2e: controlplane ## Measure the provider gate on the built manager with 1,000 Forecasts (throughput, rate, pause, fairness); the table goes in docs/performance.md.
	GATE_BENCH_N=1000 GATE_BENCH_OUT=$(LOCALBIN)/gate-bench.txt go test ./test/e2e/ -count=1 -timeout 30m -args -ginkgo.label-filter=bench
	@cat $(LOCALBIN)/gate-bench.txt

.PHONY: bench-scale
bench-scale: controlplane ## Measure the operator at scale on the built manager: API floor against the operator at 1,000 and 10,000 Forecasts, memory, idle CPU, API requests per result, the lock's cost per event, failover latency; the table goes in docs/performance.md.
	SCALE_BENCH_N=10000 SCALE_BENCH_OUT=$(LOCALBIN)/scale-bench.txt go test ./test/e2e/ -count=1 -timeout 90m -args -ginkgo.timeout=90m -ginkgo.label-filter=scale
	@cat $(LOCALBIN)/scale-bench.txt

.PHONY: endurance
endurance: controlplane ## Run the endurance scenarios with 300 Forecasts: outage under load, kill -9 three times, two replicas, an API server restart.
	ENDURANCE_N=300 go test -v ./test/e2e/ -count=1 -timeout 60m -args -ginkgo.timeout=60m -ginkgo.label-filter=endurance

.PHONY: test-install
test-install: controlplane ## The install's proof: server-side dry runs of config/default and the monitoring overlay, and the manager run under only its own RBAC with the audit log on (make test runs it too).
	go test ./test/e2e/ -count=1 -args -ginkgo.label-filter=install -ginkgo.v

.PHONY: test-chart
test-chart: ## Lint the Helm chart (helm lint --strict, by the Helm SDK), render it and compare it, object by object, with the kustomize install, and check its values (make test runs it too).
	go -C hack/chart test ./... -count=1

.PHONY: monitoring-crds
monitoring-crds: controller-gen ## Regenerate testdata/monitoring-crds (ServiceMonitor, PrometheusRule) from the prometheus-operator Go types.
	hack/monitoring-crds/generate.sh

.PHONY: dashboard-check
dashboard-check: controlplane ## Check that every metric the Grafana dashboard and the alert rules query is served by the built manager after a run that exercises them (make test runs it too).
	go test ./test/e2e/ -count=1 -timeout 10m -args -ginkgo.label-filter=grafana

.PHONY: accuracy
accuracy: ## Score the baseline on the M3 series beside THETA, ForecastPro, DAMPEN and NAIVE2, into docs/accuracy.md.
	go run ./cmd/accuracy -data testdata/m3 -out docs/accuracy.md

.PHONY: measure-failover
measure-failover: controlplane ## Time failover, from the threshold-crossing failure to the new provider being active, over 25 runs.
	FAILOVER_LATENCY_RUNS=25 go test ./controllers/ -count=1 -v -args -ginkgo.label-filter=measure -ginkgo.no-color | grep -A1 'failover latency -'

##@ Build

.PHONY: build
build: manifests generate fmt vet ## Build the manager binary into bin/manager.
	go build -ldflags "-X main.version=$(VERSION)" -o $(LOCALBIN)/manager .

.PHONY: run
run: manifests generate fmt vet ## Run the manager against the cluster of the current kubeconfig.
	go run . --dashboard-bind-address=:8082

.PHONY: run-local
run-local: manifests generate controlplane ## Local mode: start a local control plane, install the CRDs and samples, run the manager.
	go build -o $(LOCALBIN)/run-local ./cmd/localmode
	$(LOCALBIN)/run-local

.PHONY: controlplane
controlplane: ## Build kube-apiserver, etcd and kubectl from source into bin/k8s/ (only when missing).
	@K8S_VERSION=$(K8S_VERSION) hack/build-controlplane.sh >/dev/null

.PHONY: docker-build
docker-build: ## Build the manager's container image (needs a Docker engine).
	docker build --build-arg VERSION=$(VERSION) -t $(IMG) .

.PHONY: build-installer
build-installer: manifests generate ## Write dist/install.yaml (CRDs, RBAC, the manager Deployment) for the image $(IMG).
	mkdir -p dist
	$(KUBECTL) kustomize config/default | sed 's#ghcr.io/bottleneck-io/bottleneck-operator:latest#$(IMG)#' > dist/install.yaml

##@ Deployment

.PHONY: install
install: manifests ## Install the CRDs into the cluster of the current kubeconfig.
	$(KUBECTL) apply --server-side -f config/crd/bases

.PHONY: uninstall
uninstall: manifests ## Remove the CRDs (and every Forecast and ProviderLock) from the cluster.
	$(KUBECTL) delete --ignore-not-found -f config/crd/bases

.PHONY: deploy
deploy: build-installer ## Deploy the operator into the cluster of the current kubeconfig.
	$(KUBECTL) apply --server-side -f dist/install.yaml

.PHONY: undeploy
undeploy: build-installer ## Remove the operator from the cluster.
	$(KUBECTL) delete --ignore-not-found -f dist/install.yaml

##@ Tools

.PHONY: controller-gen
controller-gen: $(CONTROLLER_GEN) ## Install controller-gen into bin/ (only when missing).
$(CONTROLLER_GEN):
	GOBIN=$(LOCALBIN) go install sigs.k8s.io/controller-tools/cmd/controller-gen@$(CONTROLLER_TOOLS_VERSION)
