-- GCRA (generic cell rate algorithm): one call every window/permits milliseconds, with
-- up to `burst` calls at once; stores only the theoretical arrival time (TAT).
-- KEYS[1]: the TAT in ms
-- ARGV[1]: permits; ARGV[2]: window in milliseconds; ARGV[3]: burst; ARGV[4]: permits
-- asked (default 1)
-- Returns {granted (0 to asked; 1/0 for one), remaining, retry after ms (0 when all
-- were granted), reset after ms, limit}
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[2]) / tonumber(ARGV[1])
local burst = tonumber(ARGV[3])
local asked = tonumber(ARGV[4]) or 1
local tolerance = interval * (burst - 1)
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local allowAt = tat - tolerance
if now < allowAt then
  return {0, 0, math.ceil(allowAt - now), math.ceil(tat - now), burst}
end
-- One at a time, the k-th permit (from 0) fits while tat + k * interval - tolerance <= now.
local granted = math.min(asked, math.floor((now - allowAt) / interval + 1e-9) + 1)
local newTat = tat + granted * interval
redis.call('SET', KEYS[1], string.format('%.3f', newTat), 'PX', math.max(1, math.ceil(newTat - now)))
if granted < asked then
  return {granted, 0, math.max(1, math.ceil(newTat - tolerance - now)), math.ceil(newTat - now), burst}
end
local remaining = math.floor((tolerance - (newTat - interval - now)) / interval)
return {granted, math.max(0, remaining), 0, math.ceil(newTat - now), burst}
