-- cardsAtRanks (redis.go): the Go doc comment on cardsAtRanks describes KEYS, ARGV and the reply.
local out = {}
for i = 1, #ARGV do
  local ids = redis.call('ZREVRANGE', KEYS[1], ARGV[i], ARGV[i])
  if #ids == 1 then
    local f = redis.call('HMGET', 'gallery:card:' .. ids[1], 'title', 'creator', 'poster', 'preview', 'duration', 'live_at', 'views', 'votes')
    if f[1] then
      out[#out + 1] = ids[1]
      out[#out + 1] = f
    end
  end
end
return out
