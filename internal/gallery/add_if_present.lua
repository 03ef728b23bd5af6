-- addIfPresent (redis.go): the Go doc comment on addIfPresent describes KEYS, ARGV and the reply.
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
local v = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
if KEYS[2] then redis.call('ZINCRBY', KEYS[2], ARGV[2], ARGV[3]) end
return v
