-- Argo CD health for quota.miloapis.com/ResourceClaim: the `Granted` condition decides.
-- Argo CD runs argocd-cm scripts without Lua's standard libraries, so only base functions are used.
-- {{prelude}}
local early, granted = gate(meta, obj.status, "Granted")
if early ~= nil then return early end
local status = obj.status

if granted.status == "True" then return { status = "Healthy", message = describe(granted) } end
-- PendingEvaluation (the CRD's default status) means "not decided yet"; a decided claim is final, so
-- QuotaExceeded and ValidationFailed stay Degraded until the claim is replaced.
if granted.status ~= "False" or granted.reason == "PendingEvaluation" then
  return { status = "Progressing", message = describe(granted) }
end
-- The overall message is generic; the denied allocations say which resource type did not fit.
local message = describe(granted)
if type(status.allocations) == "table" then
  for _, a in ipairs(status.allocations) do
    if type(a) == "table" and a.status == "Denied" then
      message = message .. "; " .. tostring(a.resourceType) .. ": " .. describe(a)
    end
  end
end
return { status = "Degraded", message = message }
