-- Argo CD health for quota.miloapis.com/ClaimCreationPolicy: the `Ready` condition decides.
-- Argo CD runs argocd-cm scripts without Lua's standard libraries, so only base functions are used.
-- {{prelude}}
if meta.deletionTimestamp ~= nil then return deleting(meta) end
local generation = meta.generation
local status = obj.status
if type(status) ~= "table" then
  return { status = "Progressing", message = "Waiting for the quota operator to report status" }
end
if stale(status.observedGeneration, generation) then return waiting(status.observedGeneration, generation) end
local ready = find(status.conditions, "Ready")
if ready == nil then return { status = "Progressing", message = "Waiting for condition Ready" } end
if stale(ready.observedGeneration, generation) then return waiting(ready.observedGeneration, generation) end

if ready.status == "True" then return { status = "Healthy", message = describe(ready) } end
-- spec.disabled is a deliberate pause by the admin, not a fault: Suspended, as Argo CD shows a
-- suspended CronJob. Every other False reason (ValidationFailed) needs a fix in Git.
if ready.status == "False" and ready.reason == "PolicyDisabled" then
  return { status = "Suspended", message = describe(ready) }
end
if ready.status == "False" then return { status = "Degraded", message = describe(ready) } end
return { status = "Progressing", message = describe(ready) }
