-- Token bucket: holds up to `burst` tokens, refilled at `permits` per window; a call
-- takes one.
-- KEYS[1]: a hash {t = tokens, ts = time of the last refill in ms}
-- ARGV[1]: permits; ARGV[2]: window in milliseconds; ARGV[3]: burst; ARGV[4]: permits
-- asked (default 1)
-- Returns {granted (0 to asked; 1/0 for one), remaining, retry after ms (0 when all
-- were granted), reset after ms, limit}
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local rate = tonumber(ARGV[1]) / tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local asked = tonumber(ARGV[4]) or 1
local state = redis.call('HMGET', KEYS[1], 't', 'ts')
local tokens = tonumber(state[1]) or burst
local last = tonumber(state[2]) or now
if now > last then
  tokens = math.min(burst, tokens + (now - last) * rate)
  last = now
end
-- Each permit takes a whole token.
local granted = math.max(0, math.min(asked, math.floor(tokens)))
if granted > 0 then
  tokens = tokens - granted
  redis.call('HSET', KEYS[1], 't', tostring(tokens), 'ts', last)
  -- Once full again the bucket is the same as no bucket: let it expire then.
  redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1)
end
local full = math.ceil((burst - tokens) / rate)
if granted < asked then
  return {granted, 0, math.ceil((1 - tokens) / rate), full, burst}
end
return {granted, math.floor(tokens), 0, full, burst}
