-- setVotesIfPresent (redis.go): the Go doc comment on setVotesIfPresent describes KEYS, ARGV and the reply.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'votes', ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
return 1
