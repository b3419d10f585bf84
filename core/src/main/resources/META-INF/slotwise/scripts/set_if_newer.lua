-- Replay of a versioned put: set KEYS[1] to ARGV[1] unless it holds a value at least as new.
-- ARGV[1]: the value, starting with a 16-byte header 'SW1' .. 13-digit version (ms since epoch)
-- ARGV[2]: milliseconds to live, or 0 for none
-- Returns 1 when the value was set, 2 when the key already holds this very value (the
-- original write reached Redis although the client stopped waiting for it), 0 when a
-- value at least as new was kept, -1 when an unversioned value (not written by Slotwise)
-- was kept.
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then
  return 2
end
if current then
  if string.sub(current, 1, 3) ~= 'SW1' then
    -- Written by something other than Slotwise: not ours to judge, keep it.
    return -1
  end
  local stored = tonumber(string.sub(current, 4, 16))
  local mine = tonumber(string.sub(ARGV[1], 4, 16))
  if stored == nil or mine == nil or stored >= mine then
    return 0
  end
end
local ttl = tonumber(ARGV[2])
if ttl > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
else
  redis.call('SET', KEYS[1], ARGV[1])
end
return 1
