-- Argo CD health for quota.miloapis.com/ResourceRegistration: the `Active` condition decides.
-- Argo CD runs argocd-cm scripts without Lua's standard libraries, so only base functions are used.
-- {{prelude}}
if meta.deletionTimestamp ~= nil then return deleting(meta) end
local generation = meta.generation
local status = obj.status
if type(status) ~= "table" then
  return { status = "Progressing", message = "Waiting for the quota operator to report status" }
end
if stale(status.observedGeneration, generation) then return waiting(status.observedGeneration, generation) end
local active = find(status.conditions, "Active")
if active == nil then return { status = "Progressing", message = "Waiting for condition Active" } end
if stale(active.observedGeneration, generation) then return waiting(active.observedGeneration, generation) end

if active.status == "True" then return { status = "Healthy", message = describe(active) } end
-- RegistrationPending is the only transient reason; anything else that is False (ValidationFailed, e.g.
-- a duplicate resourceType) needs a change in Git to recover.
if active.status == "False" and active.reason ~= "RegistrationPending" then
  return { status = "Degraded", message = describe(active) }
end
return { status = "Progressing", message = describe(active) }
