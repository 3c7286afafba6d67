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
