-- Delete every key of one slot that starts with a prefix: the entries of one hash tag.
-- KEYS[1]: the prefix; it holds the hash tag, so every key that starts with it lives in
-- its slot, on this master
-- ARGV[1]: that slot
-- Returns how many keys were deleted.
-- CLUSTER GETKEYSINSLOT lists the slot's keys only (the tag's, and those of other tags
-- that hash to the same slot): the work is the slot's keys, about 1/16384 of the data,
-- not a SCAN of the node. Atomic: a write sent after it is applied after it.
local prefix = KEYS[1]
local length = #prefix
local count = redis.call('CLUSTER', 'COUNTKEYSINSLOT', tonumber(ARGV[1]))
if count == 0 then
  return 0
end
local keys = redis.call('CLUSTER', 'GETKEYSINSLOT', tonumber(ARGV[1]), count)
local deleted = 0
local batch = {}
for _, key in ipairs(keys) do
  if string.sub(key, 1, length) == prefix then
    batch[#batch + 1] = key
    if #batch == 500 then
      deleted = deleted + redis.call('DEL', unpack(batch))
      batch = {}
    end
  end
end
if #batch > 0 then
  deleted = deleted + redis.call('DEL', unpack(batch))
end
return deleted
