-- Fixed window: at most `permits` calls per window, counted by a key that expires with
-- its window (the window opens at the first call).
-- KEYS[1]: the counter; KEYS[2]: an optional per-subject quota that overrides permits
-- ARGV[1]: permits; ARGV[2]: window in milliseconds; ARGV[4]: permits asked (default 1)
-- Returns {granted (0 to asked; 1/0 for one), remaining, retry after ms (0 when all
-- were granted), reset after ms, limit}
local limit = tonumber(redis.call('GET', KEYS[2]) or ARGV[1])
local window = tonumber(ARGV[2])
local asked = tonumber(ARGV[4]) or 1
local count = redis.call('INCRBY', KEYS[1], asked)
local ttl = redis.call('PTTL', KEYS[1])
if count == asked or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], window)
  ttl = window
end
-- As many as fit under the limit, counted before this call's permits.
local granted = math.max(0, math.min(asked, limit - (count - asked)))
if granted < asked then
  return {granted, 0, ttl, ttl, limit}
end
return {granted, limit - count, 0, ttl, limit}
