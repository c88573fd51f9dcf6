-- Argo CD health for quota.miloapis.com/AllowanceBucket. Buckets have no conditions (as in Milo): the
-- status is current once observedGeneration reaches the generation, and a limit below the allocated
-- amount is reported as over-committed.
-- Argo CD runs argocd-cm scripts without Lua's standard libraries, so only base functions are used.

-- {{prelude}}
if meta.deletionTimestamp ~= nil then return deleting(meta) end
local generation = meta.generation
local status = obj.status
if type(status) ~= "table" then
  return { status = "Progressing", message = "Waiting for the quota operator to report status" }
end
-- Without conditions, observedGeneration is the only proof the operator has seen this generation.
local observed = status.observedGeneration
if type(generation) == "number" and (type(observed) ~= "number" or observed < generation) then
  return { status = "Progressing",
    message = "Waiting for the quota operator to observe generation " .. num(generation) ..
      " (observed " .. (type(observed) == "number" and num(observed) or "none") .. ")" }
end
local limit, allocated = status.limit, status.allocated
if type(limit) ~= "number" or type(allocated) ~= "number" then
  return { status = "Progressing", message = "Waiting for the quota operator to report limit and allocated" }
end
-- Grants were reduced below what claims already hold. Existing allocations are never revoked, so the
-- bucket stays over-committed (and denies new claims) until usage drops or the limit grows again.
if allocated > limit then
  return { status = "Degraded",
    message = "Over-committed: allocated " .. num(allocated) .. " exceeds limit " .. num(limit) ..
      " by " .. num(allocated - limit) .. "; new claims are denied until usage drops or grants grow" }
end
return { status = "Healthy",
  message = "Limit " .. num(limit) .. ", allocated " .. num(allocated) .. ", available " .. num(limit - allocated) }
