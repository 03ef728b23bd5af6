-- Records ARGV[1] as the entry's highest vote milestone (KEYS[1], kept a
-- week) when it is higher, and returns the highest.
local c = tonumber(redis.call('GET', KEYS[1]) or '0')
local n = tonumber(ARGV[1])
if n > c then
  redis.call('SET', KEYS[1], n, 'EX', 604800)
  return n
end
return c
