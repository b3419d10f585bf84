-- Fixed window: at most `permits` calls per window, counted by a key that expires with
-- its window (the window opens at the first call).
-- KEYS[1]: the counter; KEYS[2]: an optional per-subject quota that overrides permits
-- ARGV[1]: permits; ARGV[2]: window in milliseconds
-- Returns {allowed (1/0), remaining, retry after ms, reset after ms, limit}
local limit = tonumber(redis.call('GET', KEYS[2]) or ARGV[1])
local window = tonumber(ARGV[2])
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], window)
  ttl = window
end
if count > limit then
  return {0, 0, ttl, ttl, limit}
end
return {1, limit - count, 0, ttl, limit}
