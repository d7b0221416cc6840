{{/*
Names, labels, image and the shared pieces of the Portico pods. Helpers that need a component take
(dict "root" $ "component" "<name>"), so they work inside range/with scopes too.
*/}}

{{/* Chart name, at most 63 characters (a DNS label). */}}
{{- define "portico.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Fully qualified name `<release>-<chart>` (the release name alone when it already contains the chart
name), at most 63 characters; portico.componentName shortens it further to fit a suffix.
*/}}
{{- define "portico.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* `<fullname>-<suffix>` within 63 characters: the fullname is shortened, never the suffix. */}}
{{- define "portico.componentName" -}}
{{- $suffix := .component -}}
{{- $base := include "portico.fullname" .root | trunc (int (sub 62 (len $suffix))) | trimSuffix "-" -}}
{{- printf "%s-%s" $base $suffix -}}
{{- end -}}

{{- define "portico.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every resource. */}}
{{- define "portico.labels" -}}
helm.sh/chart: {{ include "portico.chart" . }}
{{ include "portico.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: portico
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "portico.selectorLabels" -}}
app.kubernetes.io/name: {{ include "portico.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of one component's resources: (dict "root" $ "component" "gateway"). */}}
{{- define "portico.componentLabels" -}}
{{ include "portico.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "portico.componentSelectorLabels" -}}
{{ include "portico.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/*
Labels of a Portico pod: (dict "root" $ "component" "<name>" "pool" "<pool or empty>" "extra" <podLabels>).
The chart's labels win over the component's podLabels: the selectors depend on them.
*/}}
{{- define "portico.podLabels" -}}
{{- $labels := fromYaml (include "portico.componentLabels" (dict "root" .root "component" .component)) -}}
{{- if .pool -}}
{{- $_ := set $labels "portico/worker-pool" .pool -}}
{{- end -}}
{{- toYaml (merge $labels (.extra | default dict)) -}}
{{- end -}}

{{/* Selector labels of one worker pool's pods: (dict "root" $ "pool" "<name>"). */}}
{{- define "portico.workerSelectorLabels" -}}
{{ include "portico.componentSelectorLabels" (dict "root" .root "component" "worker") }}
portico/worker-pool: {{ .pool }}
{{- end -}}

{{/* The Portico image: repository@digest, or repository:tag (tag defaults to appVersion). */}}
{{- define "portico.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "portico.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "portico.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The chart's own Secret (admin token, generated passwords, connection URLs). */}}
{{- define "portico.secretName" -}}
{{- include "portico.fullname" . -}}
{{- end -}}

{{- define "portico.configMapName" -}}
{{- include "portico.fullname" . -}}
{{- end -}}

{{- define "portico.redis.fullname" -}}
{{- include "portico.componentName" (dict "root" . "component" "redis") -}}
{{- end -}}

{{- define "portico.mongodb.fullname" -}}
{{- include "portico.componentName" (dict "root" . "component" "mongodb") -}}
{{- end -}}

{{- define "portico.registry.fullname" -}}
{{- include "portico.componentName" (dict "root" . "component" "registry") -}}
{{- end -}}

{{- define "portico.gateway.fullname" -}}
{{- include "portico.componentName" (dict "root" . "component" "gateway") -}}
{{- end -}}

{{/* A worker pool's resources: (dict "root" $ "pool" "<name>"). */}}
{{- define "portico.worker.fullname" -}}
{{- include "portico.componentName" (dict "root" .root "component" (printf "worker-%s" .pool)) -}}
{{- end -}}

{{/*
One pool with its defaults filled in, as YAML (use with fromYaml): each key the pool sets replaces
the key of workers.poolDefaults as a whole (no deep merge, so `false`, `0` and `{}` in a pool win).
*/}}
{{- define "portico.workerPool" -}}
{{- $pool := .pool -}}
{{- $out := dict "name" $pool.name -}}
{{- range $key, $default := .root.Values.workers.poolDefaults -}}
{{- if hasKey $pool $key -}}
{{- $_ := set $out $key (get $pool $key) -}}
{{- else -}}
{{- $_ := set $out $key $default -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* Where each secret environment variable comes from: Secret name and key. */}}
{{- define "portico.adminTokenSecretRef" -}}
{{- if .Values.auth.existingSecret -}}
name: {{ .Values.auth.existingSecret }}
key: {{ .Values.auth.existingSecretKey }}
{{- else -}}
name: {{ include "portico.secretName" . }}
key: admin-token
{{- end -}}
{{- end -}}

{{- define "portico.redisUrlSecretRef" -}}
{{- if and (not .Values.redis.enabled) .Values.externalRedis.existingSecret -}}
name: {{ .Values.externalRedis.existingSecret }}
key: {{ .Values.externalRedis.existingSecretKey }}
{{- else -}}
name: {{ include "portico.secretName" . }}
key: redis-url
{{- end -}}
{{- end -}}

{{- define "portico.mongodbUriSecretRef" -}}
{{- if and (not .Values.mongodb.enabled) .Values.externalMongodb.existingSecret -}}
name: {{ .Values.externalMongodb.existingSecret }}
key: {{ .Values.externalMongodb.existingSecretKey }}
{{- else -}}
name: {{ include "portico.secretName" . }}
key: mongodb-uri
{{- end -}}
{{- end -}}

{{/*
Environment of a Portico container: (dict "root" $ "redis" true "mongodb" true "adminToken" true).
Each component gets only the secrets it uses: the gateway never sees the admin token nor MongoDB.
*/}}
{{- define "portico.env" -}}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      {{- include "portico.redisUrlSecretRef" .root | nindent 6 }}
{{- if .mongodb }}
- name: MONGODB_URI
  valueFrom:
    secretKeyRef:
      {{- include "portico.mongodbUriSecretRef" .root | nindent 6 }}
{{- end }}
{{- if .adminToken }}
- name: PORTICO_ADMIN_TOKEN
  valueFrom:
    secretKeyRef:
      {{- include "portico.adminTokenSecretRef" .root | nindent 6 }}
{{- end }}
{{- with .root.Values.config.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Startup, liveness and readiness probes on a named port: (dict "root" $ "port" "http"). */}}
{{- define "portico.probes" -}}
{{- $p := .root.Values.probes -}}
startupProbe:
  httpGet:
    path: /healthz
    port: {{ .port }}
  periodSeconds: {{ $p.startup.periodSeconds }}
  timeoutSeconds: {{ $p.startup.timeoutSeconds }}
  failureThreshold: {{ $p.startup.failureThreshold }}
livenessProbe:
  httpGet:
    path: /healthz
    port: {{ .port }}
  periodSeconds: {{ $p.liveness.periodSeconds }}
  timeoutSeconds: {{ $p.liveness.timeoutSeconds }}
  failureThreshold: {{ $p.liveness.failureThreshold }}
readinessProbe:
  httpGet:
    path: /readyz
    port: {{ .port }}
  periodSeconds: {{ $p.readiness.periodSeconds }}
  timeoutSeconds: {{ $p.readiness.timeoutSeconds }}
  failureThreshold: {{ $p.readiness.failureThreshold }}
{{- end -}}

{{/* Pod-level settings shared by the Portico pods. */}}
{{- define "portico.podCommon" -}}
serviceAccountName: {{ include "portico.serviceAccountName" . }}
automountServiceAccountToken: false
enableServiceLinks: false
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}

{{/*
Annotations of a Portico pod: (dict "root" $ "port" <containerPort> "extra" <podAnnotations>). The
config checksum rolls the pods when the ConfigMap changes; the prometheus.io ones point scrapers at
/metrics on the same port; the component's podAnnotations win over both.
*/}}
{{- define "portico.podAnnotations" -}}
{{- $annotations := dict "checksum/config" (include (print .root.Template.BasePath "/configmap.yaml") .root | sha256sum) -}}
{{- if .root.Values.metrics.scrapeAnnotations -}}
{{- $_ := set $annotations "prometheus.io/scrape" "true" -}}
{{- $_ := set $annotations "prometheus.io/port" (toString .port) -}}
{{- $_ := set $annotations "prometheus.io/path" "/metrics" -}}
{{- end -}}
{{- toYaml (merge (deepCopy (.extra | default dict)) $annotations) -}}
{{- end -}}

{{/* A PodDisruptionBudget spec body from a pdb values block (empty strings are unset). */}}
{{- define "portico.pdbSpec" -}}
{{- if not (eq (toString .minAvailable) "") }}
minAvailable: {{ .minAvailable }}
{{- end }}
{{- if not (eq (toString .maxUnavailable) "") }}
maxUnavailable: {{ .maxUnavailable }}
{{- end }}
{{- end -}}

{{/* HPA metrics from an autoscaling values block (empty strings are not targets). */}}
{{- define "portico.hpaMetrics" -}}
{{- if not (eq (toString .targetCPUUtilizationPercentage) "") }}
- type: Resource
  resource:
    name: cpu
    target:
      type: Utilization
      averageUtilization: {{ .targetCPUUtilizationPercentage }}
{{- end }}
{{- if not (eq (toString .targetMemoryUtilizationPercentage) "") }}
- type: Resource
  resource:
    name: memory
    target:
      type: Utilization
      averageUtilization: {{ .targetMemoryUtilizationPercentage }}
{{- end }}
{{- end -}}
