-- Sliding window: the previous window's count, weighted by how much of it still overlaps
-- the sliding window, plus the current window's count, must stay under `permits`.
-- KEYS[1]: a hash {w = window index, c = count in it, p = count in the one before}
-- ARGV[1]: permits; ARGV[2]: window in milliseconds; ARGV[4]: permits asked (default 1)
-- Returns {granted (0 to asked; 1/0 for one), remaining, retry after ms (0 when all
-- were granted), reset after ms, limit}
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local asked = tonumber(ARGV[4]) or 1
local index = math.floor(now / window)
local state = redis.call('HMGET', KEYS[1], 'w', 'c', 'p')
local w = tonumber(state[1]) or index
local c = tonumber(state[2]) or 0
local p = tonumber(state[3]) or 0
if w < index then
  if w == index - 1 then p = c else p = 0 end
  c = 0
  w = index
end
local into = now - index * window
local weight = (window - into) / window
local estimate = p * weight + c
local reset = window - into
-- One at a time, the k-th permit fits while estimate + k <= limit.
local granted = math.max(0, math.min(asked, math.floor(limit - estimate)))
if granted > 0 then
  c = c + granted
  redis.call('HSET', KEYS[1], 'w', w, 'c', c, 'p', p)
  redis.call('PEXPIRE', KEYS[1], 2 * window)
end
if granted < asked then
  local retry = reset
  if c + 1 <= limit and p > 0 then
    -- The weighted previous count falls as the window slides: wait until it leaves room.
    local needed = 1 - (limit - c - 1) / p
    retry = math.max(1, math.ceil(needed * window - into))
  end
  return {granted, 0, retry, reset, limit}
end
return {granted, math.max(0, math.floor(limit - estimate - granted)), 0, reset, limit}
