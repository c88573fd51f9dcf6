-- Argo CD health for quota.miloapis.com/GrantCreationPolicy: `Ready`, then `ParentContextReady` when present.
-- Argo CD runs argocd-cm scripts without Lua's standard libraries, so only base functions are used.
-- {{prelude}}
local early, ready = gate(meta, obj.status, "Ready")
if early ~= nil then return early end
local status, generation = obj.status, meta.generation

-- spec.disabled is a deliberate pause by the admin, not a fault: Suspended, as Argo CD shows a
-- suspended CronJob. Every other False reason (ValidationFailed, ParentContextUnsupported) needs a fix in Git.
if ready.status == "False" and ready.reason == "PolicyDisabled" then
  return { status = "Suspended", message = describe(ready) }
end
if ready.status == "False" then return { status = "Degraded", message = describe(ready) } end
if ready.status ~= "True" then return { status = "Progressing", message = describe(ready) } end

-- ParentContextReady exists only for policies with spec.target.parentContext.
local parent = find(status.conditions, "ParentContextReady")
if parent ~= nil then
  if stale(parent.observedGeneration, generation) then return waiting(parent.observedGeneration, generation) end
  if parent.status == "False" then return { status = "Degraded", message = describe(parent) } end
  if parent.status ~= "True" then return { status = "Progressing", message = describe(parent) } end
end
return { status = "Healthy", message = describe(ready) }
