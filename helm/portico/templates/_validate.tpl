{{/*
Checks across values that values.schema.json cannot express. Every problem found is listed in one
failure, so an operator fixes them all in one go. Included from configmap.yaml, which every
installation renders.
*/}}
{{- define "portico.validateValues" -}}
{{- $errors := list -}}
{{- $v := .Values -}}

{{/* Cluster mode needs Redis and MongoDB: bundled or external, exactly one of them. */}}
{{- $externalRedis := or $v.externalRedis.url $v.externalRedis.existingSecret -}}
{{- if and (not $v.redis.enabled) (not $externalRedis) -}}
{{- $errors = append $errors "no Redis: set redis.enabled=true (bundled) or externalRedis.url / externalRedis.existingSecret" -}}
{{- end -}}
{{- if and $v.redis.enabled $externalRedis -}}
{{- $errors = append $errors "two Redis: redis.enabled=true and an externalRedis is set; choose one" -}}
{{- end -}}
{{- if and $v.externalRedis.url $v.externalRedis.existingSecret -}}
{{- $errors = append $errors "externalRedis.url and externalRedis.existingSecret are both set; choose one" -}}
{{- end -}}
{{- $externalMongodb := or $v.externalMongodb.uri $v.externalMongodb.existingSecret -}}
{{- if and (not $v.mongodb.enabled) (not $externalMongodb) -}}
{{- $errors = append $errors "no MongoDB: set mongodb.enabled=true (bundled) or externalMongodb.uri / externalMongodb.existingSecret" -}}
{{- end -}}
{{- if and $v.mongodb.enabled $externalMongodb -}}
{{- $errors = append $errors "two MongoDB: mongodb.enabled=true and an externalMongodb is set; choose one" -}}
{{- end -}}
{{- if and $v.externalMongodb.uri $v.externalMongodb.existingSecret -}}
{{- $errors = append $errors "externalMongodb.uri and externalMongodb.existingSecret are both set; choose one" -}}
{{- end -}}

{{/* The admin token comes from one place. */}}
{{- if and $v.auth.adminToken $v.auth.existingSecret -}}
{{- $errors = append $errors "auth.adminToken and auth.existingSecret are both set; choose one" -}}
{{- end -}}

{{/*
The admin API is never served on the public data-plane host: both ingresses on one host would put
/admin next to the tenants' endpoints.
*/}}
{{- if $v.registry.ingress.enabled -}}
{{- if not $v.registry.ingress.hosts -}}
{{- $errors = append $errors "registry.ingress.enabled=true needs at least one entry in registry.ingress.hosts" -}}
{{- end -}}
{{- if $v.gateway.ingress.enabled -}}
{{- range $v.registry.ingress.hosts -}}
{{- if has . $v.gateway.ingress.hosts -}}
{{- $errors = append $errors (printf "admin ingress and data-plane ingress share the host %q: give registry.ingress.hosts its own host" .) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and $v.gateway.ingress.enabled (not $v.gateway.ingress.hosts) -}}
{{- $errors = append $errors "gateway.ingress.enabled=true needs at least one entry in gateway.ingress.hosts" -}}
{{- end -}}

{{/* Autoscaling bounds and targets. */}}
{{- $scalers := list (dict "name" "gateway.autoscaling" "a" $v.gateway.autoscaling) -}}
{{- range $v.workers.pools -}}
{{- $pool := fromYaml (include "portico.workerPool" (dict "root" $ "pool" .)) -}}
{{- $scalers = append $scalers (dict "name" (printf "workers.pools[%s].autoscaling" $pool.name) "a" $pool.autoscaling) -}}
{{- end -}}
{{- range $scalers -}}
{{- if .a.enabled -}}
{{- if gt (int .a.minReplicas) (int .a.maxReplicas) -}}
{{- $errors = append $errors (printf "%s: minReplicas (%d) is greater than maxReplicas (%d)" .name (int .a.minReplicas) (int .a.maxReplicas)) -}}
{{- end -}}
{{- if and (eq (toString .a.targetCPUUtilizationPercentage) "") (eq (toString .a.targetMemoryUtilizationPercentage) "") -}}
{{- $errors = append $errors (printf "%s: enabled without a target; set targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage" .name) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Worker pools: `default` among them, unique names (each is a queue and a Deployment). */}}
{{- if not $v.workers.pools -}}
{{- $errors = append $errors "workers.pools is empty: at least the pool `default` is needed, apps run there unless moved" -}}
{{- end -}}
{{- $seen := dict -}}
{{- range $v.workers.pools -}}
{{- if hasKey $seen (toString .name) -}}
{{- $errors = append $errors (printf "workers.pools: the pool name %q appears more than once" .name) -}}
{{- end -}}
{{- $_ := set $seen (toString .name) true -}}
{{- end -}}
{{- if and $v.workers.pools (not (hasKey $seen "default")) -}}
{{- $errors = append $errors "workers.pools has no pool named `default`: every app runs there until moved to another pool, its jobs would wait forever" -}}
{{- end -}}

{{/* A PodDisruptionBudget takes minAvailable or maxUnavailable, not both. */}}
{{- $pdbs := dict "registry.pdb" $v.registry.pdb "gateway.pdb" $v.gateway.pdb "workers.pdb" $v.workers.pdb -}}
{{- range $name := keys $pdbs | sortAlpha -}}
{{- $pdb := get $pdbs $name -}}
{{- if $pdb.create -}}
{{- $min := toString $pdb.minAvailable -}}
{{- $max := toString $pdb.maxUnavailable -}}
{{- if and (ne $min "") (ne $max "") -}}
{{- $errors = append $errors (printf "%s: set minAvailable or maxUnavailable, not both" $name) -}}
{{- end -}}
{{- if and (eq $min "") (eq $max "") -}}
{{- $errors = append $errors (printf "%s: create=true needs minAvailable or maxUnavailable" $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- if $errors -}}
{{- fail (printf "\n\nportico: invalid values:\n  - %s\n" (join "\n  - " $errors)) -}}
{{- end -}}
{{- end -}}
