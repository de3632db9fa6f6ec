-- Argo CD health for flywheel.dev/TrainingRun: follows the run's phase.
local hs = { status = "Progressing", message = "Waiting for the trainer Job to start" }
if obj.status == nil or obj.status.phase == nil then return hs end
local phase = obj.status.phase
if phase == "Succeeded" then
  hs.status = "Healthy"
  hs.message = "Produced version " .. (obj.status.producedVersion or "?")
elseif phase == "Failed" then
  hs.status = "Degraded"
  hs.message = obj.status.message or "Training failed"
elseif phase == "Running" then
  hs.message = "Training in Job " .. (obj.status.jobName or "?")
else
  hs.message = "Pending"
end
return hs
