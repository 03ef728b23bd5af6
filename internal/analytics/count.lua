-- countScript (redis.go): the Go doc comment on countScript describes KEYS, ARGV and the reply.
if KEYS[1] ~= '' then
  if ARGV[6] ~= '0' then
    if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[6]) then return 0 end
  elseif redis.call('HSETNX', KEYS[1], ARGV[3], '1') == 0 then return 0 end
end
local n = tonumber(ARGV[2])
if ARGV[7] == '1' then
  redis.call('HINCRBY', KEYS[2], ARGV[1], n)
  redis.call('HINCRBY', KEYS[3], ARGV[1], n)
end
local src = ARGV[4]
if src == '' then
  if ARGV[3] ~= '' and ARGV[6] == '0' then src = redis.call('HGET', KEYS[6], ARGV[3]) or '' end
elseif ARGV[3] ~= '' and ARGV[6] == '0' then
  redis.call('HSETNX', KEYS[6], ARGV[3], src)
end
if src ~= '' then
  if redis.call('SISMEMBER', KEYS[5], src) == 0 then
    if redis.call('SCARD', KEYS[5]) >= tonumber(ARGV[5]) then src = 'other' end
    redis.call('SADD', KEYS[5], src)
  end
  redis.call('HINCRBY', KEYS[4], src .. '|' .. ARGV[1], n)
end
return 1
