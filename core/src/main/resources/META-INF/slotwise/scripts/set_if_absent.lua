-- Replay of a plain put: set KEYS[1] to ARGV[1] only if it is absent.
-- ARGV[1]: the value; ARGV[2]: milliseconds to live, or 0 for none
-- Returns 1 when the value was set, 2 when the key already holds this very value (the
-- original write reached Redis although the client saw it fail, as after a timeout),
-- 0 when it holds another value, which is kept.
local ttl = tonumber(ARGV[2])
local set
if ttl > 0 then
  set = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ttl)
else
  set = redis.call('SET', KEYS[1], ARGV[1], 'NX')
end
if set then
  return 1
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return 2
end
return 0
