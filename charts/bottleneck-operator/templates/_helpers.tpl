{{/* The app.kubernetes.io/name label. */}}
{{- define "bottleneck.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The prefix of every object's name: the release name, as config/default's
namePrefix, so that release "bottleneck" names the objects as kustomize does.
Cut to leave room for the longest suffix (-controller-manager-dashboard-service)
in a Service name's 63 characters.
*/}}
{{- define "bottleneck.prefix" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 25 | trimSuffix "-" }}
{{- end }}

{{- define "bottleneck.manager" -}}
{{ include "bottleneck.prefix" . }}-controller-manager
{{- end }}

{{/* The namespace of the provider Secrets. */}}
{{- define "bottleneck.credentialsNamespace" -}}
{{- default .Release.Namespace .Values.credentialsNamespace }}
{{- end }}

{{/* Labels of every object (never in selectors). */}}
{{- define "bottleneck.labels" -}}
app.kubernetes.io/name: {{ include "bottleneck.name" . }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The manager pods' labels, as config/manager selects them. */}}
{{- define "bottleneck.selectorLabels" -}}
control-plane: controller-manager
app.kubernetes.io/name: {{ include "bottleneck.name" . }}
{{- end }}

{{/*
"true" when the dashboard is served to the cluster network, else empty.
Exposing every namespace's Forecasts without authentication is refused.
*/}}
{{- define "bottleneck.dashboardExposed" -}}
{{- if and .Values.dashboard.enabled .Values.dashboard.expose }}
{{- if not .Values.dashboard.secure }}
{{- fail "dashboard.expose serves every namespace's Forecasts to the cluster network: set dashboard.secure=true too, or reach the dashboard with kubectl port-forward" }}
{{- end }}
{{- true }}
{{- end }}
{{- end }}

{{/* The manager's --dashboard-bind-address. */}}
{{- define "bottleneck.dashboardAddress" -}}
{{- if not .Values.dashboard.enabled }}0
{{- else if include "bottleneck.dashboardExposed" . }}:8082
{{- else }}127.0.0.1:8082
{{- end }}
{{- end }}

{{/*
extraArgs, as a JSON array, once none of them sets a flag that the chart
sets from its values: a later flag wins, so --dashboard-bind-address=:8082
there would serve the dashboard unauthenticated past dashboard.expose's
check, and --leader-elect=false would run two managers at once.
*/}}
{{- define "bottleneck.extraArgs" -}}
{{- $owned := dict
  "leader-elect" "leaderElection.enabled"
  "dashboard-bind-address" "dashboard.enabled and dashboard.expose"
  "dashboard-secure" "dashboard.secure"
  "graceful-shutdown-timeout" "gracefulShutdownTimeout"
  "credentials-namespace" "credentialsNamespace"
  "health-probe-bind-address" "nothing: the probes are on port 8081"
  "metrics-bind-address" "nothing: the metrics Service and ServiceMonitor read port 8443" }}
{{- range .Values.extraArgs }}
{{- $flag := . | trimPrefix "-" | trimPrefix "-" | splitList "=" | first }}
{{- with get $owned $flag }}
{{- fail (printf "extraArgs sets --%s, which the chart sets itself: set %s instead" $flag .) }}
{{- end }}
{{- end }}
{{- .Values.extraArgs | toJson }}
{{- end }}
