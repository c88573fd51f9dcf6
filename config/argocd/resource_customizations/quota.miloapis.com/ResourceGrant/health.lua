-- Argo CD health for quota.miloapis.com/ResourceGrant: the `Active` condition decides.
-- Argo CD runs argocd-cm scripts without Lua's standard libraries, so only base functions are used.

-- Decimal text of a whole number. Plain `..` prints large numbers as 9.007199254741e+15 under
-- PUC Lua 5.1 but exactly under gopher-lua; this prints the same digits in both.
local function num(n)
  if type(n) ~= "number" or n < 0 or n % 1 ~= 0 then return tostring(n) end
  if n < 10 then return "" .. n end
  local digit = n % 10
  return num((n - digit) / 10) .. digit
end

local function stale(observed, generation)
  return type(generation) == "number" and type(observed) == "number" and observed < generation
end

local function waiting(observed, generation)
  return { status = "Progressing",
    message = "Waiting for the quota operator to observe generation " .. num(generation) ..
      " (observed " .. num(observed) .. ")" }
end

local function find(conditions, kind)
  if type(conditions) ~= "table" then return nil end
  for _, c in ipairs(conditions) do
    if type(c) == "table" and c.type == kind then return c end
  end
  return nil
end

-- "Reason: message", or whichever of the two is set.
local function describe(c)
  local reason, message = c.reason or "", c.message or ""
  if reason ~= "" and message ~= "" then return reason .. ": " .. message end
  if reason ~= "" then return reason end
  if message ~= "" then return message end
  if c.type == nil then return tostring(c.status) end
  return tostring(c.type) .. " is " .. tostring(c.status)
end

local function deleting(meta)
  local message = "Deleting"
  if type(meta.finalizers) == "table" and meta.finalizers[1] ~= nil then
    message = message .. ", waiting for finalizers:"
    for i, f in ipairs(meta.finalizers) do
      message = message .. (i == 1 and " " or ", ") .. tostring(f)
    end
  end
  return { status = "Progressing", message = message }
end

-- The checks every kind with a deciding condition makes first: deletion, no status yet, a generation the
-- operator has not observed (on the status or on the condition). Returns a health to report at once, or nil
-- and the condition.
local function gate(meta, status, conditionType)
  if meta.deletionTimestamp ~= nil then return deleting(meta) end
  local generation = meta.generation
  if type(status) ~= "table" then
    return { status = "Progressing", message = "Waiting for the quota operator to report status" }
  end
  if stale(status.observedGeneration, generation) then return waiting(status.observedGeneration, generation) end
  local condition = find(status.conditions, conditionType)
  if condition == nil then return { status = "Progressing", message = "Waiting for condition " .. conditionType } end
  if stale(condition.observedGeneration, generation) then return waiting(condition.observedGeneration, generation) end
  return nil, condition
end

local meta = obj.metadata or {}
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
