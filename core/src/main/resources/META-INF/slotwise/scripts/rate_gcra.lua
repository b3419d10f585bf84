-- GCRA (generic cell rate algorithm): one call every window/permits milliseconds, with
-- up to `burst` calls at once; stores only the theoretical arrival time (TAT).
-- KEYS[1]: the TAT in ms
-- ARGV[1]: permits; ARGV[2]: window in milliseconds; ARGV[3]: burst
-- Returns {allowed (1/0), remaining, retry after ms, reset after ms, limit}
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[2]) / tonumber(ARGV[1])
local burst = tonumber(ARGV[3])
local tolerance = interval * (burst - 1)
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local allowAt = tat - tolerance
if now < allowAt then
  return {0, 0, math.ceil(allowAt - now), math.ceil(tat - now), burst}
end
local newTat = tat + interval
redis.call('SET', KEYS[1], string.format('%.3f', newTat), 'PX', math.max(1, math.ceil(newTat - now)))
local remaining = math.floor((tolerance - (newTat - interval - now)) / interval)
return {1, math.max(0, remaining), 0, math.ceil(newTat - now), burst}
