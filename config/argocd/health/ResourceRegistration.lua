-- Argo CD health for quota.miloapis.com/ResourceRegistration: the `Active` condition decides.
-- Argo CD runs argocd-cm scripts without Lua's standard libraries, so only base functions are used.
-- {{prelude}}
local early, active = gate(meta, obj.status, "Active")
if early ~= nil then return early end

if active.status == "True" then return { status = "Healthy", message = describe(active) } end
-- RegistrationPending is the only transient reason; anything else that is False (ValidationFailed, e.g.
-- a duplicate resourceType) needs a change in Git to recover.
if active.status == "False" and active.reason ~= "RegistrationPending" then
  return { status = "Degraded", message = describe(active) }
end
return { status = "Progressing", message = describe(active) }
