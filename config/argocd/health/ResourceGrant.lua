-- Argo CD health for quota.miloapis.com/ResourceGrant: the `Active` condition decides.
-- Argo CD runs argocd-cm scripts without Lua's standard libraries, so only base functions are used.
-- {{prelude}}
local early, active = gate(meta, obj.status, "Active")
if early ~= nil then return early end

if active.status == "True" then return { status = "Healthy", message = describe(active) } end
-- GrantPending is the only transient reason; anything else that is False (ValidationFailed: a resource
-- type without an Active registration, or a consumer kind that does not match it) waits for a fix in Git
-- or in the registration; the operator re-validates the grant when registrations change.
if active.status == "False" and active.reason ~= "GrantPending" then
  return { status = "Degraded", message = describe(active) }
end
return { status = "Progressing", message = describe(active) }
