-- Argo CD health for flywheel.dev/ModelDeployment: Healthy when the wanted version serves on Ready replicas.
local hs = { status = "Progressing", message = "Waiting for the operator to observe the ModelDeployment" }
local function condition(t)
  if obj.status == nil or obj.status.conditions == nil then return nil end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == t then return c end
  end
  return nil
end
if obj.status == nil then return hs end
if obj.metadata.generation ~= nil and (obj.status.observedGeneration or 0) < obj.metadata.generation then
  hs.message = "Waiting for the operator to observe generation " .. obj.metadata.generation
  return hs
end
local degraded = condition("Degraded")
if degraded ~= nil and degraded.status == "True" then
  hs.status = "Degraded"
  hs.message = degraded.message or degraded.reason or "Degraded"
  return hs
end
local ready = condition("Ready")
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = "Serving version " .. (obj.status.servingVersion or "?") .. " on " ..
    (obj.status.readyReplicas or 0) .. " ready replica(s)"
  return hs
end
local progressing = condition("Progressing")
if progressing ~= nil and progressing.message ~= nil then
  hs.message = progressing.message
elseif ready ~= nil and ready.message ~= nil then
  hs.message = ready.message
else
  hs.message = "Rolling out"
end
return hs
