-- Argo CD health for quota.miloapis.com/ClaimCreationPolicy: the `Ready` condition decides.
-- Argo CD runs argocd-cm scripts without Lua's standard libraries, so only base functions are used.
-- {{prelude}}
local early, ready = gate(meta, obj.status, "Ready")
if early ~= nil then return early end

if ready.status == "True" then return { status = "Healthy", message = describe(ready) } end
-- spec.disabled is a deliberate pause by the admin, not a fault: Suspended, as Argo CD shows a
-- suspended CronJob. Every other False reason (ValidationFailed) needs a fix in Git.
if ready.status == "False" and ready.reason == "PolicyDisabled" then
  return { status = "Suspended", message = describe(ready) }
end
if ready.status == "False" then return { status = "Degraded", message = describe(ready) } end
return { status = "Progressing", message = describe(ready) }
